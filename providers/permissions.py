"""Who may do what with an organisation. Each function answers yes or no for one user.

Verification decisions (verify, return, reject, suspend, reinstate) belong to procurement
officers, who keep the provider registry for the ministry; system administrators may take them
too, so that the registry keeps working while no officer is available.
"""

from portal import permissions as portal_permissions
from providers.models import MemberRole, Membership


def _role_in(user, provider, roles):
    if user is None or not user.is_authenticated or not user.is_active or provider is None:
        return False
    return Membership.objects.filter(provider=provider, user=user, role__in=roles).exists()


def is_member(user, provider):
    return _role_in(user, provider, MemberRole.values)


def is_org_admin(user, provider):
    return _role_in(user, provider, [MemberRole.ADMIN])


def can_edit(user, provider):
    """Admins and editors maintain the organisation's details, documents and staff."""
    return _role_in(user, provider, [MemberRole.ADMIN, MemberRole.EDITOR])


def is_verification_officer(user):
    return portal_permissions.is_procurement_officer(user) or portal_permissions.is_system_admin(
        user
    )


def can_decide(user, provider):
    """Officers decide on verification, but never for an organisation they belong to."""
    return is_verification_officer(user) and not is_member(user, provider)


def can_register(user):
    """Ministry staff may not found an organisation that competes for the ministry's money."""
    return (
        user is not None
        and user.is_authenticated
        and user.is_active
        and not portal_permissions.is_staff_member(user)
    )


def can_view(user, provider):
    return is_member(user, provider) or is_verification_officer(user)
