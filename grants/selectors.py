"""Reads about grants, scoped to who is asking: what a user may not see is not found (404)."""

from django.contrib.auth import get_user_model
from django.db.models import Q, Sum
from django.http import Http404

from grants.models import (
    AgreementState,
    GrantAgreement,
    PilotReport,
    ReportState,
    Tranche,
    TrancheState,
)
from grants.models.report import EDITABLE_REPORT_STATES, REVIEW_STATES
from grants.permissions import is_grant_officer
from portal.models import Role
from providers.models import MemberRole

# Agreements whose scheduled tranches can still be earned.
WAITING_AGREEMENT_STATES = (AgreementState.SIGNED, AgreementState.ACTIVE, AgreementState.SUSPENDED)


def _member_filter(user, prefix=""):
    return Q(**{f"{prefix}grantee__memberships__user": user})


def agreements_visible_to(user):
    """Every agreement for a grant officer (except their own organisation's); the agreements of
    the user's organisation for its members; nothing for anybody else."""
    if user is None or not user.is_authenticated or not user.is_active:
        return GrantAgreement.objects.none()
    rows = GrantAgreement.objects.select_related("grantee", "service_type", "velayat", "bid")
    if is_grant_officer(user):
        return rows.exclude(grantee__memberships__user=user)
    return rows.filter(_member_filter(user))


def agreement_for(user, pk):
    """The agreement ``pk`` if ``user`` may see it, else Http404."""
    agreement = agreements_visible_to(user).filter(pk=pk).first()
    if agreement is None:
        raise Http404
    return agreement


def reports_visible_to(user):
    agreements = agreements_visible_to(user).values("pk")
    return PilotReport.objects.filter(agreement__in=agreements).select_related(
        "agreement", "agreement__grantee"
    )


def report_for(user, pk):
    report = reports_visible_to(user).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


def tranches_visible_to(user):
    agreements = agreements_visible_to(user).values("pk")
    return Tranche.objects.filter(agreement__in=agreements).select_related(
        "agreement", "agreement__grantee", "report"
    )


def tranche_for(user, pk):
    tranche = tranches_visible_to(user).filter(pk=pk).first()
    if tranche is None:
        raise Http404
    return tranche


def reports_for_review(user):
    """Reports waiting for a grant officer's decision, oldest submission first."""
    if not is_grant_officer(user):
        return PilotReport.objects.none()
    return reports_visible_to(user).filter(state__in=REVIEW_STATES).order_by("submitted_at", "pk")


def reports_due(user):
    """The reports the user's organisation has to fill in or revise, soonest due first."""
    if is_grant_officer(user):
        return PilotReport.objects.none()
    return (
        reports_visible_to(user).filter(state__in=EDITABLE_REPORT_STATES).order_by("due_date", "pk")
    )


def overdue_reports(user, today):
    """Open reports past their due date among the agreements the user sees, longest overdue
    first."""
    return (
        reports_visible_to(user)
        .filter(state=ReportState.OPEN, due_date__lt=today)
        .order_by("due_date", "pk")
    )


def tranches_to_handle(user):
    """Tranches waiting for a grant officer: eligible ones to approve, approved ones to pay."""
    if not is_grant_officer(user):
        return Tranche.objects.none()
    return (
        tranches_visible_to(user)
        .filter(state__in=[TrancheState.ELIGIBLE, TrancheState.APPROVED])
        .order_by("eligible_at", "pk")
    )


def tranches_waiting(user):
    """Scheduled tranches of agreements past signing or under way: what they still wait for
    is shown to the grant officer. Earliest agreement and position first."""
    if not is_grant_officer(user):
        return Tranche.objects.none()
    return (
        tranches_visible_to(user)
        .filter(state=TrancheState.SCHEDULED, agreement__state__in=WAITING_AGREEMENT_STATES)
        .order_by("agreement__signed_at", "agreement_id", "position", "pk")
    )


def paid_total(agreement):
    return agreement.tranches.filter(state=TrancheState.PAID).aggregate(total=Sum("amount"))[
        "total"
    ]


def grant_officers():
    """Active grant officers: who hears about every agreement."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.GRANT_OFFICER)
        .distinct()
        .order_by("pk")
    )


def grantee_admins(agreement):
    return _grantee_members(agreement, [MemberRole.ADMIN])


def report_writers(agreement):
    """The grantee's admins and editors: who fill in reports and hear about their deadlines."""
    return _grantee_members(agreement, [MemberRole.ADMIN, MemberRole.EDITOR])


def _grantee_members(agreement, roles):
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            provider_memberships__provider_id=agreement.grantee_id,
            provider_memberships__role__in=roles,
        )
        .order_by("pk")
    )
