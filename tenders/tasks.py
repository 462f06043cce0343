"""Celery tasks of the tenders app: nothing or ids in, early return when done, one call."""

from celery import shared_task

from tenders.opendata.bulk import bulk_files_write


@shared_task(name="tenders.write_bulk_files")
def write_bulk_files():
    """Write the nightly open-data bulk files (see ``tenders.opendata.bulk``) and return how
    many releases they hold. Safe to repeat: with no new release, nothing is written."""
    rows = bulk_files_write()
    return max((row.releases for row in rows.values()), default=0)
