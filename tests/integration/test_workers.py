"""A real Celery worker delivering the outbox: once, across duplicates, a broker restart and a
worker killed in the middle of sending."""

import os
import re
import signal
import time

import pytest
from django.db import transaction

from tests.example_app.services import ticket_approve
from tests.factories.example_app import TicketFactory
from tests.factories.portal import UserFactory
from tests.integration.conftest import sent_mails, wait_for
from tests.workflows.brokers import Stopwatch, broker
from workflows import outbox, tasks
from workflows.models import Notification, OutboxMessage
from workflows.outbox import Notice

pytestmark = pytest.mark.integration


def delivered(messages):
    ids = [getattr(m, "pk", m) for m in messages]

    def check():
        return all(m.delivered_at for m in OutboxMessage.objects.filter(pk__in=ids))

    return check


def email_to(user, key):
    """Write one email outbox row for ``user`` and publish it when the transaction commits."""
    with transaction.atomic():
        outbox.enqueue(
            [
                Notice(
                    event="example_app.ticket_expired",
                    recipients=(user,),
                    context={"title": "Day care in Mary"},
                    url="/tickets/1/",
                    channels=(OutboxMessage.Channel.EMAIL,),
                )
            ],
            key=key,
        )
    return OutboxMessage.objects.get(recipient=user)


def test_a_committed_transition_is_mailed_and_shown_in_app_by_the_worker_exactly_once(
    start_worker, mail_dir
):
    worker = start_worker()
    ticket = TicketFactory(submitted=True)

    ticket_approve(actor=ticket.reviewer, ticket=ticket)

    messages = {m.channel: m for m in OutboxMessage.objects.filter(recipient=ticket.owner)}
    assert set(messages) == {"email", "in_app"}
    assert all(m.published_at for m in messages.values())
    wait_for(delivered(messages.values()), timeout=30, message="delivery by the worker")
    wait_for(
        lambda: worker.output().count("succeeded in") == 2, timeout=10, message="both tasks done"
    )
    assert sent_mails(mail_dir, messages["email"]) == 1
    notification = Notification.objects.get()
    assert (notification.recipient, notification.message_id) == (
        ticket.owner,
        messages["in_app"].pk,
    )
    assert notification.title == f"Ticket approved: {ticket.title}"
    assert all(m.attempts == 1 for m in OutboxMessage.objects.all())


def test_the_same_message_queued_four_times_for_two_workers_is_mailed_once(start_worker, mail_dir):
    message = email_to(UserFactory(), key="duplicates")
    for _ in range(3):
        tasks.deliver_message.apply_async((message.pk,))
    workers = [start_worker(), start_worker()]

    def results():
        found = re.findall(r"deliver_message\[[-\w]+\] succeeded in [\d.]+s: (\w+)", logs())
        return found if len(found) == 4 else None

    def logs():
        return "".join(worker.output() for worker in workers)

    assert sorted(wait_for(results, timeout=30, message="all four tasks to finish")) == [
        "False",
        "False",
        "False",
        "True",
    ]
    assert sent_mails(mail_dir, message) == 1
    message.refresh_from_db()
    assert message.delivered_at is not None and message.attempts == 1


def test_a_transition_while_the_broker_is_down_succeeds_and_is_delivered_after_restart(
    own_redis, start_worker, mail_dir
):
    ticket = TicketFactory(submitted=True)
    with broker(own_redis.url):
        worker = start_worker(broker_url=own_redis.url)
        own_redis.stop()
        wait_for(
            lambda: "Connection to broker lost" in worker.output(),
            timeout=10,
            message="the worker to notice the broker is gone",
        )

        with Stopwatch() as request:
            ticket_approve(actor=ticket.reviewer, ticket=ticket)

        assert request.seconds < 3
        messages = list(OutboxMessage.objects.all())
        assert len(messages) == 2
        assert all(m.published_at is None for m in messages)

        time.sleep(2)
        own_redis.start()
        assert tasks.relay_outbox() == 2
        wait_for(delivered(messages), timeout=60, message="delivery after the broker restart")

        assert tasks.relay_outbox() == 0

    assert worker.process.poll() is None, "the worker survived the broker restart"
    assert "Connected to" in worker.output().split("Connection to broker lost")[1]
    email = next(m for m in messages if m.channel == "email")
    assert sent_mails(mail_dir, email) == 1
    assert Notification.objects.count() == 1


def slow_mail(tmp_path):
    markers = tmp_path / "sending"
    env = {
        "EMAIL_BACKEND": "tests.example_app.mail.SlowFileEmailBackend",
        "SLOW_MAIL_MARKERS": str(markers),
        "SLOW_MAIL_SECONDS": "4",
    }
    return markers, env


def senders(markers):
    """Process ids that started sending, in the order they started."""
    if not markers.exists():
        return []
    found = sorted(markers.iterdir(), key=lambda path: int(path.name.split("-")[2]))
    return [int(path.read_text()) for path in found]


def test_a_pool_process_killed_while_sending_is_replaced_and_the_message_mailed_once(
    start_worker, mail_dir, tmp_path
):
    markers, env = slow_mail(tmp_path)
    worker = start_worker(pool="prefork", **env)
    message = email_to(UserFactory(), key="killed-child")

    (child,) = wait_for(lambda: senders(markers), timeout=30, message="the first send to start")
    assert child != worker.pid
    os.kill(child, signal.SIGKILL)

    wait_for(delivered([message.pk]), timeout=60, message="redelivery after the kill")
    pids = senders(markers)
    assert len(pids) == 2 and pids[0] == child and pids[1] != child
    assert sent_mails(mail_dir, message) == 1
    assert worker.process.poll() is None
    assert "WorkerLostError" in worker.output()


def test_a_worker_killed_while_sending_leaves_the_message_to_the_next_worker_mailed_once(
    start_worker, mail_dir, tmp_path
):
    markers, env = slow_mail(tmp_path)
    first = start_worker(**env)
    message = email_to(UserFactory(), key="killed-worker")

    (pid,) = wait_for(lambda: senders(markers), timeout=30, message="the first send to start")
    assert pid == first.pid
    first.kill()
    assert sent_mails(mail_dir, message) == 0
    message.refresh_from_db()
    assert message.delivered_at is None

    # The killed worker never acknowledged the message; a worker whose visibility timeout has
    # passed restores it from Redis when it starts.
    time.sleep(3)
    second = start_worker(CELERY_VISIBILITY_TIMEOUT="2", **env)

    wait_for(delivered([message.pk]), timeout=60, message="redelivery to the second worker")
    assert senders(markers) == [first.pid, second.pid]
    assert sent_mails(mail_dir, message) == 1
