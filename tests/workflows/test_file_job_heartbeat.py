"""A running file job's heartbeat: written while its worker works, and a job whose heartbeat
stopped (its worker was killed) is started again, then failed with "Try again"."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import sign_in
from tests.factories.portal import UserFactory
from workflows import jobs, monitoring
from workflows.models import FileJob
from workflows.tasks import relay_file_jobs, run_file_job

pytestmark = pytest.mark.usefixtures("media")

BEATING = "tests.beating"


def beating(job, report_progress):
    """Works without reporting progress, as a long query does, and says what heartbeats the
    job had meanwhile."""
    seen = set()
    for _ in range(20):
        time.sleep(0.05)
        seen.add(FileJob.objects.get(pk=job.pk).heartbeat_at)
    return str(len(seen)).encode(), "beats.txt", "text/plain"


@pytest.fixture(autouse=True)
def producers(monkeypatch):
    monkeypatch.setattr(jobs, "_registry", dict(jobs.registered()))
    jobs.register(BEATING, beating, permission=lambda user, parameters: True)


@pytest.fixture
def owner():
    return UserFactory(language="ru")


def lost(job, *, attempts, moment):
    """The job as a killed worker leaves it: running, its last heartbeat at ``moment``."""
    job.state, job.attempts, job.heartbeat_at = FileJob.State.RUNNING, attempts, moment
    job.published_at = moment
    job.save(update_fields=["state", "attempts", "heartbeat_at", "published_at", "updated_at"])


@pytest.mark.django_db(transaction=True)
def test_a_running_job_writes_its_heartbeat_while_the_producer_works(owner, settings):
    settings.FILE_JOB_STALLED_SECONDS = 0.3
    job = jobs.file_job_start(actor=owner, kind=BEATING, parameters={})

    assert run_file_job(job.pk) == "done"

    job.refresh_from_db()
    with job.file.open("rb") as handle:
        assert int(handle.read()) >= 3


@pytest.mark.django_db
def test_a_job_whose_worker_was_lost_is_queued_again_and_its_page_says_so(
    client, owner, time_machine
):
    job = jobs.file_job_start(actor=owner, kind=BEATING, parameters={})
    lost(job, attempts=1, moment=timezone.now())
    bound = jobs.stalled_after()
    time_machine.move_to(timezone.now() + bound - timedelta(seconds=1))
    assert jobs.relay() == []
    assert not monitoring.stuck_jobs().exists()

    time_machine.move_to(timezone.now() + timedelta(seconds=2))
    assert list(monitoring.stuck_jobs()) == [job]
    assert relay_file_jobs() == 1
    assert jobs.relay() == []

    job.refresh_from_db()
    assert (job.state, job.attempts, job.progress) == (FileJob.State.QUEUED, 1, 0)
    sign_in(client, owner)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Подготовка вашего файла была прервана." in page and "hx-get" in page


@pytest.mark.django_db
def test_a_job_whose_worker_was_lost_on_every_run_fails_and_offers_try_again(
    client, owner, time_machine
):
    job = jobs.file_job_start(actor=owner, kind=BEATING, parameters={})
    lost(job, attempts=jobs.MAX_ATTEMPTS, moment=timezone.now())
    time_machine.move_to(timezone.now() + jobs.stalled_after() + timedelta(seconds=1))

    assert jobs.relay() == []

    job.refresh_from_db()
    assert job.state == FileJob.State.FAILED and "lost" in job.error
    sign_in(client, owner)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Попробовать снова" in page and "hx-get" not in page


@pytest.mark.django_db
def test_a_job_still_beating_is_left_running(owner, time_machine):
    job = jobs.file_job_start(actor=owner, kind=BEATING, parameters={})
    lost(job, attempts=1, moment=timezone.now() + jobs.stalled_after())
    time_machine.move_to(timezone.now() + jobs.stalled_after() + timedelta(seconds=1))

    assert jobs.file_job_interrupted(job_id=job.pk) is None
    assert FileJob.objects.get(pk=job.pk).state == FileJob.State.RUNNING
