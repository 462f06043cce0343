"""Bid proposals: the answers to a tender's criteria, once its bids are opened, for those who
may read the bid (its own organisation, and procurement officers)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.search.matching import Field
from tenders.models import BidSection
from tenders.selectors.bid import opened_bids_visible_to

NAME = "bids"
LABEL = _("Bids")
FIELDS = [Field("text")]


def rows(user):
    if not user.is_authenticated:
        return None
    return BidSection.objects.filter(bid__in=opened_bids_visible_to(user)).select_related(
        "bid__tender", "bid__provider"
    )


def title(row):
    return f"{row.bid.tender} · {row.bid.provider}"


def link(row):
    return reverse("tenders:bid_detail", args=[row.bid_id])
