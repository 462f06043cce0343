"""Proposing an award, and the ministry approver's decision on it."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenders import permissions_evaluation as rules
from tenders.models import AwardDecision, AwardLine, Evaluation, Tender
from tenders.services.award.common import (
    approvers,
    bidder_notices,
    decision_context,
    decision_url,
)
from tenders.services.evaluation.common import locked, reason_required, submitted_bids
from tenders.services.evaluation.results import evaluation_results, proposal
from tenders.services.fingerprints import check_decision_seen
from workflows import audit, outbox, runner
from workflows.errors import DomainError, forbidden, not_allowed
from workflows.outbox import Notice

CENTS = Decimal("0.01")
FOUR_EYES_MESSAGE = _(
    "Four eyes: the author of the tender does not approve its award; another approver decides."
)


def award_propose(*, actor, evaluation):
    """Propose the award of a completed evaluation's tender and return the decision (proposed).

    The tender's officer only, with no other live decision. The proposal walks the ranking:
    each bid at or above the minimum technical score, not excluded by an upheld objection,
    whose amount (its budget total) still fits under the budget ceiling, until the tender's
    number of awards is reached (``results.choose_winners``). Every opened bid gets a line
    with its rank, scores and amount. Refused when no bid can be awarded (the tender then ends
    without award). Tells the ministry approvers. A repeat returns the pending proposal.
    """
    with transaction.atomic():
        tender = locked(Tender, evaluation.tender_id)
        row = Evaluation.objects.get(pk=evaluation.pk)
        if not rules.can_propose_award(actor, row):
            raise forbidden()
        live = AwardDecision.objects.filter(tender=tender, state__in=AwardDecision.LIVE_STATES)
        pending = live.filter(state=AwardDecision.State.PROPOSED).first()
        if pending is not None:
            return pending
        if live.exists():
            raise DomainError("award_exists", _("The award has already been approved."))
        if row.state != Evaluation.State.COMPLETED:
            raise not_allowed(row.get_state_display())
        if tender.state != Tender.State.CLOSED:
            raise not_allowed(tender.get_state_display())
        results = evaluation_results(row)
        winners = proposal(row, results)
        if not winners:
            raise DomainError(
                "no_winner", _("No bid can be awarded: end the tender without award.")
            )
        decision = AwardDecision.objects.create(tender=tender, evaluation=row, proposed_by=actor)
        lines = _lines(decision, tender, results, winners)
        audit.record(
            decision,
            "propose",
            actor=actor,
            target_state=decision.state,
            data={
                "proposed": [
                    {"bid": line.bid_id, "amount": str(line.amount), "rank": line.rank}
                    for line in lines
                    if line.proposed
                ]
            },
        )
        notice = Notice(
            "tenders.award_proposed",
            approvers(),
            decision_context(decision),
            decision_url(decision),
        )
        outbox.enqueue([notice], key=f"award-proposed:{decision.pk}")
    return decision


def _lines(decision, tender, results, winners):
    by_bid = {result.bid_id: result for result in results}
    lines = []
    for bid in submitted_bids(tender):
        result = by_bid.get(bid.pk)
        lines.append(
            AwardLine(
                decision=decision,
                bid=bid,
                eligible=result is not None,
                rank=result.rank if result else None,
                technical_score=result.technical if result else None,
                price_score=result.price if result else None,
                total_score=result.total if result else None,
                passes_minimum=bool(result and result.passes_minimum),
                amount=Decimal(bid.total_price).quantize(CENTS),
                proposed=bid.pk in winners,
            )
        )
    return AwardLine.objects.bulk_create(lines)


def award_approve(*, actor, decision, seen=None, seen_state=None):
    """Approve a proposed award (proposed -> approved) and start the standstill period.

    A ministry approver only, not the person who proposed it. The standstill ends the
    evaluation's ``standstill_days`` calendar days later. Every bidder is told the outcome and
    pointed to its own result page; the officer is told. A repeat is a no-op.

    ``seen`` is the fingerprint of the decision as its page showed it
    (``fingerprints.decision_fingerprint``); a decision changed since is refused as ``stale``,
    naming what changed, and nothing changes. ``None`` (the default) is for callers that show
    no page; a page passes the text it received, so a missing or forged one is refused.

    With four eyes on (``settings.FOUR_EYES``) the tender's author is refused, and the refused
    attempt is written to the audit log (``approve_refused``); the approval's audit row notes
    whether four eyes were checked.
    """
    _check_four_eyes(actor, decision)
    now = timezone.now()

    def check(row):
        if row.tender.state != Tender.State.CLOSED:
            raise not_allowed(row.tender.get_state_display())
        if row.proposed_by_id == actor.pk:
            raise DomainError(
                "own_proposal", _("An award is approved by someone other than its proposer.")
            )
        check_decision_seen(row, seen)

    def notify(row, entry):
        officer = Notice(
            "tenders.award_approved",
            (row.tender.created_by,),
            decision_context(row),
            decision_url(row),
        )
        return [officer, *bidder_notices(row, "tenders.award_outcome")]

    standstill = timedelta(days=decision.evaluation.standstill_days)
    return runner.apply(
        decision,
        "approve",
        actor=actor,
        seen_state=seen_state,
        permission=rules.can_decide_award,
        check=check,
        notify=notify,
        data={"four_eyes": settings.FOUR_EYES},
        by=actor,
        now=now,
        standstill_ends_at=now + standstill,
    )


def _check_four_eyes(actor, decision):
    # The refusal's audit row is written in the caller's transaction, which the raised error
    # does not roll back: an auditor sees the attempt.
    if not rules.can_decide_award(actor, decision) or rules.four_eyes_allow_award(actor, decision):
        return
    audit.record(decision, "approve_refused", actor=actor, data={"rule": "four_eyes"})
    raise DomainError("four_eyes", FOUR_EYES_MESSAGE)


def award_send_back(*, actor, decision, reason, seen_state=None):
    """Send a proposed award back to the officer with ``reason`` (proposed -> returned).

    A ministry approver only. The officer is told and may propose again. A repeat is a no-op.
    """
    reason = reason_required(reason)

    def notify(row, entry):
        return [
            Notice(
                "tenders.award_sent_back",
                (row.tender.created_by,),
                {**decision_context(row), "reason": reason},
                decision_url(row),
            )
        ]

    return runner.apply(
        decision,
        "send_back",
        actor=actor,
        seen_state=seen_state,
        note=reason,
        permission=rules.can_decide_award,
        notify=notify,
        by=actor,
        now=timezone.now(),
        reason=reason,
    )
