"""Reminding evaluators of unsubmitted sheets, and telling the officer of a missed deadline."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Q

from tenders.models import Evaluation
from tenders.services.evaluation.common import (
    evaluation_context,
    locked,
    missing_sheets,
    officer_url,
    sheet_url,
)
from workflows import outbox
from workflows.outbox import Notice

# Days before the evaluation deadline at which evaluators with unsubmitted sheets are reminded.
REMINDER_DAYS = (2, 1)
# ``reminded_days`` once the deadline has passed and the officer has been told (or need not be).
PAST_DEADLINE = 0


def evaluations_due_for_reminder(now):
    """Scoring evaluations that reached a reminder, or their deadline, not yet handled."""
    reached = Q(deadline__lte=now) & (
        Q(reminded_days__isnull=True) | Q(reminded_days__gt=PAST_DEADLINE)
    )
    for days in REMINDER_DAYS:
        reached |= Q(deadline__lte=now + timedelta(days=days)) & (
            Q(reminded_days__isnull=True) | Q(reminded_days__gt=days)
        )
    return Evaluation.objects.filter(reached, state=Evaluation.State.SCORING)


def evaluation_remind(*, evaluation, now):
    """Send the reminder the evaluation has reached at ``now``; return its days, or None.

    Before the deadline: evaluators whose sheet is not submitted are reminded 2 days and 1 day
    before it (the nearest reminder reached, once each). Once the deadline has passed: the
    officer is told once if sheets are missing. The evaluation keeps what it has handled and
    the outbox keys name the scoring round and the reminder, so a repeat sends nothing more.
    """
    with transaction.atomic():
        row = locked(Evaluation, evaluation.pk)
        if row.state != Evaluation.State.SCORING:
            return None
        left = row.deadline - now
        if left <= timedelta(0):
            days = PAST_DEADLINE
        else:
            reached = [days for days in REMINDER_DAYS if left <= timedelta(days=days)]
            if not reached:
                return None
            days = min(reached)
        if row.reminded_days is not None and row.reminded_days <= days:
            return None
        missing = list(missing_sheets(row))
        round_key = f"{row.pk}:{int(row.scoring_started_at.timestamp())}"
        if missing and days == PAST_DEADLINE:
            notice = Notice(
                "tenders.evaluation_overdue",
                (row.tender.created_by,),
                {**evaluation_context(row), "missing": [str(m.user) for m in missing]},
                officer_url(row),
            )
            outbox.enqueue([notice], key=f"evaluation-overdue:{round_key}")
        elif missing:
            notice = Notice(
                "tenders.evaluation_reminder",
                tuple(member.user for member in missing),
                {**evaluation_context(row), "days": days},
                sheet_url(row),
            )
            outbox.enqueue([notice], key=f"evaluation-reminder:{round_key}:{days}d")
        row.reminded_days = days
        row.save(update_fields=["reminded_days"])
    return days
