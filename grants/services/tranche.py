"""Tranches: released by their condition, approved and paid by a grant officer.

Nothing is paid ahead of its condition: a tranche becomes eligible only inside the service that
meets that condition (signing, or accepting its report), only an eligible tranche can be
approved and only an approved one marked paid. Payments are on hold while the agreement is
suspended. After termination, tranches earned before it (eligible or approved) can still be
approved and paid. The conditions themselves are in ``tranche_rules``. With four eyes
(``settings.FOUR_EYES``) the officer who approved a tranche cannot record its payment.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants import permissions
from grants.models import Tranche, TrancheState
from grants.services.common import (
    officers_notice,
    parties_notice,
    today,
    tranche_context,
    tranche_url,
)
from grants.services.tranche_rules import is_due, payment_refusal, require_payable
from workflows import audit, runner
from workflows.errors import DomainError

MAX_REFERENCE_LENGTH = 100

# The audit action of a payment refused to the officer who approved the tranche.
PAYMENT_REFUSED = "record_payment_refused"


def release_due_tranches(agreement, *, actor, now):
    """Make every scheduled tranche of ``agreement`` whose release conditions are all met
    (``tranche_rules.is_due``) eligible, in the caller's transaction, and tell the grant
    officers that it waits for approval. Call it after a change that may meet a condition
    (signing, accepting a report); a tranche already released stays as it is, so a repeat
    does nothing."""
    scheduled = Tranche.objects.filter(
        agreement_id=agreement.pk, state=TrancheState.SCHEDULED
    ).select_related("agreement", "report")
    for tranche in scheduled:
        if not is_due(tranche):
            continue
        runner.apply(
            tranche,
            "make_eligible",
            actor=actor,
            notify=lambda row, entry: [
                officers_notice(
                    "grants.tranche_eligible", row.agreement, tranche_context(row), tranche_url(row)
                )
            ],
            eligible_at=now,
        )


def tranche_approve(*, actor, tranche, seen_state=None, note=""):
    """Approve an eligible tranche for payment; grant officers only, not while the agreement is
    suspended. Tells both parties after commit. A repeat is a no-op."""
    return runner.apply(
        tranche,
        "approve",
        actor=actor,
        seen_state=seen_state,
        note=(note or "").strip(),
        permission=permissions.can_manage_tranche,
        check=require_payable,
        notify=_notify("grants.tranche_approved"),
        approved_at=timezone.now(),
        approved_by=actor,
    )


def tranche_record_payment(*, actor, tranche, paid_on, reference, seen_state=None):
    """Record that an approved tranche was paid on ``paid_on`` with the bank's ``reference``.

    Grant officers only, not while the agreement is suspended, and with four eyes not the
    officer who approved it: that refusal is written to the audit log (action
    ``record_payment_refused``) before it is raised, so it stays when the caller's own
    transaction commits. The payment date cannot be in the future nor before the approval;
    the reference is required. Tells both parties after commit. A repeat is a no-op.
    """
    reference = (reference or "").strip()
    current = Tranche.objects.get(pk=tranche.pk)
    refusal = payment_refusal(actor, current)
    if refusal is not None:
        audit.record(
            current,
            PAYMENT_REFUSED,
            actor=actor,
            source_state=current.state,
            note=str(refusal.message),
            data={"code": refusal.code, "approved_by": current.approved_by_id},
        )
        raise refusal

    def check(row):
        require_payable(row)
        refused = payment_refusal(actor, row)
        if refused is not None:
            raise refused
        if paid_on is None:
            raise DomainError("paid_on_required", _("Give the payment date."), field="paid_on")
        if paid_on > today():
            raise DomainError(
                "paid_on_future", _("The payment date cannot be in the future."), field="paid_on"
            )
        if row.approved_at and paid_on < timezone.localdate(row.approved_at):
            raise DomainError(
                "paid_on_early",
                _("The payment date cannot be before the tranche was approved."),
                field="paid_on",
            )
        if not reference:
            raise DomainError(
                "reference_required", _("Give the payment reference."), field="reference"
            )
        if len(reference) > MAX_REFERENCE_LENGTH:
            raise DomainError(
                "reference_too_long",
                _("The payment reference has at most %(max)s characters.")
                % {"max": MAX_REFERENCE_LENGTH},
                field="reference",
            )

    return runner.apply(
        tranche,
        "record_payment",
        actor=actor,
        seen_state=seen_state,
        permission=permissions.can_manage_tranche,
        check=check,
        notify=_notify("grants.tranche_paid"),
        data={"paid_on": paid_on.isoformat() if paid_on else None, "reference": reference},
        paid_on=paid_on,
        reference=reference,
        recorded_by=actor,
    )


def _notify(event):
    def notify(row, entry):
        return [parties_notice(event, row.agreement, tranche_context(row), tranche_url(row))]

    return notify
