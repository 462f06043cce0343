"""The outbox: rows committed with the change, published after commit, never twice."""

import pytest
from django.db import transaction

from tests.example_app.models import Ticket
from tests.example_app.services import ticket_submit
from tests.factories.example_app import TicketFactory
from tests.factories.portal import UserFactory
from tests.workflows.brokers import Stopwatch
from workflows import outbox
from workflows.models import OutboxMessage
from workflows.outbox import Notice

pytestmark = pytest.mark.django_db


def notice(*recipients, **extra):
    return Notice(event="example_app.ticket_expired", recipients=recipients, **extra)


def test_one_row_per_recipient_and_channel_and_duplicates_or_inactive_users_are_left_out():
    alice, bob, gone = UserFactory(), UserFactory(), UserFactory(inactive=True)

    outbox.enqueue([notice(alice, bob, alice, gone, None)], key="k1")

    rows = OutboxMessage.objects.values_list("recipient", "channel")
    assert sorted(rows) == sorted(
        [(alice.pk, "email"), (alice.pk, "in_app"), (bob.pk, "email"), (bob.pk, "in_app")]
    )


def test_a_notice_may_use_one_channel_only():
    alice = UserFactory()

    outbox.enqueue([notice(alice, channels=("email",))], key="k1")

    assert list(OutboxMessage.objects.values_list("channel", flat=True)) == ["email"]


def test_enqueueing_the_same_key_again_adds_nothing():
    alice = UserFactory()

    outbox.enqueue([notice(alice)], key="reminder:7")
    outbox.enqueue([notice(alice)], key="reminder:7")

    assert OutboxMessage.objects.count() == 2


def test_nothing_to_tell_writes_nothing_and_schedules_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        outbox.enqueue([], key="k1")
        outbox.enqueue(None, key="k2")

    assert callbacks == []
    assert not OutboxMessage.objects.exists()


def test_rows_are_published_only_when_the_transaction_commits(django_capture_on_commit_callbacks):
    alice = UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            outbox.enqueue([notice(alice)], key="k1")
            assert not OutboxMessage.objects.filter(published_at__isnull=False).exists()

    assert OutboxMessage.objects.filter(published_at__isnull=True).count() == 0


def test_a_rolled_back_transaction_leaves_no_rows_and_publishes_nothing(
    django_capture_on_commit_callbacks,
):
    alice = UserFactory()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            outbox.enqueue([notice(alice)], key="k1")
            raise RuntimeError("the business change failed")

    assert callbacks == []
    assert not OutboxMessage.objects.exists()


def test_enqueueing_a_published_key_again_does_not_publish_it_again(
    django_capture_on_commit_callbacks,
):
    alice = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        outbox.enqueue([notice(alice)], key="k1")
    first = dict(OutboxMessage.objects.values_list("pk", "published_at"))

    with django_capture_on_commit_callbacks(execute=True):
        outbox.enqueue([notice(alice)], key="k1")

    assert dict(OutboxMessage.objects.values_list("pk", "published_at")) == first


def test_publishing_to_a_refused_broker_returns_at_once_and_leaves_rows_for_the_relay(
    refused_broker,
):
    alice = UserFactory()
    outbox.enqueue([notice(alice)], key="k1")
    ids = list(OutboxMessage.objects.values_list("pk", flat=True))

    with Stopwatch() as watch:
        published = outbox.publish(ids)

    assert published == []
    assert watch.seconds < 3
    assert OutboxMessage.objects.filter(published_at__isnull=True).count() == 2


def test_publishing_to_a_hung_broker_gives_up_within_three_seconds(silent_broker):
    alice, bob = UserFactory(), UserFactory()
    outbox.enqueue([notice(alice, bob)], key="k1")
    ids = list(OutboxMessage.objects.values_list("pk", flat=True))

    with Stopwatch() as watch:
        published = outbox.publish(ids)

    assert published == []
    assert watch.seconds < 3
    assert OutboxMessage.objects.filter(published_at__isnull=True).count() == 4


def test_a_transition_committed_while_the_broker_is_down_still_succeeds(
    refused_broker, django_capture_on_commit_callbacks
):
    ticket = TicketFactory()

    with Stopwatch() as watch, django_capture_on_commit_callbacks(execute=True):
        ticket_submit(actor=ticket.owner, ticket=ticket)

    assert watch.seconds < 3
    assert Ticket.objects.get(pk=ticket.pk).state == Ticket.State.SUBMITTED
    assert OutboxMessage.objects.filter(published_at__isnull=True).count() == 2
