"""A signed agreement's life: activation on its start date, suspension and resumption,
termination, and completion when its final report is accepted.

Every step tells both sides (the grantee's admins and the grant officers). Suspension stops
payments, not reporting: reports keep opening and falling due. Termination ends everything
not yet earned: reports not yet accepted and tranches whose condition was not met are
cancelled in the same transaction.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants import permissions
from grants.models import AgreementState, GrantAgreement, ReportState, TrancheState
from grants.services.common import (
    agreement_context,
    agreement_url,
    lock_agreement,
    parties_notice,
    today,
)
from portal.formatting import day
from workflows import runner
from workflows.errors import DomainError


def agreements_to_activate(now):
    """Signed agreements whose start date has come (Ashgabat calendar)."""
    return GrantAgreement.objects.filter(state=AgreementState.SIGNED, start_date__lte=today(now))


def agreement_activate(*, actor, agreement, seen_state=None, now=None):
    """Activate a signed agreement on or after its start date.

    The deadline sweep calls it with ``actor=None`` on the start date; a grant officer may do
    it too (e.g. when the sweep has not run yet). Refused before the start date. Tells both
    sides. A repeat is a no-op.
    """
    now = now or timezone.now()

    def started(row):
        if row.start_date > today(now):
            raise DomainError(
                "not_started",
                _("The grant starts on %(day)s; it can be activated from that day.")
                % {"day": day(row.start_date)},
            )

    return runner.apply(
        agreement,
        "activate",
        actor=actor,
        seen_state=seen_state,
        permission=None if actor is None else permissions.is_officer_for,
        check=started,
        notify=_notify("grants.agreement_activated"),
        activated_at=now,
    )


def agreement_suspend(*, actor, agreement, reason, seen_state=None):
    """Suspend an active agreement for ``reason`` (required); grant officers only. Payments are
    on hold while suspended. Tells both sides. A repeat is a no-op."""
    reason = (reason or "").strip()
    return runner.apply(
        agreement,
        "suspend",
        actor=actor,
        seen_state=seen_state,
        note=reason,
        permission=permissions.is_officer_for,
        check=_reason_required(reason, _("Give the reason for the suspension.")),
        notify=_notify("grants.agreement_suspended"),
        reason=reason,
    )


def agreement_resume(*, actor, agreement, seen_state=None, note=""):
    """Resume a suspended agreement; grant officers only. Tells both sides. Repeat: no-op."""
    return runner.apply(
        agreement,
        "resume",
        actor=actor,
        seen_state=seen_state,
        note=(note or "").strip(),
        permission=permissions.is_officer_for,
        notify=_notify("grants.agreement_resumed"),
    )


def agreement_terminate(*, actor, agreement, reason, seen_state=None):
    """Terminate a signed, active or suspended agreement for ``reason`` (required); grant
    officers only.

    In the same transaction, its reports not yet accepted and its tranches still waiting for
    their condition are cancelled (tranches already eligible or approved stay payable). Tells
    both sides. A repeat is a no-op.
    """
    reason = (reason or "").strip()
    with transaction.atomic():
        before = lock_agreement(agreement)
        row = runner.apply(
            agreement,
            "terminate",
            actor=actor,
            seen_state=seen_state,
            note=reason,
            permission=permissions.is_officer_for,
            check=_reason_required(reason, _("Give the reason for the termination.")),
            notify=_notify("grants.agreement_terminated"),
            reason=reason,
            terminated_at=timezone.now(),
        )
        if row.state != before.state:
            _cancel_unearned(row, actor)
    return row


def agreement_complete(*, actor, agreement):
    """Complete an active or suspended agreement; called when its final report is accepted,
    in that transaction. Tells both sides. A repeat is a no-op."""
    return runner.apply(
        agreement,
        "complete",
        actor=actor,
        notify=_notify("grants.agreement_completed"),
        completed_at=timezone.now(),
    )


def _cancel_unearned(agreement, actor):
    now = timezone.now()
    note = _("The agreement was terminated.")
    for report in agreement.reports.exclude(
        state__in=[ReportState.ACCEPTED, ReportState.CANCELLED]
    ):
        runner.apply(report, "cancel", actor=actor, note=str(note), cancelled_at=now)
    for tranche in agreement.tranches.filter(state=TrancheState.SCHEDULED):
        runner.apply(tranche, "cancel", actor=actor, note=str(note), cancelled_at=now)


def _reason_required(reason, message):
    def check(row):
        if not reason:
            raise DomainError("reason_required", message, field="reason")

    return check


def _notify(event):
    def notify(row, entry):
        context = {**agreement_context(row), "reason": row.state_reason}
        return [parties_notice(event, row, context, agreement_url(row))]

    return notify
