"""The grant officer's home: the monitoring figures at a glance, reports to review and tranches
to approve or pay."""

from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.utils import timezone

from grants.dashboard import figures as dashboard
from grants.models import LIVE_STATES, AgreementState, ReportState, TrancheState
from grants.selectors import (
    agreements_visible_to,
    reports_for_review,
    reports_visible_to,
    tranches_to_handle,
    tranches_visible_to,
)
from portal import permissions as portal_permissions
from portal.homes.common import LIST_LENGTH, Counted, Section, counted


@dataclass(frozen=True)
class GrantOfficerHome:
    summary: dict = field(default_factory=dict)
    reports: Counted = field(default_factory=Counted)
    tranches: list = field(default_factory=list)
    tranche_counts: dict = field(default_factory=dict)

    @property
    def to_approve(self):
        return [row for row in self.tranches if row.state == TrancheState.ELIGIBLE]

    @property
    def to_pay(self):
        return [row for row in self.tranches if row.state == TrancheState.APPROVED]


def build(user, now):
    if not portal_permissions.is_grant_officer(user):
        return None
    tranches = tranches_to_handle(user)
    return Section(
        "grant_officer",
        "portal/home_grant_officer.html",
        GrantOfficerHome(
            summary=summary(user, timezone.localdate(now)),
            reports=counted(reports_for_review(user)),
            tranches=list(tranches.order_by("state", "eligible_at", "pk")[: 2 * LIST_LENGTH]),
            tranche_counts=tranches.aggregate(
                to_approve=Count("pk", filter=Q(state=TrancheState.ELIGIBLE)),
                to_pay=Count("pk", filter=Q(state=TrancheState.APPROVED)),
            ),
        ),
    )


def summary(user, today):
    """The headline figures of the monitoring dashboard, for the agreements ``user`` sees."""
    figures = agreements_visible_to(user).aggregate(
        live=Count("pk", filter=Q(state__in=LIVE_STATES)),
        drafts=Count("pk", filter=Q(state=AgreementState.DRAFT)),
        committed=Sum("amount", filter=Q(state__in=[*LIVE_STATES, AgreementState.SIGNED])),
    )
    figures.update(
        tranches_visible_to(user).aggregate(paid=Sum("amount", filter=Q(state=TrancheState.PAID)))
    )
    figures["overdue_reports"] = (
        reports_visible_to(user).filter(state=ReportState.OPEN, due_date__lt=today).count()
    )
    monitored = dashboard.totals(dashboard.dashboard_agreements(user), today)
    figures.update(reached=monitored["reached"], burn_rate=monitored["burn_rate"])
    return figures
