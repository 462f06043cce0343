"""Eligibility screening: the portal's findings at the deadline, confirmed or overridden.

For every opened bid the portal pre-fills one line per requirement from its records as they
stood at the tender's submission deadline: the organisation verified (its state then, read
from the audit log of its verification workflow), each required document valid that day, and
enough active staff with in-service training (``providers.eligibility.check``). The screener
(the tender's officer or the cleared chair) confirms or overrides each line; an override needs
a reason. A bid is eligible when every line passes; an ineligible one leaves the evaluation
with its reasons.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from providers import eligibility
from tenders import permissions_evaluation as rules
from tenders.models import Evaluation, Screening, ScreeningLine
from tenders.services.evaluation.common import locked, submitted_bids
from workflows import audit
from workflows.errors import DomainError, forbidden, not_allowed
from workflows.models import AuditEntry


def verified_state_at(provider, moment):
    """The verification state of ``provider`` at ``moment``, from its audit log.

    The target of the last state change at or before ``moment``; without one, the state the
    first later change started from; without any change recorded, its current state.
    """
    changes = AuditEntry.objects.filter(
        content_type__app_label="providers",
        content_type__model="provider",
        object_id=str(provider.pk),
    ).exclude(target_state="")
    before = changes.filter(created_at__lte=moment).order_by("-created_at", "-id").first()
    if before is not None:
        return before.target_state
    after = changes.filter(created_at__gt=moment).order_by("created_at", "id").first()
    if after is not None and after.source_state:
        return after.source_state
    return provider.state


def portal_findings(bid, tender):
    """The pre-filled lines of ``bid``: ``(code, passed, detail)`` in display order."""
    moment = tender.submission_deadline
    required = list(dict.fromkeys(tender.required_document_types or []))
    failures = {
        failure.code
        for failure in eligibility.check(
            bid.provider,
            required_document_types=required,
            min_trained_staff=tender.min_trained_staff,
            at=moment,
        )
    }
    state = verified_state_at(bid.provider, moment)
    lines = [(ScreeningLine.VERIFIED, state == "verified", {"state": state})]
    for code in required:
        lines.append(
            (
                f"{ScreeningLine.DOCUMENT_PREFIX}{code}",
                f"missing_document:{code}" not in failures,
                {},
            )
        )
    if tender.min_trained_staff:
        trained = eligibility.trained_staff(bid.provider, timezone.localdate(moment)).count()
        lines.append(
            (
                ScreeningLine.TRAINED_STAFF,
                trained >= tender.min_trained_staff,
                {"trained": trained, "required": tender.min_trained_staff},
            )
        )
    return lines


def prefill_screenings(evaluation):
    """Create the screening of every opened bid that has none yet; return how many."""
    tender = evaluation.tender
    created = 0
    for bid in submitted_bids(tender).filter(screening__isnull=True):
        screening = Screening.objects.create(evaluation=evaluation, bid=bid)
        ScreeningLine.objects.bulk_create(
            ScreeningLine(
                screening=screening,
                code=code,
                position=position,
                portal_passed=passed,
                portal_detail=detail,
            )
            for position, (code, passed, detail) in enumerate(portal_findings(bid, tender))
        )
        created += 1
    return created


def screening_decide(*, actor, screening, decisions):
    """Confirm or override every line of ``screening`` and decide the bid's eligibility.

    ``decisions`` maps each line's id to ``(passed, reason)``; a decision that differs from
    the portal's finding needs a reason. Allowed to the tender's officer and the cleared chair
    while the evaluation is screening; a decided screening may be decided again until scoring
    starts. Writes the audit entry ``screening_decided`` on the evaluation (every line, the
    portal's finding, the decision and reason). Sending the same decisions again changes
    nothing and writes nothing. Returns the screening.
    """
    with transaction.atomic():
        evaluation = locked(Evaluation, screening.evaluation_id)
        if not rules.can_screen(actor, evaluation):
            raise forbidden()
        if evaluation.state != Evaluation.State.SCREENING:
            raise not_allowed(evaluation.get_state_display())
        row = Screening.objects.select_for_update(of=("self",)).get(pk=screening.pk)
        lines = list(row.lines.all())
        changed = _apply_decisions(lines, decisions)
        eligible = all(line.passed for line in lines)
        if not changed and row.eligible == eligible:
            return row
        for line in changed:
            line.save(update_fields=["passed", "reason"])
        row.eligible = eligible
        row.decided_by = actor
        row.decided_at = timezone.now()
        row.save(update_fields=["eligible", "decided_by", "decided_at"])
        audit.record(
            evaluation,
            "screening_decided",
            actor=actor,
            data={
                "bid": row.bid_id,
                "eligible": eligible,
                "lines": [
                    {
                        "code": line.code,
                        "portal": line.portal_passed,
                        "decided": line.passed,
                        "reason": line.reason,
                    }
                    for line in lines
                ],
            },
        )
    return row


def _apply_decisions(lines, decisions):
    changed = []
    for line in lines:
        if line.pk not in decisions or decisions[line.pk][0] is None:
            raise DomainError(
                "line_undecided",
                _("Confirm or override every requirement."),
                field=f"passed_{line.pk}",
            )
        passed, reason = decisions[line.pk]
        reason = (reason or "").strip()
        if passed != line.portal_passed and not reason:
            raise DomainError(
                "override_reason",
                _("Give the reason for overriding the portal's finding."),
                field=f"reason_{line.pk}",
            )
        if (line.passed, line.reason) != (passed, reason):
            line.passed, line.reason = passed, reason
            changed.append(line)
    return changed
