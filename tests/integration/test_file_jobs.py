"""A real Celery worker produces the file of a job started in a committed transaction."""

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction

from grants.dashboard.jobs import CSV, DASHBOARD_EXPORT, export_parameters
from tests.factories.grants import officer
from tests.integration.conftest import wait_for
from workflows.jobs import file_job_start
from workflows.models import FileJob

pytestmark = pytest.mark.integration


def test_a_started_job_is_done_by_the_worker(start_worker):
    start_worker(PORTAL_TEST_MEDIA_ROOT=str(settings.MEDIA_ROOT))
    user = officer()

    with transaction.atomic():
        job = file_job_start(
            actor=user,
            kind=DASHBOARD_EXPORT,
            parameters=export_parameters(file_format=CSV, table="summary"),
            language="en",
        )

    def done():
        row = FileJob.objects.get(pk=job.pk)
        assert row.state != FileJob.State.FAILED, row.error
        return row if row.state == FileJob.State.DONE else None

    row = wait_for(done, timeout=60, message="the worker to finish the file job")
    assert (row.progress, row.mime, row.attempts) == (100, "text/csv; charset=utf-8", 1)
    assert row.published_at is not None
    with default_storage.open(row.file.name, "rb") as handle:
        text = handle.read().decode("utf-8-sig")
    assert text.splitlines()[0] == "Figure,Value"
    assert "Grants monitored,0" in text
