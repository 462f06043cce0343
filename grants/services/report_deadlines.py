"""Reports open the day after their period ends, and their deadlines are watched by the sweep.

Reminders go to the grantee's admins and editors 7 days and 1 day before the due date. A report
not submitted by its due date is flagged overdue the next day and reminded of every 7 days
from then on; once it is 14 days overdue the grant officers are alerted, once. Each message has
an outbox key naming the report, its due date and the step, and ``next_reminder_on`` moves to
the next day with something to do, so a sweep run twice sends nothing more.

Only reports of agreements under way (active or suspended) open or are reminded of. The due
date applies to the first submission: a report returned for revision has no new deadline and
waits in the lists of both sides until it is resubmitted.
"""

import datetime

from django.db import transaction

from grants.models import LIVE_STATES, PilotReport, ReportState
from grants.services.common import (
    grantee_notice,
    officers_notice,
    report_context,
    report_url,
    today,
)
from workflows import audit, outbox, runner

REMIND_BEFORE = (7, 1)
OVERDUE_EVERY = 7
ESCALATE_AFTER = 14
DAY = datetime.timedelta(days=1)


def reports_to_open(now):
    """Scheduled reports of agreements under way whose period has ended (Ashgabat calendar)."""
    return PilotReport.objects.filter(
        state=ReportState.SCHEDULED,
        period_end__lt=today(now),
        agreement__state__in=LIVE_STATES,
    )


def report_open(*, report, now):
    """Open a scheduled report for the grantee once its period has ended (the sweep's step).

    Tells the grantee's admins and editors that the report is due, and when. A repeat is a
    no-op.
    """
    day = today(now)
    return runner.apply(
        report,
        "open",
        actor=None,
        notify=lambda row, entry: [
            grantee_notice(
                "grants.report_opened",
                row.agreement,
                report_context(row),
                report_url(row),
                writers=True,
            )
        ],
        opened_at=now,
        next_reminder_on=first_step_day(report.due_date, day),
    )


def reports_with_deadline_steps(now):
    """Open reports of agreements under way with a reminder or overdue step due today."""
    return PilotReport.objects.filter(
        state=ReportState.OPEN,
        next_reminder_on__lte=today(now),
        agreement__state__in=LIVE_STATES,
    )


def report_deadline_step(*, report, now):
    """Send what the report's deadline calls for today: a reminder before the due date, or, once
    it has passed, the overdue flag (audited), the weekly overdue reminder and, after 14 days,
    the alert to the grant officers (audited). Returns the steps taken; a repeat the same day
    takes none (the outbox keys and ``next_reminder_on`` see to it)."""
    day = today(now)
    with transaction.atomic():
        row = (
            reports_with_deadline_steps(now)
            .select_for_update(of=("self",))
            .select_related("agreement", "agreement__grantee")
            .filter(pk=report.pk)
            .first()
        )
        if row is None:
            return []
        steps = deadline_steps(row.due_date, day, escalated=row.escalated_at is not None)
        fields = ["next_reminder_on"]
        for step in steps:
            fields += _take(row, step, day, now)
        row.next_reminder_on = next_step_day(
            row.due_date, day, escalated=row.escalated_at is not None
        )
        row.save(update_fields=fields)
    return steps


def deadline_steps(due, day, *, escalated):
    """What a report due on ``due`` and still not submitted needs on ``day``: ``"before-7"``,
    ``"before-1"``, ``"overdue-<week>"`` (week 0 the day after the due date) and ``"escalate"``.
    Pure; the sweep applies it."""
    left = (due - day).days
    if left > REMIND_BEFORE[0]:
        return []
    if left > REMIND_BEFORE[1]:
        return [f"before-{REMIND_BEFORE[0]}"]
    if left >= 0:
        return [f"before-{REMIND_BEFORE[1]}"]
    late = -left
    steps = [f"overdue-{(late - 1) // OVERDUE_EVERY}"]
    if late >= ESCALATE_AFTER and not escalated:
        steps.append("escalate")
    return steps


def first_step_day(due, day):
    """The first day from ``day`` on with a deadline step: ``day`` itself when a report opens
    late (its grant was signed after the period ended), so it is flagged at once."""
    if deadline_steps(due, day, escalated=False):
        return day
    return next_step_day(due, day, escalated=False)


def next_step_day(due, after, *, escalated):
    """The first day after ``after`` on which ``deadline_steps`` has something new to do."""
    days = [due - datetime.timedelta(days=before) for before in REMIND_BEFORE]
    first_overdue = due + DAY
    if after < first_overdue:
        days.append(first_overdue)
    else:
        weeks = (after - first_overdue).days // OVERDUE_EVERY + 1
        days.append(first_overdue + datetime.timedelta(days=weeks * OVERDUE_EVERY))
    if not escalated:
        days.append(due + datetime.timedelta(days=ESCALATE_AFTER))
    return min(candidate for candidate in days if candidate > after)


def _take(row, step, day, now):
    key = f"grants-report-deadline:{row.pk}:{row.due_date.isoformat()}:{step}"
    context = {**report_context(row), "step": step, "days_late": max((day - row.due_date).days, 0)}
    url = report_url(row)
    if step == "escalate":
        row.escalated_at = now
        audit.record(row, "escalate", actor=None, data={"days_late": context["days_late"]})
        notice = officers_notice("grants.report_escalated", row.agreement, context, url)
        outbox.enqueue([notice], key=key)
        return ["escalated_at"]
    if step.startswith("before-"):
        notice = grantee_notice("grants.report_reminder", row.agreement, context, url, writers=True)
        outbox.enqueue([notice], key=key)
        return []
    changed = []
    if row.overdue_since is None:
        row.overdue_since = row.due_date + DAY
        audit.record(row, "mark_overdue", actor=None, data={"due_date": row.due_date.isoformat()})
        changed.append("overdue_since")
    notice = grantee_notice("grants.report_overdue", row.agreement, context, url, writers=True)
    outbox.enqueue([notice], key=key)
    return changed
