"""The nightly bulk files: every release as one release package (JSON), and flattened with
``flattentool`` against the bundled release schema as CSV files (one per sheet, in a ZIP) and
as an XLSX workbook, one row per release on the ``releases`` sheet, keyed by ``ocid``.

The files hold exactly the published releases, nothing more, so what is sealed or personal is
left out of them as it is of the releases. They are written to a temporary folder one release
at a time, then stored under new names in the document storage; the ``BulkFile`` rows then
point at them, and the files they replace are deleted.
"""

import json
import tempfile
import warnings
import zipfile
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone
from flattentool import flatten

from tenders.models import BulkFile, Release
from tenders.opendata.common import absolute
from tenders.opendata.packages import metadata
from tenders.opendata.validation import SCHEMAS

FOLDER = "open-data/bulk"
NAMES = {
    BulkFile.Format.JSON: "releases.json",
    BulkFile.Format.CSV: "releases.csv.zip",
    BulkFile.Format.XLSX: "releases.xlsx",
}
MAIN_SHEET = "releases"
CHUNK = 500


def bulk_url(file_format):
    return reverse("opendata:bulk", args=[NAMES[file_format]])


def bulk_files_write(now=None):
    """Write the three bulk files of every release so far and return their ``BulkFile`` rows.

    Safe to repeat: when no release was published since the files were written, nothing is
    written and the rows are returned as they are. With no release at all there is nothing to
    write (the standard wants a package to hold one release at least): no row is returned.
    """
    now = now or timezone.now()
    summary = Release.objects.aggregate(count=Count("id"), latest=Max("id"))
    count, latest = summary["count"], summary["latest"] or 0
    if not count:
        return {}
    current = {row.format: row for row in BulkFile.objects.all()}
    if len(current) == len(NAMES) and all(
        row.releases == count and row.latest_release == latest for row in current.values()
    ):
        return current
    with tempfile.TemporaryDirectory(prefix="open-data-") as folder:
        paths = _write(Path(folder), count, now)
        stored = {
            file_format: _store(path, f"{FOLDER}/{now:%Y%m%dT%H%M%S}/{path.name}")
            for file_format, path in paths.items()
        }
    return _point(stored, now=now, count=count, latest=latest)


def _write(folder, count, now):
    package = folder / NAMES[BulkFile.Format.JSON]
    _write_package(package, now)
    csv_folder = folder / "csv"
    xlsx = folder / NAMES[BulkFile.Format.XLSX]
    _flatten(package, "csv", csv_folder)
    _flatten(package, "xlsx", xlsx)
    csv_zip = folder / NAMES[BulkFile.Format.CSV]
    with zipfile.ZipFile(csv_zip, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for sheet in sorted(csv_folder.glob("*.csv")):
            archive.write(sheet, arcname=sheet.name)
    return {BulkFile.Format.JSON: package, BulkFile.Format.CSV: csv_zip, BulkFile.Format.XLSX: xlsx}


def _write_package(path, now):
    """The release package, written one release at a time so that it is never whole in
    memory: its metadata, then each release, oldest first."""
    head = metadata(absolute(bulk_url(BulkFile.Format.JSON)), now)
    rows = Release.objects.order_by("date", "id").values_list("data", flat=True)
    with path.open("w", encoding="utf-8") as out:
        out.write(json.dumps(head, ensure_ascii=False)[:-1])
        out.write(', "releases": [')
        for number, data in enumerate(rows.iterator(chunk_size=CHUNK)):
            out.write(",\n" if number else "\n")
            out.write(json.dumps(data, ensure_ascii=False))
        out.write("\n]}\n")


def _flatten(package, output_format, output):
    with warnings.catch_warnings():
        # Schema fields without properties (``details``) are skipped, each with a warning.
        warnings.simplefilter("ignore")
        flatten(
            str(package),
            schema=str(SCHEMAS / "release-schema.json"),
            output_name=str(output),
            output_format=output_format,
            root_id="ocid",
            root_list_path="releases",
            main_sheet_name=MAIN_SHEET,
            remove_empty_schema_columns=True,
        )


def _store(path, name):
    with path.open("rb") as content:
        return default_storage.save(name, File(content, name=path.name))


def _point(stored, *, now, count, latest):
    """Point each format's row at its new file, then delete the files replaced, once the rows
    are committed (a reader holding an old row still finds its file until then)."""
    replaced = []
    rows = {}
    with transaction.atomic():
        current = {row.format: row for row in BulkFile.objects.select_for_update()}
        for file_format, name in stored.items():
            row = current.get(file_format) or BulkFile(format=file_format)
            if row.file:
                replaced.append(row.file.name)
            row.file.name = name
            row.written_at = now
            row.releases = count
            row.latest_release = latest
            row.save()
            rows[file_format] = row
        transaction.on_commit(lambda: [default_storage.delete(name) for name in replaced])
    return rows
