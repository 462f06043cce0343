"""Reads about tenders, scoped to who is asking: what a user may not see is not found (404)."""

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from portal.models import User
from providers.models import MemberRole, ProviderState
from tenders import permissions
from tenders.models import Bid, Clarification, Tender, TenderDocument

PUBLIC_STATES = (
    Tender.State.PUBLISHED,
    Tender.State.CLOSED,
    Tender.State.AWARDED,
    Tender.State.UNSUCCESSFUL,
    Tender.State.CANCELLED,
)
# Bids whose organisations follow the tender: a changed tender or a new answer concerns them.
ACTIVE_BID_STATES = (Bid.State.DRAFT, Bid.State.SUBMITTED)


def public_tenders():
    """Every tender the public may see, with what a list row shows."""
    return Tender.objects.filter(state__in=PUBLIC_STATES).select_related("service_type", "velayat")


def public_tender(pk):
    """A tender's public notice with everything it shows, or Http404 (drafts included)."""
    tender = (
        public_tenders()
        .prefetch_related(
            "target_groups",
            "etraps",
            "criteria",
            Prefetch(
                "documents",
                queryset=TenderDocument.objects.filter(withdrawn_at__isnull=True),
                to_attr="current_documents",
            ),
            Prefetch(
                "clarifications",
                queryset=Clarification.objects.filter(answered_at__isnull=False).only(
                    "id", "tender_id", "question", "answer", "answered_at", "asked_at"
                ),
                to_attr="published_answers",
            ),
            "amendments",
        )
        .filter(pk=pk)
        .first()
    )
    if tender is None:
        raise Http404
    return tender


def tender_document_for_download(user, tender_pk, document_pk):
    """A terms-of-reference document of a tender the user may see, or Http404."""
    document = (
        TenderDocument.objects.select_related("tender")
        .filter(pk=document_pk, tender_id=tender_pk)
        .first()
    )
    if document is None or not permissions.can_download_terms(user, document):
        raise Http404
    return document


def own_questions(provider, tender):
    """The questions ``provider`` asked about ``tender``, answered or not."""
    if provider is None:
        return Clarification.objects.none()
    return Clarification.objects.filter(tender=tender, provider=provider)


def tenders_for_officer(user, state=None):
    """The tenders ``user`` wrote, with counts of unanswered questions and of submitted bids."""
    tenders = (
        Tender.objects.filter(created_by=user)
        .select_related("service_type", "velayat")
        .annotate(
            unanswered_count=_count_of(Clarification, answered_at__isnull=True),
            submitted_count=_count_of(Bid, state=Bid.State.SUBMITTED),
        )
        .order_by("-created_at", "-id")
    )
    if state:
        tenders = tenders.filter(state=state)
    return tenders if permissions.can_create_tender(user) else Tender.objects.none()


def officer_tender(user, pk):
    """A tender ``user`` manages, with its criteria, documents and questions, or Http404."""
    tender = (
        Tender.objects.select_related("service_type", "velayat")
        .prefetch_related(
            "target_groups",
            "etraps",
            "criteria",
            "documents",
            "amendments",
            Prefetch(
                "clarifications",
                queryset=Clarification.objects.select_related("provider", "asked_by"),
            ),
        )
        .filter(pk=pk)
        .first()
    )
    if tender is None or not permissions.can_manage_tender(user, tender):
        raise Http404
    return tender


def officer_clarification(user, pk):
    """A question about a tender ``user`` manages, or Http404."""
    clarification = Clarification.objects.select_related("tender").filter(pk=pk).first()
    if clarification is None or not permissions.can_manage_tender(user, clarification.tender):
        raise Http404
    return clarification


def provider_admins(**provider_filters):
    """The administrators of the organisations matching ``provider_filters``."""
    lookups = {f"provider_memberships__provider__{k}": v for k, v in provider_filters.items()}
    return User.objects.filter(
        is_active=True, provider_memberships__role=MemberRole.ADMIN, **lookups
    ).distinct()


def bidder_admins(tender, states):
    """The administrators of the organisations holding a bid on ``tender`` in ``states``."""
    return provider_admins(bids__tender=tender, bids__state__in=list(states))


def service_type_audience(tender):
    """The administrators of verified organisations that offer the tender's service type."""
    return provider_admins(state=ProviderState.VERIFIED, service_types=tender.service_type_id)


def _count_of(model, **conditions):
    # A correlated subquery per count keeps each count exact however many rows the other joins.
    counted = (
        model.objects.filter(tender=OuterRef("pk"), **conditions)
        .order_by()
        .values("tender")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)
