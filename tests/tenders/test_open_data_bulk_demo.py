"""The nightly bulk files of the whole demo programme (``load_demo``, its history played on the
embedded database): valid OCDS, one flattened row per release."""

import csv
import io
import json
import zipfile

import pytest
from openpyxl import load_workbook

from tenders.demo_evaluation import history_available
from tenders.models import BulkFile, Release
from tenders.opendata.bulk import bulk_files_write
from tenders.opendata.validation import RELEASE_PACKAGE, errors

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not history_available(), reason="the history needs time-machine and SQLite"),
]


@pytest.fixture(scope="module")
def files(seeded, django_db_blocker):
    with django_db_blocker.unblock():
        rows = bulk_files_write()
        return {file_format: row.file.read() for file_format, row in rows.items()}


def test_the_demo_programmes_bulk_package_is_valid_with_every_release(files):
    package = json.loads(files[BulkFile.Format.JSON])

    assert errors(package, RELEASE_PACKAGE) == []
    assert len(package["releases"]) == Release.objects.count() > 10
    tags = {tag for release in package["releases"] for tag in release["tag"]}
    assert {"tender", "tenderUpdate", "award", "awardUpdate", "contract"} <= tags


def test_the_demo_programmes_flattened_files_hold_a_row_per_release(files):
    with zipfile.ZipFile(io.BytesIO(files[BulkFile.Format.CSV])) as archive:
        lines = list(csv.reader(io.StringIO(archive.read("releases.csv").decode("utf-8"))))
    sheet = load_workbook(io.BytesIO(files[BulkFile.Format.XLSX]), read_only=True)["releases"]
    rows = list(sheet.iter_rows(values_only=True))

    assert lines[0][:2] == ["ocid", "id"]
    assert len(lines) - 1 == len(rows) - 1 == Release.objects.count()
    assert {row[0] for row in rows[1:]} == set(Release.objects.values_list("ocid", flat=True))
