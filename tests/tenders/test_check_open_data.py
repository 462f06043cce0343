"""``manage.py check_open_data`` validates every package the portal serves, offline."""

import socket
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from tenders.models import Release
from tenders.opendata import record, validation
from tenders.opendata.bulk import bulk_files_write
from tenders.opendata.packages import process_releases, record_package
from tests.tenders.open_data_support import cancelled_tender, lifecycle

pytestmark = pytest.mark.django_db


def check():
    out, err = StringIO(), StringIO()
    call_command("check_open_data", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_every_package_of_the_whole_lifecycle_and_a_cancelled_tender_is_valid():
    lifecycle()
    cancelled_tender()

    out, err = check()

    assert out.strip() == (
        "Release packages: 1 (10 releases); bulk release package: 0 releases; "
        "record packages: 2; 360Giving grants: 1; errors: 0"
    )
    assert err == ""


def test_the_nightly_bulk_package_is_checked_too():
    lifecycle()
    bulk_files_write()

    out, err = check()

    assert "(8 releases); bulk release package: 8 releases;" in out
    assert out.strip().endswith("errors: 0")
    assert err == ""


def test_a_portal_with_nothing_published_has_nothing_to_check():
    out, _err = check()

    assert out.strip() == (
        "Release packages: 0 (0 releases); bulk release package: 0 releases; "
        "record packages: 0; 360Giving grants: 0; errors: 0"
    )


def test_an_invalid_release_fails_the_check_and_is_named():
    cancelled_tender()
    now = timezone.now()
    Release.objects.create(
        ocid="ocds-xxxxxx-SC-BROKEN",
        release_id="ocds-xxxxxx-SC-BROKEN-1",
        date=now,
        tags=["bid"],
        data={
            "ocid": "ocds-xxxxxx-SC-BROKEN",
            "id": "ocds-xxxxxx-SC-BROKEN-1",
            "date": "yesterday",
            "tag": ["bid"],
            "initiationType": "tender",
        },
    )
    bulk_files_write()
    err = StringIO()

    with pytest.raises(CommandError, match="errors in the open data"):
        call_command("check_open_data", stdout=StringIO(), stderr=err)

    assert "'bid' is not one of" in err.getvalue()
    assert "'yesterday' is not a 'date-time'" in err.getvalue()
    assert "/data/ocds/records/ocds-xxxxxx-SC-BROKEN/" in err.getvalue()
    assert "/data/ocds/bulk/releases.json releases/" in err.getvalue()


def test_the_schemas_are_the_projects_own_copy():
    folder = validation.SCHEMAS

    assert folder.is_relative_to(settings.BASE_DIR)
    assert sorted(path.name for path in folder.glob("*.json")) == [
        "record-package-schema.json",
        "release-package-schema.json",
        "release-schema.json",
    ]
    assert "Apache License" in (folder / "README.md").read_text()


def test_validating_and_compiling_need_no_network(monkeypatch):
    lifecycle()
    validation._validator.cache_clear()
    record._merger.cache_clear()

    def refuse(*args, **kwargs):
        raise OSError("no network here")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    rows = process_releases(Release.objects.first().ocid)
    package = record_package(rows[0].ocid, rows, uri="https://portal.example.org/r")

    assert validation.errors(package, validation.RECORD_PACKAGE) == []
