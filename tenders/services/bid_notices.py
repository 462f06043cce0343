"""Who hears about a bid, and what its notifications carry.

Contexts hold nothing of a bid's content (no proposal text, budget lines, staff or file names):
outbox rows and notifications are readable by system administrators in the admin, and a bid
is sealed until its tender closes. They carry references, times, counts and SHA-256 digests.
"""

from django.urls import reverse

from portal.models import User
from tenders.permissions import SPEAKING_ROLES
from tenders.services.tender import notice_context


def bid_editors(provider_id):
    """The active admins and editors of an organisation: the people who answer for its bids."""
    return tuple(
        User.objects.filter(
            is_active=True,
            provider_memberships__provider_id=provider_id,
            provider_memberships__role__in=SPEAKING_ROLES,
        ).distinct()
    )


def bid_context(bid, tender):
    """The JSON-safe context of a bid notification."""
    return {**notice_context(tender), "bid_id": bid.pk}


def bid_url(bid):
    return reverse("tenders:bid_detail", args=[bid.pk])


def receipt_url(bid):
    return reverse("tenders:bid_receipt", args=[bid.pk])


def officer_bids_url(tender):
    return reverse("tenders:tender_bids", args=[tender.pk])


def iso(moment):
    return moment.isoformat() if moment else ""
