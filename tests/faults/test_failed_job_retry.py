"""A file job whose worker is killed (SIGKILL) each time it runs ends failed, its page offering
"Try again"; its owner presses it with a healthy worker running, and the file is produced once
and downloads with its content."""

import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse

from tests.conftest import sign_in
from tests.example_app.jobs import SLOW_EXPORT
from tests.factories.portal import UserFactory
from tests.faults.conftest import BOUND, RELAY, STALLED
from tests.faults.processes import wait_for
from tests.workflows.file_jobs import started_job
from workflows.jobs import MAX_ATTEMPTS, file_job_start
from workflows.models import FileJob

pytestmark = pytest.mark.integration

ROWS = 300


def stored_files():
    folder = Path(settings.MEDIA_ROOT) / "file-jobs"
    return set(folder.iterdir()) if folder.exists() else set()


def test_a_job_killed_on_every_run_fails_and_try_again_on_its_page_produces_the_file_once(
    running, client
):
    running.beat(**STALLED)
    # A busy worker answers no ping: each starts before the run it will be killed in.
    worker = running.worker(SLOW_EXPORT_SECONDS="60", **STALLED)
    owner = UserFactory()
    with transaction.atomic():
        job = file_job_start(actor=owner, kind=SLOW_EXPORT, parameters={"rows": ROWS})
    for attempt in range(1, MAX_ATTEMPTS + 1):
        wait_for(
            lambda attempt=attempt: FileJob.objects.filter(
                pk=job.pk, state=FileJob.State.RUNNING, attempts=attempt, progress__gte=10
            ).exists(),
            timeout=BOUND + 90,
            message=f"run {attempt} of the export to be under way",
        )
        worker.kill()
        killed_at = time.monotonic()
        slow = {"SLOW_EXPORT_SECONDS": "60"} if attempt < MAX_ATTEMPTS else {}
        worker = running.worker(**slow, **STALLED)
    wait_for(
        lambda: FileJob.objects.filter(pk=job.pk, state=FileJob.State.FAILED).exists(),
        timeout=BOUND + 60,
        message="the export to be given up",
    )
    given_up = time.monotonic() - killed_at
    failed = FileJob.objects.get(pk=job.pk)
    sign_in(client, owner)
    page = client.get(failed.get_absolute_url()).content.decode()
    assert "could not be produced" in page and "Try again" in page
    files_before = stored_files()

    pressed = time.monotonic()
    again = started_job(client.post(reverse("workflows:file_job_retry", args=[job.pk])))
    done = wait_for(
        lambda: FileJob.objects.filter(pk=again.pk, state=FileJob.State.DONE).first(),
        timeout=60,
        message="the job started again to finish",
    )
    finishing = time.monotonic() - pressed
    page = client.get(again.get_absolute_url()).content.decode()
    download = client.get(reverse("workflows:file_job_download", args=[again.pk]))
    content = b"".join(download.streaming_content).decode()
    new_files = stored_files() - files_before
    print(
        f"\nkilled on each of {failed.attempts} runs; failed {given_up:.1f}s after the last kill "
        f"(heartbeat bound {BOUND}s, relay every {RELAY}s); after Try again the new job was "
        f"{done.state} in {finishing:.1f}s; {len(new_files)} file stored, "
        f"{content.count(chr(10))} rows downloaded"
    )
    assert (failed.state, failed.attempts, failed.file.name) == ("failed", MAX_ATTEMPTS, "")
    assert "worker was lost" in failed.error
    assert given_up <= BOUND + RELAY + 10
    assert again.pk != job.pk and (done.attempts, done.progress) == (1, 100)
    assert page.count("Your file is ready.") == 1
    assert page.count(reverse("workflows:file_job_download", args=[again.pk])) == 1
    assert download.status_code == 200
    assert content == "".join(f"row {n}\n" for n in range(ROWS))
    assert len(new_files) == 1 and done.file.name == f"file-jobs/{next(iter(new_files)).name}"
    assert list(FileJob.objects.filter(owner=owner).values_list("state", flat=True)) == [
        FileJob.State.DONE,
        FileJob.State.FAILED,
    ]
