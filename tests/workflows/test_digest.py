"""The daily digest: emails of users who chose one email a day, each delivered exactly once."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.test import override_settings

from portal.celery import app as celery_app
from tests.factories.portal import UserFactory
from tests.workflows.test_errors import write_mo
from workflows import delivery, digest, outbox, tasks
from workflows.models import Notification, OutboxMessage
from workflows.outbox import Notice

pytestmark = pytest.mark.django_db

ASHGABAT = ZoneInfo("Asia/Ashgabat")
# Messages written on the evening of 9 March reach daily readers at 08:00 on 10 March.
EVENING = datetime.datetime(2026, 3, 9, 19, 0, tzinfo=ASHGABAT)
DIGEST_TIME = datetime.datetime(2026, 3, 10, 8, 0, tzinfo=ASHGABAT)


def daily_reader(**fields):
    return UserFactory(email_frequency="daily", **fields)


def tell(recipient, title, *, event="example_app.ticket_decided", channels=("email", "in_app")):
    """Write one notice about ticket ``title`` to ``recipient``; return its rows by channel."""
    outbox.enqueue(
        [
            Notice(
                event=event,
                recipients=(recipient,),
                context={"title": title, "state": "approved"},
                url="/tickets/5/",
                channels=channels,
            )
        ],
        key=f"test:{recipient.pk}:{title}",
    )
    return {
        row.channel: row
        for row in OutboxMessage.objects.filter(recipient=recipient, key__contains=title)
    }


def run_digests(at):
    with time_machine.travel(at, tick=False):
        return tasks.send_daily_digests.apply().get()


def test_an_email_to_a_daily_reader_waits_while_the_in_app_copy_arrives_at_once():
    alice = daily_reader()
    rows = tell(alice, "Day care in Mary")

    assert delivery.deliver(rows["email"].pk) is False
    assert delivery.deliver(rows["in_app"].pk) is True

    assert mail.outbox == []
    assert Notification.objects.get().title == "Ticket approved: Day care in Mary"
    rows["email"].refresh_from_db()
    assert (rows["email"].delivered_at, rows["email"].attempts) == (None, 0)


def test_a_new_account_gets_each_email_at_once():
    alice = UserFactory()
    rows = tell(alice, "Day care in Mary", channels=("email",))

    assert alice.email_frequency == "immediate"
    assert delivery.deliver(rows["email"].pk) is True
    assert len(mail.outbox) == 1


def test_the_digest_sends_a_readers_held_emails_in_one_mail_and_marks_them_delivered():
    alice = daily_reader(email="alice@example.org")
    with time_machine.travel(EVENING, tick=False):
        first = tell(alice, "Day care in Mary")["email"]
        second = tell(alice, "Home help in Dashoguz")["email"]

    assert run_digests(DIGEST_TIME) == 1

    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["alice@example.org"]
    assert sent.subject == "Your daily summary: 2 messages"
    assert "by 10 March 2026: 2 messages." in sent.body
    assert "1. Ticket approved: Day care in Mary" in sent.body
    assert "2. Ticket approved: Home help in Dashoguz" in sent.body
    assert sent.body.index("Day care in Mary") < sent.body.index("Home help in Dashoguz")
    assert sent.extra_headers["Message-ID"] == f"<digest.{alice.pk}.2026-03-10@portal>"
    for row in (first, second):
        row.refresh_from_db()
        assert row.delivered_at == DIGEST_TIME
        assert row.attempts == 1


def test_a_second_run_the_same_day_sends_nothing_more():
    alice = daily_reader()
    with time_machine.travel(EVENING, tick=False):
        tell(alice, "Day care in Mary")

    assert run_digests(DIGEST_TIME) == 1
    with time_machine.travel(DIGEST_TIME + datetime.timedelta(hours=2), tick=False):
        tell(alice, "Home help in Dashoguz")
    assert run_digests(DIGEST_TIME + datetime.timedelta(hours=3)) == 0

    assert len(mail.outbox) == 1


def test_messages_written_after_the_digest_hour_go_out_the_next_morning():
    alice = daily_reader()
    with time_machine.travel(DIGEST_TIME + datetime.timedelta(minutes=5), tick=False):
        late = tell(alice, "Day care in Mary")["email"]

    assert run_digests(DIGEST_TIME + datetime.timedelta(minutes=10)) == 0
    assert run_digests(DIGEST_TIME + datetime.timedelta(days=1)) == 1

    assert "Day care in Mary" in mail.outbox[0].body
    assert mail.outbox[0].extra_headers["Message-ID"].endswith(".2026-03-11@portal>")
    late.refresh_from_db()
    assert late.delivered_at is not None


def test_a_run_before_the_digest_hour_catches_up_on_the_day_before():
    alice = daily_reader()
    with time_machine.travel(EVENING - datetime.timedelta(days=1), tick=False):
        tell(alice, "Day care in Mary")

    assert run_digests(DIGEST_TIME - datetime.timedelta(hours=2)) == 1


def test_each_reader_gets_only_their_own_messages():
    alice, bob = daily_reader(email="alice@example.org"), daily_reader(email="bob@example.org")
    with time_machine.travel(EVENING, tick=False):
        tell(alice, "Day care in Mary")
        tell(bob, "Home help in Dashoguz")

    assert run_digests(DIGEST_TIME) == 2

    bodies = {sent.to[0]: sent.body for sent in mail.outbox}
    assert "Day care in Mary" in bodies["alice@example.org"]
    assert "Home help in Dashoguz" not in bodies["alice@example.org"]
    assert "Home help in Dashoguz" in bodies["bob@example.org"]


def test_the_digest_leaves_out_immediate_readers_and_in_app_messages():
    carol = UserFactory()
    alice = daily_reader()
    with time_machine.travel(EVENING, tick=False):
        carols = tell(carol, "Day care in Mary", channels=("email",))["email"]
        alices = tell(alice, "Home help in Dashoguz", channels=("in_app",))["in_app"]

    assert run_digests(DIGEST_TIME) == 0

    assert mail.outbox == []
    for row in (carols, alices):
        row.refresh_from_db()
        assert row.delivered_at is None


def test_a_password_reset_link_is_never_held_for_the_digest():
    alice = daily_reader()
    outbox.enqueue(
        [
            Notice(
                event="accounts.password_reset",
                recipients=(alice,),
                context={"username": alice.username, "reset_url": "http://x/r/", "valid_days": 3},
                channels=("email",),
            )
        ],
        key="test-reset",
    )
    message = OutboxMessage.objects.get(key__startswith="test-reset")

    assert delivery.deliver(message.pk) is True
    assert len(mail.outbox) == 1


def test_a_delivery_task_after_the_digest_sends_nothing():
    alice = daily_reader()
    with time_machine.travel(EVENING, tick=False):
        held = tell(alice, "Day care in Mary")["email"]
    run_digests(DIGEST_TIME)

    alice.email_frequency = "immediate"
    alice.save()

    assert delivery.deliver(held.pk) is False
    assert len(mail.outbox) == 1


def test_held_emails_are_neither_published_on_commit_nor_relayed(
    django_capture_on_commit_callbacks,
):
    alice = daily_reader()
    with django_capture_on_commit_callbacks(execute=True):
        rows = tell(alice, "Day care in Mary")

    for row in rows.values():
        row.refresh_from_db()
    assert rows["email"].published_at is None
    assert rows["in_app"].published_at is not None
    assert tasks.relay_outbox() == 0


def test_a_reader_back_on_immediate_emails_gets_the_held_ones_from_the_relay():
    alice = daily_reader()
    held = tell(alice, "Day care in Mary", channels=("email",))["email"]
    assert tasks.relay_outbox() == 0

    alice.email_frequency = "immediate"
    alice.save()

    assert tasks.relay_outbox() == 1
    assert delivery.deliver(held.pk) is True
    assert len(mail.outbox) == 1


RUSSIAN = {
    "Hello %(name)s,": "Здравствуйте, %(name)s!",
    "Ticket %(state)s: %(title)s": "Заявка %(state)s: %(title)s",
}


@pytest.fixture
def russian_catalogue(tmp_path):
    folder = tmp_path / "ru" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    write_mo(folder / "django.mo", RUSSIAN)
    with override_settings(LOCALE_PATHS=[tmp_path]):
        yield


def test_the_digest_is_written_in_the_readers_language(russian_catalogue):
    alice = daily_reader(language="ru", full_name="Алия")
    with time_machine.travel(EVENING, tick=False):
        tell(alice, "Day care in Mary")

    run_digests(DIGEST_TIME)

    body = mail.outbox[0].body
    assert "Здравствуйте, Алия!" in body
    assert "Заявка approved: Day care in Mary" in body
    assert "марта" in body


def test_a_message_that_cannot_be_rendered_is_left_out_and_the_rest_still_go():
    alice = daily_reader()
    with time_machine.travel(EVENING, tick=False):
        broken = tell(alice, "Broken", event="example_app.no_such_event")["email"]
        fine = tell(alice, "Day care in Mary")["email"]

    assert run_digests(DIGEST_TIME) == 1

    assert mail.outbox[0].subject == "Your daily summary: 1 message"
    broken.refresh_from_db()
    fine.refresh_from_db()
    assert (broken.delivered_at, broken.attempts) == (None, 1)
    assert "TemplateDoesNotExist" in broken.last_error
    assert fine.delivered_at is not None


@override_settings(EMAIL_BACKEND="tests.example_app.mail.RefusingEmailBackend")
def test_a_digest_the_mail_server_refuses_delivers_nothing_and_counts_the_attempt():
    alice = daily_reader()
    with time_machine.travel(EVENING, tick=False):
        held = tell(alice, "Day care in Mary")["email"]

    assert run_digests(DIGEST_TIME) == 0

    held.refresh_from_db()
    assert held.delivered_at is None
    assert held.attempts == 1
    assert "SMTPServerDisconnected" in held.last_error


def test_messages_that_failed_too_often_are_left_for_an_administrator():
    alice = daily_reader()
    with time_machine.travel(EVENING, tick=False):
        held = tell(alice, "Day care in Mary")["email"]
    OutboxMessage.objects.filter(pk=held.pk).update(attempts=tasks.MAX_ATTEMPTS)

    assert run_digests(DIGEST_TIME) == 0
    assert mail.outbox == []


def test_the_digest_cutoff_is_the_latest_digest_hour():
    assert digest.cutoff_for(DIGEST_TIME + datetime.timedelta(hours=5)) == DIGEST_TIME
    assert digest.cutoff_for(DIGEST_TIME) == DIGEST_TIME
    assert digest.cutoff_for(DIGEST_TIME - datetime.timedelta(minutes=1)) == (
        DIGEST_TIME - datetime.timedelta(days=1)
    )


def test_beat_runs_the_digest_task_every_morning_in_ashgabat():
    entry = settings.CELERY_BEAT_SCHEDULE["send-daily-digests"]

    assert entry["task"] == "workflows.send_daily_digests"
    assert entry["schedule"].hour == {settings.WORKFLOWS_DIGEST_HOUR}
    assert entry["schedule"].minute == {0}
    assert settings.CELERY_TIMEZONE == "Asia/Ashgabat"
    assert "workflows.send_daily_digests" in celery_app.tasks
