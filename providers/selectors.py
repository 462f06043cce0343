"""Reads scoped to the user asking: whatever a user may not see is simply not found."""

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q

from portal.models import Role
from portal.ordering import naturally
from providers import permissions
from providers.models import (
    Invitation,
    MemberRole,
    Membership,
    Provider,
    ProviderDocument,
    StaffMember,
    TrainingCertificate,
    TrainingRecord,
)


def membership_for_user(user):
    """The user's membership with its organisation, or None."""
    if user is None or not user.is_authenticated:
        return None
    return Membership.objects.select_related("provider").filter(user=user).first()


def provider_for_user(user):
    """The organisation the user is a member of, or None."""
    membership = membership_for_user(user)
    return membership.provider if membership else None


def provider_admins(provider):
    """Active admins of ``provider``: who hears about decisions on it."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            provider_memberships__provider=provider,
            provider_memberships__role=MemberRole.ADMIN,
        )
        .order_by("pk")
    )


def verification_officers():
    """Active procurement officers: who hears about organisations waiting for verification."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.PROCUREMENT_OFFICER)
        .distinct()
        .order_by("pk")
    )


def own_memberships(user):
    """Memberships of the user's own organisation (none for a user without one)."""
    return Membership.objects.filter(provider__memberships__user=user).select_related("user")


def own_invitations(user):
    return Invitation.objects.filter(provider__memberships__user=user)


def own_staff(user):
    return StaffMember.objects.filter(provider__memberships__user=user)


def own_documents(user):
    return ProviderDocument.objects.filter(provider__memberships__user=user)


def visible_documents(user):
    """Documents of the user's organisation; an officer sees every organisation's."""
    if permissions.is_verification_officer(user):
        return ProviderDocument.objects.select_related("provider")
    return ProviderDocument.objects.filter(provider__memberships__user=user)


def visible_certificates(user):
    if permissions.is_verification_officer(user):
        return TrainingCertificate.objects.all()
    return TrainingCertificate.objects.filter(training__staff__provider__memberships__user=user)


def staff_roster(provider):
    """The organisation's staff with their training records, as a list: active people first,
    each group in natural order of names ("Staff 2" before "Staff 10")."""
    staff = provider.staff.prefetch_related(
        Prefetch(
            "training_records",
            queryset=TrainingRecord.objects.select_related("certificate").order_by("-started_on"),
        )
    )
    return naturally(staff, key=lambda member: (not member.active, member.full_name))


def providers_for_review(user, *, state=None, velayat=None, query=""):
    """Organisations an officer reviews, filtered; nobody else sees this list."""
    if not permissions.is_verification_officer(user):
        return Provider.objects.none()
    rows = Provider.objects.select_related("velayat", "etrap").order_by(
        "-submitted_at", "name_tk", "pk"
    )
    if state:
        rows = rows.filter(state=state)
    if velayat:
        rows = rows.filter(velayat=velayat)
    if query:
        rows = rows.filter(
            Q(name_tk__icontains=query)
            | Q(name_ru__icontains=query)
            | Q(name_en__icontains=query)
            | Q(registration_number__icontains=query)
        )
    return rows


def invitations_by_token():
    """Invitations looked up by their secret token: the link in the email is the permission."""
    return Invitation.objects.select_related("provider")


def invitee_account(invitation):
    """The account an invitation is addressed to (made with the invitation when none existed)."""
    return get_user_model().objects.filter(email__iexact=invitation.email).first()
