"""Finding and removing stored files that no row references (``manage.py storage_orphans``)."""

import io
import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from portal.documents.storage import generate_name
from tests.factories.portal import UserFactory
from tests.factories.providers import ProviderDocumentFactory
from workflows.models import FileJob

pytestmark = pytest.mark.django_db
DAY = 24 * 60 * 60


@pytest.fixture
def local_media(settings, tmp_path):
    """The file system only: ages are set on the files themselves (the bucket's own test,
    in ``test_documents_s3``, removes old objects by moving ``now`` instead)."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def run(*args):
    out = io.StringIO()
    call_command("storage_orphans", *args, stdout=out)
    return out.getvalue().splitlines()


def stored_file(name, *, age_seconds=0):
    saved = default_storage.save(name, ContentFile(b"left behind"))
    if age_seconds:
        moment = time.time() - age_seconds
        os.utime(default_storage.path(saved), (moment, moment))
    return saved


def test_files_no_row_references_are_listed_and_referenced_ones_are_not(media):
    document = ProviderDocumentFactory()
    job = FileJob.objects.create(owner=UserFactory(), kind="export", fingerprint="x", language="en")
    job.file.save("export.xlsx", ContentFile(b"rows"))
    orphan = stored_file(generate_name("tenders/bids", "pdf"))

    lines = run()

    assert lines == [orphan, "1 file(s) not referenced by any row."]
    assert document.file.name not in lines and job.file.name not in lines


def test_delete_removes_orphans_older_than_a_day_and_keeps_recent_ones(local_media):
    document = ProviderDocumentFactory()
    old = stored_file(generate_name("grants/reports", "png"), age_seconds=2 * DAY)
    recent = stored_file(generate_name("grants/reports", "png"), age_seconds=DAY - 600)

    lines = run("--delete")

    assert lines[-1] == "2 file(s) not referenced by any row. 1 removed; 1 kept (too recent)."
    assert not default_storage.exists(old)
    assert default_storage.exists(recent)
    assert default_storage.exists(document.file.name)
    assert run() == [recent, "1 file(s) not referenced by any row."]
