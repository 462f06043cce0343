"""Reading bids, scoped to the user: every page and download that shows a bid goes through here.

Bids are sealed until their tender closes at the submission deadline. Before that, a bid is
visible to the members of its own organisation and to nobody else: no ministry role, system
administrators and superusers included. The ministry learns only how many bids a tender has
(``submitted_bid_count``). Once the tender is closed, procurement officers read its submitted
bids. The organisation always reads its own.
"""

from django.db.models import Prefetch, Q
from django.http import Http404

from providers.models import Membership, StaffMember
from tenders import permissions
from tenders.models import Bid, BidDocument, BidSection, BidStaff, Tender, TenderKey

# ``closed_at`` is set when the tender closes at its deadline and its bids are opened; a tender
# cancelled before that never opens its bids. A tender with sealed bids opens when its
# committee opens it.
_OPENED = Q(state=Bid.State.SUBMITTED, tender__closed_at__isnull=False) & (
    Q(tender__opening_key__isnull=True) | Q(tender__opening_key__opened_at__isnull=False)
)


def bids_visible_to(user):
    """Every bid ``user`` may read."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Bid.objects.none()
    visible = Q(provider__in=Membership.objects.filter(user=user).values("provider"))
    if permissions.can_read_opened_bids(user):
        visible |= _OPENED
    return Bid.objects.filter(visible)


def opened_bids_visible_to(user):
    """The bids ``user`` may read whose tender has opened them: the only bids whose content
    is searched, since a sealed bid's content is not in the database before opening."""
    return bids_visible_to(user).filter(_OPENED)


def bid_documents_visible_to(user):
    """Every bid document ``user`` may read or download."""
    return BidDocument.objects.filter(bid__in=bids_visible_to(user))


def bid_for(user, pk):
    """A bid ``user`` may read, with its tender and organisation, or Http404."""
    bid = bids_visible_to(user).select_related("tender", "provider").filter(pk=pk).first()
    if bid is None:
        raise Http404
    return bid


def bid_with_content(user, pk):
    """A bid ``user`` may read with everything its page shows, or Http404."""
    bid = (
        bids_visible_to(user)
        .select_related("tender", "provider")
        .prefetch_related(
            "tender__criteria",
            Prefetch("sections", queryset=BidSection.objects.select_related("criterion")),
            Prefetch("staff", queryset=BidStaff.objects.select_related("staff_member")),
            "budget_lines",
            "documents",
        )
        .filter(pk=pk)
        .first()
    )
    if bid is None:
        raise Http404
    return bid


def bid_document_for_download(user, bid_pk, document_pk):
    """A document of a bid ``user`` may read, or Http404 (a sealed bid's files included)."""
    documents = bid_documents_visible_to(user).exclude(file="")
    document = documents.filter(pk=document_pk, bid_id=bid_pk).first()
    if document is None:
        raise Http404
    return document


def own_bids(user):
    """The bids of the user's organisation, newest tender deadline first."""
    if user is None or not user.is_authenticated:
        return Bid.objects.none()
    return (
        Bid.objects.filter(provider__in=Membership.objects.filter(user=user).values("provider"))
        .select_related("tender")
        .order_by("-tender__submission_deadline", "-id")
    )


def own_bid_on(user, tender):
    """The user's organisation's bid on ``tender``, or None."""
    return own_bids(user).filter(tender=tender).first()


def roster_for(bid):
    """The active staff of the bid's own organisation, the only people it may propose."""
    return StaffMember.objects.filter(provider_id=bid.provider_id, active=True)


def submitted_bid_count(tender):
    """How many bids ``tender`` holds: the one fact about sealed bids the ministry may know."""
    return Bid.objects.filter(tender=tender, state=Bid.State.SUBMITTED).count()


def is_opened(tender):
    """The tender's bids are open: it closed, and a committee opened its sealed bids."""
    if tender.closed_at is None:
        return False
    key = TenderKey.objects.filter(tender=tender).first()
    return key is None or key.opened_at is not None


def opened_bids(user, tender):
    """The submitted bids of a closed tender, for the officers' list; none before opening or
    for a user who may not read them. A constant number of queries however many bids."""
    if not is_opened(tender) or not permissions.can_read_opened_bids(user):
        return Bid.objects.none()
    return (
        bids_visible_to(user)
        .filter(tender=tender, state=Bid.State.SUBMITTED)
        .select_related("provider", "sealed")
        .prefetch_related("documents")
        .order_by("submitted_at", "id")
    )


def tender_for_bid_list(user, pk):
    """A non-draft tender for a ministry user's bid list, or Http404."""
    if not permissions.can_see_bid_count(user):
        raise Http404
    tender = Tender.objects.exclude(state=Tender.State.DRAFT).filter(pk=pk).first()
    if tender is None:
        raise Http404
    return tender
