"""Making an approved award final when its standstill period ends with no pending objection.

A sweep (registered in ``TendersConfig.ready``) finds the due decisions and calls
``award_finalise`` for each. Inside that transaction every winning bid is announced with the
domain event ``tenders.award_finalised`` (``award_bid``, ``amount``, ``actor``); the grants app
subscribes to it to draft the grant agreement, so the agreement commits with the award.
"""

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from tenders.models import AwardDecision, AwardLine, Objection
from tenders.services.award.common import bidder_notices, decision_context, notice_url
from tenders.services.evaluation.common import active_members, locked
from workflows import events, runner
from workflows.outbox import Notice

AWARD_FINALISED = "tenders.award_finalised"


def _pending_objections():
    return Objection.objects.filter(decision=OuterRef("pk"), state=Objection.State.PENDING)


def decisions_due_for_finalisation(now):
    """Approved decisions whose standstill has ended and that no pending objection holds."""
    return AwardDecision.objects.filter(
        ~Exists(_pending_objections()),
        state=AwardDecision.State.APPROVED,
        standstill_ends_at__lte=now,
    )


def award_finalise(*, decision, now=None):
    """Make ``decision`` final and return it.

    Does nothing (returns the decision unchanged) unless it is approved, its standstill has
    ended at ``now`` and no objection to it is pending. Otherwise, in one transaction: the
    decision goes approved -> final; each line is marked awarded or not awarded; the tender
    goes closed -> awarded (``tender.mark_awarded``); ``tenders.award_finalised`` is emitted
    once per winning bid with its amount; every bidder, the officer, the approver and the
    panel are told. Running it again changes nothing more.
    """
    now = now or timezone.now()
    with transaction.atomic():
        row = locked(AwardDecision, decision.pk)
        if row.state != AwardDecision.State.APPROVED or row.standstill_ends_at > now:
            return row
        if row.objections.filter(state=Objection.State.PENDING).exists():
            return row
        row = runner.apply(row, "finalise", actor=None, notify=_final_notices, now=now)
        lines = list(row.lines.select_related("bid__provider", "bid__tender"))
        for line in lines:
            line.outcome = (
                AwardLine.Outcome.AWARDED if line.proposed else AwardLine.Outcome.NOT_AWARDED
            )
            line.save(update_fields=["outcome"])
        runner.apply(row.tender, "mark_awarded", actor=None, note="standstill period ended")
        for line in lines:
            if line.proposed:
                events.emit(AWARD_FINALISED, award_bid=line.bid, amount=line.amount, actor=None)
    return row


def _final_notices(row, entry):
    tender = row.tender
    staff = (
        tender.created_by,
        row.decided_by,
        *(member.user for member in active_members(row.evaluation)),
    )
    return [
        Notice(
            "tenders.award_final",
            staff,
            {**decision_context(row), "staff": True},
            notice_url(tender),
        ),
        *bidder_notices(row, "tenders.award_final"),
    ]
