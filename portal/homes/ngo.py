"""The NGO member's home: where the organisation stands and what to do next, the tenders open to
it, its bids, grants and reports due, and what waits for the member's action.

A signed-in user with no organisation and no ministry role gets the same section without an
organisation: invitations addressed to them and the way to register one.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants.models import GrantAgreement, PilotReport, ReportState
from grants.models.report import EDITABLE_REPORT_STATES
from portal import permissions as portal_permissions
from portal.homes.common import LIST_LENGTH, Section
from providers import permissions as provider_permissions
from providers.models import Invitation, MemberRole, Provider, ProviderDocument, ProviderState
from providers.readiness import missing_for_submission
from providers.selectors import membership_for_user
from providers.services.documents import EXPIRY_WARNINGS
from tenders.models import Bid, Tender

NEXT_STEPS = {
    ProviderState.DRAFT: _(
        "Complete your organisation's details, documents and services, then submit it for "
        "verification."
    ),
    ProviderState.RETURNED: _(
        "The ministry returned your registration for changes. Make them and submit it again."
    ),
    ProviderState.SUBMITTED: _(
        "Your organisation waits for verification by the ministry. You will be told the decision."
    ),
    ProviderState.VERIFIED: _("Your organisation is verified: it may bid for open tenders."),
    ProviderState.REJECTED: _("The ministry rejected your organisation's registration."),
    ProviderState.SUSPENDED: _("Your organisation is suspended and may not bid for now."),
}


@dataclass(frozen=True)
class NgoHome:
    membership: object = None
    next_step: str = ""
    missing: list = field(default_factory=list)
    may_register: bool = False
    may_bid: bool = False
    open_tenders: list = field(default_factory=list)
    bids: list = field(default_factory=list)
    grants: list = field(default_factory=list)
    reports_due: list = field(default_factory=list)
    returned_reports: list = field(default_factory=list)
    reconfirm_bids: list = field(default_factory=list)
    expiring_documents: list = field(default_factory=list)
    invitations: list = field(default_factory=list)
    now: object = None
    today: object = None

    @property
    def provider(self):
        return self.membership.provider if self.membership else None

    @property
    def actions(self):
        """Whether anything waits for the member's action."""
        return bool(
            self.returned_reports
            or self.reconfirm_bids
            or self.expiring_documents
            or self.invitations
        )


def build(user, now):
    membership = membership_for_user(user)
    if membership is None:
        if portal_permissions.is_staff_member(user):
            return None
        return Section("ngo", "portal/home_ngo.html", _without_organisation(user, now))
    return Section("ngo", "portal/home_ngo.html", _member_home(membership, now))


def _without_organisation(user, now):
    return NgoHome(
        may_register=provider_permissions.can_register(user),
        invitations=list(
            Invitation.objects.filter(
                email__iexact=user.email,
                accepted_at__isnull=True,
                revoked_at__isnull=True,
                expires_at__gt=now,
            )
            .select_related("provider")
            .order_by("expires_at")[:LIST_LENGTH]
        ),
        now=now,
        today=timezone.localdate(now),
    )


def _member_home(membership, now):
    provider = membership.provider
    today = timezone.localdate(now)
    return NgoHome(
        membership=membership,
        next_step=NEXT_STEPS.get(provider.state, ""),
        missing=missing_for_submission(provider, today) if provider.is_editable else [],
        may_bid=provider.is_verified and membership.role != MemberRole.VIEWER,
        open_tenders=open_tenders(provider, now),
        bids=list(
            Bid.objects.filter(provider=provider)
            .select_related("tender")
            .order_by("-tender__submission_deadline", "-pk")[:LIST_LENGTH]
        ),
        grants=list(
            GrantAgreement.objects.filter(grantee=provider)
            .select_related("bid__tender")
            .order_by("-created_at", "-pk")[:LIST_LENGTH]
        ),
        reports_due=list(
            _reports(provider)
            .filter(state__in=EDITABLE_REPORT_STATES)
            .order_by("due_date", "pk")[:LIST_LENGTH]
        ),
        returned_reports=list(
            _reports(provider)
            .filter(state=ReportState.RETURNED)
            .order_by("due_date", "pk")[:LIST_LENGTH]
        ),
        reconfirm_bids=list(
            Bid.objects.filter(
                provider=provider,
                state=Bid.State.SUBMITTED,
                needs_reconfirmation=True,
                tender__state=Tender.State.PUBLISHED,
            )
            .select_related("tender")
            .order_by("tender__submission_deadline", "pk")[:LIST_LENGTH]
        ),
        expiring_documents=list(
            ProviderDocument.objects.filter(
                provider=provider,
                expires_on__lte=today + timedelta(days=max(EXPIRY_WARNINGS)),
            ).order_by("expires_on", "pk")[:LIST_LENGTH]
        ),
        invitations=_unanswered_invitations(membership, now),
        now=now,
        today=today,
    )


def open_tenders(provider, now):
    """Published tenders still taking bids: those for a service type the organisation offers
    first, then the nearest deadline; each with the organisation's own bid, if any."""
    offers = Provider.service_types.through.objects.filter(
        provider_id=provider.pk, servicetype_id=OuterRef("service_type_id")
    )
    own_bid = Bid.objects.filter(tender=OuterRef("pk"), provider=provider)
    return list(
        Tender.objects.filter(state=Tender.State.PUBLISHED, submission_deadline__gt=now)
        .select_related("service_type", "velayat")
        .annotate(
            matches_services=Exists(offers),
            own_bid_id=Subquery(own_bid.values("pk")[:1]),
            own_bid_state=Subquery(own_bid.values("state")[:1]),
        )
        .order_by("-matches_services", "submission_deadline", "pk")[:LIST_LENGTH]
    )


def _reports(provider):
    return PilotReport.objects.filter(agreement__grantee=provider).select_related("agreement")


def _unanswered_invitations(membership, now):
    # Admins invite, so admins follow the invitations nobody has answered yet.
    if membership.role != MemberRole.ADMIN:
        return []
    return list(
        Invitation.objects.filter(
            provider_id=membership.provider_id,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        ).order_by("expires_at")[:LIST_LENGTH]
    )
