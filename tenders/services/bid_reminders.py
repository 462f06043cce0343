"""Reminding organisations of bids they have not submitted as the deadline nears."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Q

from tenders.models import Bid, Tender
from tenders.services.bid_notices import bid_context, bid_editors, bid_url
from workflows import outbox
from workflows.outbox import Notice

# Days before the submission deadline at which an unsubmitted bid is brought up, latest last.
REMINDER_DAYS = (3, 1)
UNSUBMITTED = (Bid.State.DRAFT, Bid.State.WITHDRAWN)


def bids_due_for_reminder(now):
    """Unsubmitted bids on open tenders that have reached a reminder they were not sent."""
    reached = Q()
    for days in REMINDER_DAYS:
        reached |= Q(tender__submission_deadline__lte=now + timedelta(days=days)) & (
            Q(reminded_days__isnull=True) | Q(reminded_days__gt=days)
        )
    return Bid.objects.filter(
        reached,
        state__in=UNSUBMITTED,
        tender__state=Tender.State.PUBLISHED,
        tender__submission_deadline__gt=now,
    )


def bid_remind(*, bid, now):
    """Remind the organisation's admins and editors that ``bid`` is not submitted.

    Sends the nearest reminder reached at ``now`` (3 days, then 1 day before the deadline) once:
    the outbox key names the bid and the reminder, and the bid keeps the last one sent, so a
    repeat sends nothing more. A bid created within the last day gets only the 1-day reminder.
    Nothing is sent for a submitted or discarded bid, or once the deadline has passed. Returns
    the number of days of the reminder sent, or None.
    """
    with transaction.atomic():
        row = Bid.objects.select_for_update(of=("self",)).select_related("tender").get(pk=bid.pk)
        tender = row.tender
        if row.state not in UNSUBMITTED or tender.state != Tender.State.PUBLISHED:
            return None
        left = tender.submission_deadline - now
        reached = [days for days in REMINDER_DAYS if left <= timedelta(days=days)]
        if left <= timedelta(0) or not reached:
            return None
        days = min(reached)
        if row.reminded_days is not None and row.reminded_days <= days:
            return None
        notice = Notice(
            "tenders.bid_reminder",
            bid_editors(row.provider_id),
            {**bid_context(row, tender), "days": days, "state": row.state},
            bid_url(row),
        )
        outbox.enqueue([notice], key=f"bid-reminder:{row.pk}:{days}d")
        row.reminded_days = days
        row.save(update_fields=["reminded_days"])
    return days
