"""The ministry approver's home: award proposals waiting for a decision."""

from dataclasses import dataclass, field

from portal import permissions as portal_permissions
from portal.homes.common import Counted, Section, counted
from tenders.models import AwardDecision
from tenders.selectors.evaluation import decisions_for_approver


@dataclass(frozen=True)
class ApproverHome:
    waiting: Counted = field(default_factory=Counted)


def build(user, now):
    if not portal_permissions.is_approver(user):
        return None
    waiting = (
        decisions_for_approver(user)
        .filter(state=AwardDecision.State.PROPOSED)
        .select_related("proposed_by")
        .order_by("proposed_at", "pk")
    )
    return Section("approver", "portal/home_approver.html", ApproverHome(counted(waiting)))
