"""The nightly bulk files at ``/data/ocds/bulk/``: every release as one release package, and
flattened by flattentool as CSV sheets in a ZIP and as XLSX; public, with Last-Modified, and
nothing in them that the releases do not publish."""

import csv
import io
import json
import zipfile

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils.http import http_date
from openpyxl import load_workbook

from portal.celery import app as celery_app
from portal.documents.orphans import orphaned_names
from tenders.models import BulkFile, Release
from tenders.opendata.bulk import bulk_files_write
from tenders.opendata.validation import RELEASE_PACKAGE, errors
from tenders.tasks import write_bulk_files
from tests.tenders.open_data_support import BID_SECRETS, cancelled_tender, lifecycle

pytestmark = pytest.mark.django_db

JSON_URL = reverse("opendata:bulk", args=["releases.json"])
CSV_URL = reverse("opendata:bulk", args=["releases.csv.zip"])
XLSX_URL = reverse("opendata:bulk", args=["releases.xlsx"])


@pytest.fixture
def process(django_capture_on_commit_callbacks):
    process = lifecycle()
    cancelled_tender()
    with django_capture_on_commit_callbacks(execute=True):
        write_bulk_files()
    return process


def body(response):
    return b"".join(response.streaming_content)


def release_ids():
    return sorted(Release.objects.values_list("release_id", flat=True))


def csv_sheets(content):
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {
            name: list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"))))
            for name in archive.namelist()
        }


def test_the_bulk_release_package_is_public_streamed_and_valid(client, process):
    response = client.get(JSON_URL)

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/json"
    package = json.loads(body(response))
    assert errors(package, RELEASE_PACKAGE) == []
    assert sorted(release["id"] for release in package["releases"]) == release_ids()
    assert len(package["releases"]) == 10
    assert package["uri"].endswith(JSON_URL)


def test_each_bulk_file_says_when_it_was_written_and_answers_304_when_unchanged(client, process):
    written = BulkFile.objects.get(format=BulkFile.Format.JSON).written_at

    for url in (JSON_URL, CSV_URL, XLSX_URL):
        response = client.get(url)
        assert response["Last-Modified"] == http_date(written.timestamp())
        again = client.get(url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
        assert again.status_code == 304


def test_the_csv_sheets_hold_a_row_per_release_with_its_ocid(client, process):
    response = client.get(CSV_URL)

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="releases.csv.zip"'
    sheets = csv_sheets(body(response))
    rows = sheets["releases.csv"]
    assert sorted(row["id"] for row in rows) == release_ids()
    assert {row["ocid"] for row in rows} == set(Release.objects.values_list("ocid", flat=True))
    assert "parties.csv" in sheets and "awards.csv" in sheets


def test_the_workbook_holds_a_row_per_release_with_its_ocid(client, process):
    response = client.get(XLSX_URL)

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(body(response)), read_only=True)["releases"]
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    ids = [row[header.index("id")] for row in rows]
    ocids = {row[header.index("ocid")] for row in rows}
    assert sorted(ids) == release_ids()
    assert ocids == set(Release.objects.values_list("ocid", flat=True))


def test_no_bulk_file_holds_a_sealed_or_personal_value(client, process):
    texts = [body(client.get(JSON_URL)).decode("utf-8")]
    texts += [json.dumps(csv_sheets(body(client.get(CSV_URL))), ensure_ascii=False)]
    texts += [
        json.dumps([list(row) for row in sheet.iter_rows(values_only=True)], default=str)
        for sheet in load_workbook(io.BytesIO(body(client.get(XLSX_URL)))).worksheets
    ]
    secrets = [*BID_SECRETS, "PP-SECRET-77", process.report.achievements]
    secrets += [member.full_name for bid in process.bids for member in bid.staff.all()]
    secrets += [bid.provider.memberships.first().user.email for bid in process.bids]

    for text in texts:
        for secret in secrets:
            assert secret not in text
        assert "score" not in text.lower()


def test_a_bulk_file_not_written_yet_is_not_found(client):
    response = client.get(JSON_URL)

    assert response.status_code == 404
    assert response.json()["error"] == "The bulk file has not been written yet."
    assert client.get(reverse("opendata:bulk", args=["secrets.txt"])).status_code == 404


def test_writing_again_without_a_new_release_changes_nothing(process):
    before = {row.format: (row.file.name, row.written_at) for row in BulkFile.objects.all()}

    bulk_files_write()

    after = {row.format: (row.file.name, row.written_at) for row in BulkFile.objects.all()}
    assert after == before


def test_a_new_release_rewrites_the_files_and_removes_the_old_ones(
    client, process, django_capture_on_commit_callbacks
):
    old = list(BulkFile.objects.values_list("file", flat=True))
    cancelled_tender()

    with django_capture_on_commit_callbacks(execute=True):
        write_bulk_files()

    package = json.loads(body(client.get(JSON_URL)))
    assert sorted(release["id"] for release in package["releases"]) == release_ids()
    assert len(package["releases"]) == 12
    assert not any(default_storage.exists(name) for name in old)
    assert all(default_storage.exists(row.file.name) for row in BulkFile.objects.all())


def test_a_portal_with_nothing_published_writes_no_bulk_file(client):
    assert write_bulk_files() == 0

    assert not BulkFile.objects.exists()
    assert client.get(JSON_URL).status_code == 404


def test_beat_writes_the_bulk_files_every_night_in_ashgabat():
    entry = settings.CELERY_BEAT_SCHEDULE["write-open-data-bulk-files"]

    assert entry["task"] == "tenders.write_bulk_files"
    assert entry["schedule"].hour == {settings.OPEN_DATA_BULK_HOUR}
    assert 0 <= settings.OPEN_DATA_BULK_HOUR <= 5
    assert "tenders.write_bulk_files" in celery_app.tasks


def test_the_publisher_page_gives_the_bulk_file_addresses(client, db):
    page = client.get(reverse("opendata:publisher")).content.decode()

    for url in (JSON_URL, CSV_URL, XLSX_URL):
        assert f'href="{settings.SITE_URL}{url}"' in page


def test_the_bulk_files_are_stored_and_served_on_the_file_system_and_on_s3(
    client,
    media,  # noqa: F811 - the fixture imported above
    django_capture_on_commit_callbacks,
):
    cancelled_tender()
    with django_capture_on_commit_callbacks(execute=True):
        write_bulk_files()
    first = sorted(BulkFile.objects.values_list("file", flat=True))
    cancelled_tender()
    with django_capture_on_commit_callbacks(execute=True):
        write_bulk_files()

    package = json.loads(body(client.get(JSON_URL)))
    assert sorted(release["id"] for release in package["releases"]) == release_ids()
    assert media.names() == sorted(BulkFile.objects.values_list("file", flat=True))
    assert not set(first) & set(media.names())
    assert media.read(BulkFile.objects.get(format=BulkFile.Format.JSON).file.name) == body(
        client.get(JSON_URL)
    )


def test_the_storage_clean_up_keeps_the_bulk_files(process):
    names = set(BulkFile.objects.values_list("file", flat=True))

    assert len(names) == 3
    assert not names & set(orphaned_names())
