"""Stuck work: what the relays and sweeps should have finished by now and have not.

Each periodic sweep and relay records its last successful run (``sweeps.record_run``); one
with no successful run for ``LATE_AFTER`` is late. Outbox messages that failed, or are still
undelivered after ``PENDING_AFTER``, and file jobs waiting or running far longer than a run
takes, are stuck.
The administrators' page and ``/health/`` both read from here.
"""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from workflows import jobs, preferences, sweeps
from workflows.models import FileJob, OutboxMessage, SweepRun

# Sweeps run every minute and relays every 30 seconds: five minutes is several missed runs.
LATE_AFTER = timedelta(minutes=5)
PENDING_AFTER = timedelta(minutes=10)
RELAYS = ("workflows.relay_outbox", "workflows.relay_file_jobs")


def scheduled_names():
    return sorted([*sweeps.registered(), *RELAYS])


def late_sweeps(now=None):
    """``[(name, last_success_at or None)]`` of every sweep and relay not run for LATE_AFTER."""
    now = now or timezone.now()
    last = dict(SweepRun.objects.values_list("name", "last_success_at"))
    return [
        (name, last.get(name))
        for name in scheduled_names()
        if last.get(name) is None or last[name] < now - LATE_AFTER
    ]


def stuck_messages(now=None):
    """Undelivered outbox messages that failed at least once or are older than PENDING_AFTER,
    leaving out emails held on purpose for a daily digest."""
    now = now or timezone.now()
    return (
        OutboxMessage.objects.filter(delivered_at__isnull=True)
        .filter(~Q(last_error="") | Q(created_at__lt=now - PENDING_AFTER))
        .exclude(preferences.held())
        .select_related("recipient")
        .order_by("created_at", "id")
    )


def stuck_jobs(now=None):
    """File jobs queued for longer than PENDING_AFTER or running without a heartbeat for
    longer than ``FILE_JOB_STALLED_SECONDS`` (``jobs.stalled``)."""
    now = now or timezone.now()
    return (
        FileJob.objects.filter(
            Q(state=FileJob.State.QUEUED, created_at__lt=now - PENDING_AFTER) | jobs.stalled(now)
        )
        .select_related("owner")
        .order_by("created_at", "id")
    )


def late_summary(now=None):
    """What ``/health/`` names as late: empty when nothing is."""
    now = now or timezone.now()
    summary = {
        "sweeps": [name for name, _ in late_sweeps(now)],
        "outbox_messages": stuck_messages(now).count(),
        "file_jobs": stuck_jobs(now).count(),
    }
    return {part: value for part, value in summary.items() if value}
