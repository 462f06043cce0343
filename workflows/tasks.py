"""Celery tasks of the workflow engine: ids in, early return when done, one service called."""

import logging
from datetime import timedelta

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.db.models import Q
from django.utils import timezone

from workflows import delivery, digest, jobs, outbox, preferences, sweeps
from workflows.models import OutboxMessage

log = logging.getLogger(__name__)

RELAY_BATCH = 500
REPUBLISH_AFTER = timedelta(minutes=10)
# A message that failed this often (a missing template, a rejected address) is left for an
# administrator to look at instead of being republished for ever.
MAX_ATTEMPTS = 12
# Network, SMTP (an OSError) and database connection errors pass; anything else will not.
TRANSIENT_ERRORS = (OSError, OperationalError, InterfaceError)


@shared_task(
    name="workflows.deliver_message",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def deliver_message(message_id):
    """Deliver one outbox message. Safe to run twice: a delivered message is not sent again.

    Transient errors are retried with backoff; every failure is counted on the row, and the
    relay republishes a message still undelivered later until it reaches MAX_ATTEMPTS.
    """
    return delivery.deliver(message_id)


@shared_task(name="workflows.relay_outbox")
def relay_outbox():
    """Publish outbox messages that were never published (the broker was down at commit), or
    published long ago and still undelivered (a lost broker message or a failed delivery),
    leaving out those that failed MAX_ATTEMPTS times and emails held for a daily digest (a user
    who goes back to immediate emails gets the held ones from here). Safe to repeat: delivery is
    idempotent.
    """
    stale = timezone.now() - REPUBLISH_AFTER
    ids = list(
        OutboxMessage.objects.filter(delivered_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
        .filter(Q(published_at__isnull=True) | Q(published_at__lt=stale))
        .exclude(preferences.held())
        .order_by("id")
        .values_list("pk", flat=True)[:RELAY_BATCH]
    )
    published = len(outbox.publish(ids))
    sweeps.record_run("workflows.relay_outbox", published)
    return published


@shared_task(name="workflows.run_sweeps")
def run_sweeps():
    """Apply every registered deadline sweep once. Safe to run twice or concurrently."""
    return sweeps.run_all()


@shared_task(name="workflows.send_daily_digests")
def send_daily_digests():
    """Send each user who chose the daily digest one email with their held messages, and mark
    those messages delivered in the same transaction. Safe to run twice: a second run the same
    day finds nothing left to send (see ``workflows.digest``).
    """
    return digest.send_daily_digests(max_attempts=MAX_ATTEMPTS)


@shared_task(
    name="workflows.run_file_job",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=jobs.TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=3,
)
def run_file_job(job_id):
    """Produce the file of one file job (see ``workflows.jobs.file_job_run``) and return its
    state. Safe to run twice: a finished job is left as it is. Only a lost database connection is
    retried; a producer error fails the job once and for all.
    """
    job = jobs.file_job_run(job_id=job_id)
    return job.state if job is not None else None


@shared_task(name="workflows.relay_file_jobs")
def relay_file_jobs():
    """Publish file jobs the broker never took (it was down at commit) or whose worker was lost.
    Safe to repeat: running a finished job does nothing."""
    published = len(jobs.relay())
    sweeps.record_run("workflows.relay_file_jobs", published)
    return published
