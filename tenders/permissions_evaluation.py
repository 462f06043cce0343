"""Who may do what in an evaluation and an award: named yes/no questions about a user.

The procurement officer who runs the tender forms the panel, screens, proposes the award and
resolves objections. Panel members (users holding the evaluator role, named by the officer)
read bids only after declaring that they have no conflict of interest; ``cleared_seat``
answers that. A ministry approver approves or sends back proposals. A bidder's admins and
editors object for it.
"""

from django.conf import settings

from portal import permissions as portal_permissions
from tenders.models import Evaluation, PanelMember
from tenders.permissions import can_manage_tender, speaks_for

REPORT_STATES = (Evaluation.State.COMPLETED, Evaluation.State.UNSUCCESSFUL)


def runs_tender(user, tender):
    return can_manage_tender(user, tender)


def may_sit_on_panel(user):
    """Only active users holding the evaluator role are named to a panel."""
    return portal_permissions.is_evaluator(user)


def seat_of(user, evaluation):
    """The user's active seat on the panel, or None (a recused member has none)."""
    if not may_sit_on_panel(user):
        return None
    return (
        PanelMember.objects.select_related("declaration")
        .filter(evaluation=evaluation, user=user, recused_at__isnull=True)
        .first()
    )


def cleared_seat(user, evaluation):
    """The user's active seat if they have declared no conflict of interest, else None."""
    seat = seat_of(user, evaluation)
    if seat is None or not hasattr(seat, "declaration") or seat.declaration.has_conflict:
        return None
    return seat


def is_cleared_chair(user, evaluation):
    seat = cleared_seat(user, evaluation)
    return seat is not None and seat.role == PanelMember.Role.CHAIR


def is_cleared_evaluator(user, evaluation):
    seat = cleared_seat(user, evaluation)
    return seat is not None and seat.role == PanelMember.Role.EVALUATOR


def can_form_panel(user, evaluation):
    return runs_tender(user, evaluation.tender)


def can_screen(user, evaluation):
    """The officer, or the chair once cleared, confirms or overrides eligibility lines."""
    return runs_tender(user, evaluation.tender) or is_cleared_chair(user, evaluation)


def can_read_panel_bids(user, evaluation):
    """Panel members read the bids once they have declared no conflict of interest."""
    return cleared_seat(user, evaluation) is not None


def can_read_report(user, evaluation):
    """Once the evaluation is completed (or ended without a successful bid), the officer, the
    cleared panel and approvers."""
    if evaluation.state not in REPORT_STATES:
        return False
    return (
        runs_tender(user, evaluation.tender)
        or cleared_seat(user, evaluation) is not None
        or portal_permissions.is_approver(user)
    )


def can_propose_award(user, evaluation):
    return runs_tender(user, evaluation.tender)


def can_decide_award(user, decision=None):
    return portal_permissions.is_approver(user)


def four_eyes_allow_award(user, decision):
    """Four eyes (``settings.FOUR_EYES``): the tender's author does not approve its award."""
    return not settings.FOUR_EYES or decision.tender.created_by_id != user.pk


def can_resolve_objection(user, decision):
    return runs_tender(user, decision.tender)


def can_object(user, bid):
    """The bidding organisation's admins and editors object on its behalf."""
    return speaks_for(user, bid.provider)
