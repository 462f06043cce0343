"""Delivering outbox messages: exactly once, counted failures, retries only when transient."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from tests.factories.portal import UserFactory
from workflows import delivery, outbox, tasks
from workflows.models import Notification, OutboxMessage
from workflows.outbox import Notice

pytestmark = pytest.mark.django_db


def enqueue(recipient, *, event="example_app.ticket_decided", channels=("email", "in_app")):
    outbox.enqueue(
        [
            Notice(
                event=event,
                recipients=(recipient,),
                context={"title": "Day care in Mary", "state": "approved"},
                url="/tickets/5/",
                channels=channels,
            )
        ],
        key=f"test:{recipient.pk}:{event}",
    )
    return {row.channel: row for row in OutboxMessage.objects.filter(recipient=recipient)}


def test_delivering_an_email_twice_sends_it_once():
    alice = UserFactory(email="alice@example.org")
    message = enqueue(alice)["email"]

    assert delivery.deliver(message.pk) is True
    assert delivery.deliver(message.pk) is False

    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["alice@example.org"]
    assert sent.subject == "Ticket approved: Day care in Mary"
    assert "http://" in sent.body and sent.body.rstrip().endswith("/tickets/5/")
    assert sent.extra_headers["Message-ID"] == f"<{message.key.replace(':', '.')}@portal>"
    message.refresh_from_db()
    assert message.delivered_at is not None
    assert message.attempts == 1


def test_a_mail_links_to_the_site_address_of_the_run(settings):
    settings.SITE_URL = "http://127.0.0.1:8311"
    message = enqueue(UserFactory(email="alice@example.org"))["email"]

    delivery.deliver(message.pk)

    assert "http://127.0.0.1:8311/tickets/5/" in mail.outbox[0].body


def test_delivering_an_in_app_message_twice_creates_one_notification():
    alice = UserFactory()
    message = enqueue(alice)["in_app"]

    delivery.deliver(message.pk)
    delivery.deliver(message.pk)

    notification = Notification.objects.get()
    assert (notification.recipient, notification.message_id) == (alice, message.pk)
    assert notification.title == "Ticket approved: Day care in Mary"
    assert notification.url == "/tickets/5/"
    assert notification.read_at is None
    assert mail.outbox == []


def test_delivering_a_message_that_does_not_exist_does_nothing():
    assert delivery.deliver(987654) is False


def test_the_deliver_task_twice_for_the_same_message_sends_one_email_and_one_notification():
    alice = UserFactory()
    messages = enqueue(alice)

    for _ in range(2):
        for message in messages.values():
            tasks.deliver_message.apply(args=(message.pk,)).get()

    assert len(mail.outbox) == 1
    assert Notification.objects.count() == 1


def test_a_failed_delivery_is_rolled_back_counted_and_raised():
    alice = UserFactory()
    message = enqueue(alice, event="example_app.no_such_event")["in_app"]

    with pytest.raises(Exception, match="no_such_event"):
        delivery.deliver(message.pk)

    message.refresh_from_db()
    assert (message.delivered_at, message.attempts) == (None, 1)
    assert "TemplateDoesNotExist" in message.last_error
    assert not Notification.objects.exists()


@override_settings(EMAIL_BACKEND="tests.example_app.mail.RefusingEmailBackend")
def test_a_mail_server_that_is_down_is_retried_and_every_attempt_is_counted():
    alice = UserFactory()
    message = enqueue(alice, channels=("email",))["email"]

    result = tasks.deliver_message.apply(args=(message.pk,))

    assert result.failed()
    message.refresh_from_db()
    assert message.attempts == tasks.deliver_message.max_retries + 1
    assert "SMTPServerDisconnected" in message.last_error
    assert message.delivered_at is None


def test_a_permanent_failure_is_not_retried():
    alice = UserFactory()
    message = enqueue(alice, event="example_app.no_such_event")["in_app"]

    result = tasks.deliver_message.apply(args=(message.pk,))

    assert result.failed()
    message.refresh_from_db()
    assert message.attempts == 1


def test_the_relay_publishes_unpublished_and_long_unfinished_messages_only():
    rows = {}
    for name in ("new", "recent", "stale", "delivered", "given_up"):
        rows[name] = enqueue(UserFactory(), channels=("email",))["email"]
    now = timezone.now()
    long_ago = now - tasks.REPUBLISH_AFTER - timedelta(minutes=1)
    OutboxMessage.objects.filter(pk=rows["recent"].pk).update(published_at=now)
    OutboxMessage.objects.filter(pk=rows["stale"].pk).update(published_at=long_ago)
    OutboxMessage.objects.filter(pk=rows["delivered"].pk).update(
        published_at=long_ago, delivered_at=now
    )
    OutboxMessage.objects.filter(pk=rows["given_up"].pk).update(
        published_at=long_ago, attempts=tasks.MAX_ATTEMPTS
    )

    assert tasks.relay_outbox() == 2

    published = {
        name: OutboxMessage.objects.get(pk=row.pk).published_at for name, row in rows.items()
    }
    assert published["new"] >= now and published["stale"] >= now
    assert published["recent"] == now
    assert published["delivered"] == published["given_up"] == long_ago
    assert tasks.relay_outbox() == 0
