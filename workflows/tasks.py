"""Celery tasks of the workflow engine: ids in, early return when done, one service called."""

import logging
from datetime import timedelta
from smtplib import SMTPException

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from workflows import delivery, outbox, sweeps
from workflows.models import OutboxMessage

log = logging.getLogger(__name__)

RELAY_BATCH = 500
REPUBLISH_AFTER = timedelta(minutes=10)


@shared_task(
    name="workflows.deliver_message",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=8,
)
def deliver_message(message_id):
    """Deliver one outbox message. Safe to run twice: a delivered message is not sent again."""
    return delivery.deliver(message_id)


@shared_task(name="workflows.relay_outbox")
def relay_outbox():
    """Publish outbox messages that were never published, or published long ago and still
    undelivered (a lost broker message). Safe to repeat: delivery is idempotent."""
    stale = timezone.now() - REPUBLISH_AFTER
    ids = list(
        OutboxMessage.objects.filter(delivered_at__isnull=True)
        .filter(Q(published_at__isnull=True) | Q(published_at__lt=stale))
        .order_by("id")
        .values_list("pk", flat=True)[:RELAY_BATCH]
    )
    return len(outbox.publish(ids))


@shared_task(name="workflows.run_sweeps")
def run_sweeps():
    """Apply every registered deadline sweep once. Safe to run twice or concurrently."""
    return sweeps.run_all()
