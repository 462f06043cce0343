"""Files produced in the background: starting a job, running it, following it and downloading
its file."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.models import Role
from tests.conftest import sign_in
from tests.factories.portal import UserFactory
from tests.workflows.brokers import Stopwatch, broker, free_port
from tests.workflows.file_jobs import started_job
from workflows import jobs
from workflows.errors import DomainError
from workflows.models import FileJob
from workflows.tasks import relay_file_jobs, run_file_job

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

ECHO = "tests.echo"
BROKEN = "tests.broken"


def may_echo(user, parameters):
    return user.has_role(Role.GRANT_OFFICER) and "text" in parameters


def echo(job, report_progress):
    report_progress(40)
    seen = FileJob.objects.get(pk=job.pk).progress
    text = f"{job.parameters['text']} (progress seen: {seen}, language: {job.language})"
    return text.encode(), "echo.txt", "text/plain"


def broken(job, report_progress):
    report_progress(30)
    raise ValueError("the figures do not add up")


@pytest.fixture(autouse=True)
def producers(monkeypatch):
    """Test producers, registered next to the real ones for the length of a test."""
    monkeypatch.setattr(jobs, "_registry", dict(jobs.registered()))
    jobs.register(ECHO, echo, permission=may_echo, title="Echo")
    jobs.register(BROKEN, broken, permission=may_echo)


@pytest.fixture
def owner():
    return UserFactory(grant_officer=True)


def start(owner, text="hello", kind=ECHO, **extra):
    return jobs.file_job_start(actor=owner, kind=kind, parameters={"text": text}, **extra)


def content(job):
    with default_storage.open(job.file.name, "rb") as handle:
        return handle.read()


def download(client, job):
    return client.get(reverse("workflows:file_job_download", args=[job.pk]))


def test_starting_a_job_queues_it_and_publishes_it_only_on_commit(
    owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        job = start(owner, language="ru")

    job.refresh_from_db()
    assert (job.state, job.progress, job.kind, job.language) == ("queued", 0, ECHO, "ru")
    assert job.parameters == {"text": "hello"} and job.published_at is None
    assert len(callbacks) == 1

    callbacks[0]()

    job.refresh_from_db()
    assert job.published_at is not None and job.state == "queued"


def test_a_user_the_producer_refuses_starts_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(DomainError) as error:
        start(UserFactory(evaluator=True))

    assert error.value.code == "forbidden"
    assert not FileJob.objects.exists() and not callbacks


def test_an_unknown_kind_is_refused(owner):
    with pytest.raises(DomainError) as error:
        start(owner, kind="tests.nobody")

    assert error.value.code == "unknown_kind"
    assert not FileJob.objects.exists()


def test_a_double_click_returns_the_same_unfinished_job(owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        first = start(owner)
        second = start(owner)

    assert second.pk == first.pk
    assert FileJob.objects.count() == 1 and len(callbacks) == 1
    assert start(owner, text="other").pk != first.pk
    assert start(UserFactory(grant_officer=True)).pk != first.pk


def test_a_finished_job_is_not_reused_by_a_new_request(owner):
    first = start(owner)
    run_file_job(first.pk)

    assert start(owner).pk != first.pk


def test_running_a_job_records_progress_stores_the_file_and_marks_it_done(owner):
    job = start(owner, language="tk")

    assert run_file_job(job.pk) == "done"

    job.refresh_from_db()
    assert (job.state, job.progress, job.error) == ("done", 100, "")
    assert (job.file_name, job.mime, job.attempts) == ("echo.txt", "text/plain", 1)
    assert content(job) == b"hello (progress seen: 40, language: tk)"
    assert job.file.name.startswith("file-jobs/") and "echo" not in job.file.name
    assert job.started_at <= job.finished_at


def test_running_a_finished_job_again_changes_nothing(owner):
    job = start(owner)
    run_file_job(job.pk)
    job.refresh_from_db()

    assert run_file_job(job.pk) == "done"

    again = FileJob.objects.get(pk=job.pk)
    assert (again.file.name, again.attempts, again.finished_at) == (
        job.file.name,
        1,
        job.finished_at,
    )


def test_progress_is_not_written_for_every_small_step(owner):
    job = start(owner)
    job.state = FileJob.State.RUNNING
    job.save(update_fields=["state"])
    report = jobs.ProgressReporter(job.pk)

    with CaptureQueriesContext(connection) as captured:
        for percent in range(1, 100):
            report(percent)

    writes = [q for q in captured.captured_queries if q["sql"].startswith("UPDATE")]
    assert 1 <= len(writes) <= 10
    job.refresh_from_db()
    assert 90 <= job.progress <= 99


def test_a_failing_producer_fails_the_job_with_its_error_and_no_file(owner):
    job = start(owner, kind=BROKEN)

    assert run_file_job(job.pk) == "failed"

    job.refresh_from_db()
    assert job.state == "failed"
    assert job.error == "ValueError: the figures do not add up"
    assert job.file.name == "" and job.finished_at is not None
    assert run_file_job(job.pk) == "failed"
    assert FileJob.objects.get(pk=job.pk).attempts == 1


def test_a_job_started_too_often_is_given_up(owner):
    job = start(owner)
    job.attempts = jobs.MAX_ATTEMPTS
    job.save(update_fields=["attempts"])

    assert run_file_job(job.pk) == "failed"

    job.refresh_from_db()
    assert "gave up" in job.error and job.file.name == ""


def test_the_owner_follows_the_job_and_downloads_the_file(client, owner):
    job = start(owner)
    sign_in(client, owner)

    page = client.get(job.get_absolute_url())
    assert page.status_code == 200
    assert b'http-equiv="refresh"' in page.content and b"hx-get" in page.content
    assert download(client, job).status_code == 404

    run_file_job(job.pk)

    page = client.get(job.get_absolute_url()).content.decode()
    assert "Your file is ready." in page and "http-equiv" not in page
    response = download(client, job)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "echo.txt" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"hello")


def test_another_user_never_sees_the_job_or_its_file(client, owner):
    job = start(owner)
    run_file_job(job.pk)
    sign_in(client, UserFactory(grant_officer=True))

    for name in ("workflows:file_job", "workflows:file_job_status", "workflows:file_job_download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404


def test_an_owner_who_lost_the_role_can_no_longer_download(client, owner):
    job = start(owner)
    run_file_job(job.pk)
    sign_in(client, owner)
    assert download(client, job).status_code == 200

    owner.groups.remove(Group.objects.get(name=Role.GRANT_OFFICER))

    assert download(client, job).status_code == 404


def test_the_status_fragment_shows_the_progress_while_the_job_runs(client, owner):
    job = start(owner)
    job.state, job.progress = FileJob.State.RUNNING, 40
    job.save(update_fields=["state", "progress"])
    sign_in(client, owner)
    url = reverse("workflows:file_job_status", args=[job.pk])

    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()

    assert '<progress id="file-job-progress" max="100" value="40">' in fragment
    assert "40% done" in fragment and f'hx-get="{url}"' in fragment
    assert "<html" not in fragment


def test_the_status_fragment_stops_polling_and_links_the_file_once_done(client, owner):
    job = start(owner)
    run_file_job(job.pk)
    sign_in(client, owner)

    fragment = client.get(reverse("workflows:file_job_status", args=[job.pk])).content.decode()

    assert "hx-get" not in fragment
    assert reverse("workflows:file_job_download", args=[job.pk]) in fragment


def test_a_failed_job_says_so_on_its_page(client, owner):
    job = start(owner, kind=BROKEN)
    run_file_job(job.pk)
    sign_in(client, owner)

    page = client.get(job.get_absolute_url()).content.decode()

    assert "could not be produced" in page and "hx-get" not in page
    assert "figures do not add up" not in page


def failed(owner):
    job = start(owner, kind=BROKEN)
    run_file_job(job.pk)
    job.refresh_from_db()
    assert job.state == FileJob.State.FAILED
    return job


def try_again(client, job):
    return client.post(reverse("workflows:file_job_retry", args=[job.pk]))


def test_the_owner_starts_a_failed_job_again_from_its_page_and_a_double_click_starts_one(
    client, owner
):
    job = failed(owner)
    sign_in(client, owner)
    page = client.get(job.get_absolute_url()).content.decode()
    assert reverse("workflows:file_job_retry", args=[job.pk]) in page and "Try again" in page

    again = started_job(try_again(client, job))
    repeated = started_job(try_again(client, job))

    assert repeated.pk == again.pk != job.pk
    assert (again.state, again.kind, again.parameters, again.language) == (
        FileJob.State.QUEUED,
        BROKEN,
        job.parameters,
        job.language,
    )
    job.refresh_from_db()
    assert job.state == FileJob.State.FAILED and "figures do not add up" in job.error


def test_a_job_that_has_not_failed_is_not_started_again(client, owner):
    job = start(owner)
    sign_in(client, owner)

    response = try_again(client, job)

    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    page = client.get(response["Location"]).content.decode()
    assert "This action is not possible while the item is Waiting to start." in page
    assert FileJob.objects.get() == job


def test_another_users_failed_job_cannot_be_started_again(client, owner):
    job = failed(owner)
    sign_in(client, UserFactory(grant_officer=True))

    assert try_again(client, job).status_code == 404
    assert FileJob.objects.get() == job


def test_an_owner_who_lost_the_role_cannot_start_the_job_again(client, owner):
    job = failed(owner)
    sign_in(client, owner)
    owner.groups.remove(Group.objects.get(name=Role.GRANT_OFFICER))

    response = try_again(client, job)

    assert response["Location"] == job.get_absolute_url()
    assert "You may not do this." in client.get(response["Location"]).content.decode()
    assert FileJob.objects.get() == job


def test_the_relay_publishes_jobs_never_published_and_leaves_recent_ones(owner):
    never = start(owner, text="never")
    recent = start(owner, text="recent")
    recent.published_at = timezone.now()
    recent.save(update_fields=["published_at"])

    assert relay_file_jobs() == 1

    never.refresh_from_db()
    assert never.published_at is not None
    assert FileJob.objects.get(pk=recent.pk).published_at == recent.published_at


def test_the_relay_queues_again_a_running_job_whose_heartbeat_stopped(owner, time_machine):
    job = start(owner)
    job.state, job.published_at = FileJob.State.RUNNING, timezone.now()
    job.attempts, job.heartbeat_at = 1, timezone.now()
    job.save(update_fields=["state", "published_at", "attempts", "heartbeat_at", "updated_at"])
    assert jobs.relay() == []

    time_machine.move_to(timezone.now() + jobs.stalled_after() + timedelta(seconds=1))

    assert jobs.relay() == [job.pk]
    job.refresh_from_db()
    assert (job.state, job.progress) == (FileJob.State.QUEUED, 0)
    assert run_file_job(job.pk) == "done"


def test_starting_a_job_while_the_broker_is_down_succeeds_and_the_relay_publishes_it(
    client, redis_settings, django_capture_on_commit_callbacks
):
    officer = UserFactory(grant_officer=True)
    sign_in(client, officer)

    with (
        broker(f"redis://127.0.0.1:{free_port()}/0"),
        Stopwatch() as watch,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(reverse("grants:dashboard_xlsx"))

    assert watch.seconds < 3
    job = started_job(response)
    assert (job.state, job.published_at) == ("queued", None)

    assert jobs.relay() == [job.pk]
    job.refresh_from_db()
    assert job.published_at is not None
