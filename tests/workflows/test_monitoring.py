"""Stuck work made visible: sweeps record their runs, late ones and stuck rows are listed for
system administrators only."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tests.conftest import sign_in
from tests.factories.portal import UserFactory
from workflows import monitoring, outbox, sweeps, tasks
from workflows.models import FileJob, OutboxMessage, SweepRun
from workflows.outbox import Notice

pytestmark = pytest.mark.django_db


def all_on_schedule(now=None):
    for name in monitoring.scheduled_names():
        sweeps.record_run(name, now=now)


def email_to(user, key):
    with transaction.atomic():
        outbox.enqueue(
            [
                Notice(
                    event="example_app.ticket_expired",
                    recipients=(user,),
                    context={"title": "Day care in Mary"},
                    channels=(OutboxMessage.Channel.EMAIL,),
                )
            ],
            key=key,
        )
    return OutboxMessage.objects.get(recipient=user)


def age(message, minutes):
    OutboxMessage.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes)
    )


def test_running_the_sweeps_records_each_sweeps_last_successful_run():
    before = timezone.now()
    sweeps.run_all()
    runs = dict(SweepRun.objects.values_list("name", "last_success_at"))
    assert set(sweeps.registered()) <= set(runs)
    assert all(runs[name] >= before for name in sweeps.registered())


def test_a_sweep_that_fails_keeps_its_last_successful_run(monkeypatch):
    earlier = timezone.now() - timedelta(hours=1)
    sweeps.record_run("example_app.expire_tickets", now=earlier)
    monkeypatch.setattr(sweeps, "run", lambda sweep, now: 1 / 0)
    sweeps.run_all()
    assert SweepRun.objects.get(name="example_app.expire_tickets").last_success_at == earlier


def test_the_relays_record_their_runs():
    tasks.relay_outbox()
    tasks.relay_file_jobs()
    assert set(SweepRun.objects.values_list("name", flat=True)) == set(monitoring.RELAYS)


def test_a_sweep_never_run_or_not_run_for_five_minutes_is_late():
    all_on_schedule()
    sweeps.record_run("tenders.open_bids", now=timezone.now() - timedelta(minutes=6))
    SweepRun.objects.filter(name="workflows.relay_outbox").delete()
    late = dict(monitoring.late_sweeps())
    assert set(late) == {"tenders.open_bids", "workflows.relay_outbox"}
    assert late["workflows.relay_outbox"] is None


def test_failed_and_old_undelivered_messages_are_stuck_and_fresh_or_delivered_ones_are_not():
    fresh = email_to(UserFactory(), key="fresh")
    old = email_to(UserFactory(), key="old")
    age(old, 11)
    failed = email_to(UserFactory(), key="failed")
    OutboxMessage.objects.filter(pk=failed.pk).update(last_error="SMTP refused", attempts=12)
    delivered = email_to(UserFactory(), key="delivered")
    age(delivered, 30)
    OutboxMessage.objects.filter(pk=delivered.pk).update(delivered_at=timezone.now())

    assert set(monitoring.stuck_messages()) == {old, failed}
    assert fresh not in monitoring.stuck_messages()


def test_an_email_held_for_the_daily_digest_is_not_stuck():
    message = email_to(UserFactory(email_frequency="daily"), key="digest")
    age(message, 60)
    assert not monitoring.stuck_messages().exists()


def test_a_file_job_running_without_progress_or_queued_too_long_is_stuck():
    owner = UserFactory()
    running = FileJob.objects.create(owner=owner, kind="k", fingerprint="a", state="running")
    queued = FileJob.objects.create(owner=owner, kind="k", fingerprint="b")
    FileJob.objects.create(owner=owner, kind="k", fingerprint="c", state="running")
    FileJob.objects.filter(pk=running.pk).update(updated_at=timezone.now() - timedelta(minutes=16))
    FileJob.objects.filter(pk=queued.pk).update(created_at=timezone.now() - timedelta(minutes=11))

    assert set(monitoring.stuck_jobs()) == {running, queued}


def test_the_stuck_work_page_lists_late_sweeps_messages_and_jobs_for_a_system_admin(client):
    all_on_schedule()
    sweeps.record_run("tenders.open_bids", now=timezone.now() - timedelta(hours=2))
    message = email_to(UserFactory(email="ayna@example.org"), key="old")
    age(message, 20)
    job = FileJob.objects.create(owner=UserFactory(), kind="tenders.export", fingerprint="x")
    FileJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=30))
    sign_in(client, UserFactory(system_admin=True))

    page = client.get(reverse("workflows:stuck_work")).content.decode()

    assert "tenders.open_bids" in page
    assert "example_app.ticket_expired" in page
    assert "tenders.export #" in page
    assert "workflows.relay_outbox" not in page


def test_the_stuck_work_page_says_when_nothing_is_stuck(client):
    all_on_schedule()
    sign_in(client, UserFactory(system_admin=True))
    page = client.get(reverse("workflows:stuck_work")).content.decode()
    assert "Every sweep ran on schedule." in page
    assert "No message is stuck." in page
    assert "No file job is stuck." in page


def test_the_stuck_work_page_is_refused_to_other_staff(client):
    sign_in(client, UserFactory(procurement_officer=True))
    assert client.get(reverse("workflows:stuck_work")).status_code == 403
