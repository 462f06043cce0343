"""Bid panels for the tender pages: the visitor's own bid on the notice, the count for staff.

``{% load bid_tags %}{% bid_panel tender %}`` on a tender's notice shows the visitor's
organisation's bid or a button to prepare one; ``{% bid_count_panel tender %}`` on the
officer's page shows how many bids were submitted, the only thing known of sealed bids.
"""

from django import template
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.permissions import is_staff_member
from providers.selectors import provider_for_user
from tenders import permissions
from tenders.models import Tender
from tenders.selectors.bid import is_opened, own_bid_on, submitted_bid_count

register = template.Library()


@register.inclusion_tag("tenders/bids/_panel.html", takes_context=True)
def bid_panel(context, tender):
    user = context["request"].user
    return {
        "tender": tender,
        "panel": _panel(user, tender),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("tenders/bids/_count.html")
def bid_count_panel(tender):
    return {"tender": tender, "count": submitted_bid_count(tender), "opened": is_opened(tender)}


def _panel(user, tender):
    if not user.is_authenticated or is_staff_member(user):
        return None
    bid = own_bid_on(user, tender)
    if bid is not None:
        return {"bid": bid}
    open_now = tender.state == Tender.State.PUBLISHED and (
        tender.submission_deadline is not None and timezone.now() < tender.submission_deadline
    )
    if not open_now:
        return None
    provider = provider_for_user(user)
    if provider is None:
        return {"refusal": _("Only members of a registered organisation can bid.")}
    if not permissions.can_start_bid(user, provider):
        return {
            "refusal": _(
                "Only the administrators and editors of a verified organisation can prepare a bid."
            )
        }
    return {"may_start": True}
