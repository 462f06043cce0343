"""What the award services share: links, contexts and the people told."""

from django.urls import reverse

from portal.models import Role, User
from tenders.services.bid_notices import bid_editors
from tenders.services.tender import notice_context
from workflows.outbox import Notice


def approvers():
    return tuple(User.objects.filter(is_active=True, groups__name=Role.APPROVER).distinct())


def decision_url(decision):
    return reverse("tenders:award_decision", args=[decision.pk])


def outcome_url(bid):
    return reverse("tenders:bid_outcome", args=[bid.pk])


def objection_url(objection):
    return reverse("tenders:objection", args=[objection.pk])


def notice_url(tender):
    return reverse("tenders:award_notice", args=[tender.pk])


def decision_context(decision):
    """JSON-safe: the tender and the standstill period, nothing about bids."""
    ends = decision.standstill_ends_at
    return {
        **notice_context(decision.tender),
        "decision_id": decision.pk,
        "standstill_ends_at": ends.isoformat() if ends else "",
    }


def bidder_notices(decision, event, extra=None):
    """One notice per opened bid, to its organisation's admins and editors, with the bid's own
    outcome page and whether the bid is proposed (nothing about the other bids)."""
    context = decision_context(decision)
    return [
        _bidder_notice(event, line, {**context, **(extra or {}), "proposed": line.proposed})
        for line in decision.lines.select_related("bid")
    ]


def _bidder_notice(event, line, context):
    return Notice(event, bid_editors(line.bid.provider_id), context, outcome_url(line.bid))
