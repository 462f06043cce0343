"""Who may do what with tenders and their clarifications: named yes/no questions about a user.

A tender is run by the procurement officer who wrote it. Everything but a draft is public.
"""

from portal import permissions as portal_permissions
from providers.models import MemberRole, Membership, ProviderState
from tenders.models import Tender

# Viewers follow their organisation's work but do not speak for it.
SPEAKING_ROLES = (MemberRole.ADMIN, MemberRole.EDITOR)


def can_create_tender(user):
    return portal_permissions.is_procurement_officer(user)


def can_manage_tender(user, tender):
    """The officer who wrote the tender edits, publishes, amends and cancels it, and answers
    its questions."""
    return portal_permissions.is_procurement_officer(user) and tender.created_by_id == user.pk


def is_public(tender):
    return tender.state != Tender.State.DRAFT


def can_view_tender(user, tender):
    return is_public(tender) or can_manage_tender(user, tender)


def can_download_terms(user, document):
    """Terms of reference are public once the tender is; withdrawn ones stay downloadable so
    that bidders can compare them with their replacements."""
    return can_view_tender(user, document.tender)


def speaks_for(user, provider):
    """The user is an admin or editor of the organisation, verified or not."""
    return provider is not None and _member_role(user, provider.pk) in SPEAKING_ROLES


def can_ask_on_behalf(user, provider):
    """An admin or editor of a verified organisation may ask about a tender."""
    return (
        provider is not None
        and provider.state == ProviderState.VERIFIED
        and speaks_for(user, provider)
    )


# Bids. Before its tender closes, a bid is read by its own organisation and nobody else: no
# ministry role, not even a system administrator, is given a way in. What each role may read is
# applied in ``tenders.selectors.bid.bids_visible_to``.


def is_bid_member(user, bid):
    """Any member of the bidding organisation (admin, editor or viewer) reads the bid."""
    return _member_role(user, bid.provider_id) is not None


def can_edit_bid(user, bid):
    """Admins and editors of the bidding organisation prepare, submit and withdraw it."""
    return _member_role(user, bid.provider_id) in SPEAKING_ROLES


def can_start_bid(user, provider):
    """An admin or editor of a verified organisation may open a bid on its behalf."""
    return can_ask_on_behalf(user, provider)


def can_read_opened_bids(user):
    """Procurement officers read submitted bids once their tender has closed."""
    return portal_permissions.is_procurement_officer(user)


def can_see_bid_count(user):
    """Ministry staff may know how many bids a tender received, never whose or what."""
    return portal_permissions.is_staff_member(user)


def _member_role(user, provider_id):
    if user is None or not user.is_authenticated or not user.is_active or provider_id is None:
        return None
    return (
        Membership.objects.filter(provider_id=provider_id, user=user)
        .values_list("role", flat=True)
        .first()
    )


def can_read_integrity(user):
    """Procurement officers and approvers read the procurement-integrity indicators."""
    return portal_permissions.is_procurement_officer(user) or portal_permissions.is_approver(user)


def can_sit_on_committee(user):
    """Procurement officers and evaluators may be named to a tender's opening committee."""
    return portal_permissions.is_procurement_officer(user) or portal_permissions.is_evaluator(user)
