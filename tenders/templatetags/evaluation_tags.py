"""Links from a tender's pages to its evaluation and award, for whoever is looking.

``{% load evaluation_tags %}{% evaluation_links tender %}`` lists what the visitor may open:
the officer's evaluation page, a panel member's evaluation, the award decision for approvers,
a bidder's own outcome page, and the public award notice once the award is final.
"""

from django import template

from portal import permissions as portal_permissions
from tenders import permissions_evaluation as rules
from tenders.models import AwardDecision, Tender
from tenders.selectors import evaluation as selectors
from tenders.selectors.bid import is_opened, own_bid_on

register = template.Library()


@register.inclusion_tag("tenders/evaluation/_links.html", takes_context=True)
def evaluation_links(context, tender):
    user = context["request"].user
    evaluation = selectors.evaluation_of(tender)
    decision = selectors.live_decision(tender)
    links = {
        "tender": tender,
        "public_notice": tender.state == Tender.State.AWARDED,
        "manage": is_opened(tender) and rules.runs_tender(user, tender),
        "evaluation": evaluation if evaluation and rules.seat_of(user, evaluation) else None,
        "decision": decision if decision and portal_permissions.is_approver(user) else None,
    }
    bid = own_bid_on(user, tender) if user.is_authenticated else None
    if bid is not None and decision is not None and decision.state != AwardDecision.State.PROPOSED:
        links["outcome_bid"] = bid
    return links
