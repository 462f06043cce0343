"""Who may do what with grants. Each function answers yes or no for one user.

Grant officers manage every agreement for the ministry, but never one whose grantee they
belong to. On the grantee's side, admins sign and submit (statements made for the
organisation); editors fill in reports; every member may read.
"""

from portal import permissions as portal_permissions
from providers import permissions as provider_permissions


def is_grant_officer(user):
    return portal_permissions.is_grant_officer(user)


def is_officer_for(user, agreement):
    """A grant officer who is not a member of the grantee."""
    return is_grant_officer(user) and not provider_permissions.is_member(user, agreement.grantee)


def is_grantee_member(user, agreement):
    return provider_permissions.is_member(user, agreement.grantee)


def is_grantee_admin(user, agreement):
    return provider_permissions.is_org_admin(user, agreement.grantee)


def can_view_agreement(user, agreement):
    return is_officer_for(user, agreement) or is_grantee_member(user, agreement)


def can_confirm_signature(user, agreement):
    return is_officer_for(user, agreement) or is_grantee_admin(user, agreement)


def can_upload_agreement_file(user, agreement):
    return can_confirm_signature(user, agreement)


def can_edit_report(user, report):
    """Admins and editors of the grantee fill in the report."""
    return provider_permissions.can_edit(user, report.agreement.grantee)


def can_submit_report(user, report):
    return is_grantee_admin(user, report.agreement)


def can_review_report(user, report):
    return is_officer_for(user, report.agreement)


def can_manage_tranche(user, tranche):
    return is_officer_for(user, tranche.agreement)
