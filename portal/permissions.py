"""Who may do what in the site shell: named yes/no questions about a user.

Staff roles are auth groups (see ``portal.models.Role``); an inactive or anonymous user holds none.
NGO membership roles belong to the providers app and are not answered here.
"""

from portal.models import Role

STAFF_ROLES = tuple(Role)


def _has_role(user, role):
    return bool(user is not None and user.is_authenticated and user.has_role(role))


def is_procurement_officer(user):
    return _has_role(user, Role.PROCUREMENT_OFFICER)


def is_evaluator(user):
    return _has_role(user, Role.EVALUATOR)


def is_approver(user):
    return _has_role(user, Role.APPROVER)


def is_grant_officer(user):
    return _has_role(user, Role.GRANT_OFFICER)


def is_system_admin(user):
    """A system administrator holds the role; a superuser counts as one too."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.has_role(Role.SYSTEM_ADMIN)


def is_staff_member(user):
    """Anyone who works for the Ministry in the portal: holds at least one staff role."""
    return is_system_admin(user) or any(_has_role(user, role) for role in STAFF_ROLES)


def can_use_admin_site(user):
    return is_system_admin(user) and user.is_staff
