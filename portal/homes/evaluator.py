"""The evaluator's home: the panels they sit on, what each asks of them next, and deadlines."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from portal import permissions as portal_permissions
from portal.homes.common import LIST_LENGTH, Section
from tenders.models import Evaluation, PanelMember, ScoreSheet

ACTIVE_STATES = (Evaluation.State.SCREENING, Evaluation.State.SCORING)


@dataclass(frozen=True)
class Assignment:
    seat: object
    next_step: str
    url_name: str
    sheet_to_complete: bool = False
    returned_reason: str = ""

    @property
    def evaluation(self):
        return self.seat.evaluation


@dataclass(frozen=True)
class EvaluatorHome:
    assignments: list = field(default_factory=list)
    now: object = None

    @property
    def sheets_to_complete(self):
        return [row for row in self.assignments if row.sheet_to_complete]


def build(user, now):
    if not portal_permissions.is_evaluator(user):
        return None
    seats = (
        PanelMember.objects.filter(
            user=user, recused_at__isnull=True, evaluation__state__in=ACTIVE_STATES
        )
        .select_related("evaluation__tender", "declaration", "sheet")
        .order_by("evaluation__deadline", "pk")[:LIST_LENGTH]
    )
    return Section(
        "evaluator",
        "portal/home_evaluator.html",
        EvaluatorHome(assignments=[assignment(seat) for seat in seats], now=now),
    )


def assignment(seat):
    """What the panel member ``seat`` has to do next, and on which page."""
    evaluation = seat.evaluation
    if getattr(seat, "declaration", None) is None:
        return Assignment(
            seat,
            _("Declare whether you have a conflict of interest."),
            "tenders:evaluation_declare",
        )
    if seat.role == PanelMember.Role.CHAIR:
        step = (
            _("Screen the bids for eligibility with the officer.")
            if evaluation.state == Evaluation.State.SCREENING
            else _("Follow the panel's sheets, moderate divergent scores and complete.")
        )
        return Assignment(seat, step, "tenders:evaluation_home")
    if evaluation.state == Evaluation.State.SCREENING:
        return Assignment(seat, _("Scoring has not started yet."), "tenders:evaluation_home")
    sheet = getattr(seat, "sheet", None)
    if sheet is not None and sheet.state == ScoreSheet.State.SUBMITTED:
        return Assignment(seat, _("Your sheet is submitted."), "tenders:evaluation_home")
    return Assignment(
        seat,
        _("Score every eligible bid and submit your sheet."),
        "tenders:evaluation_sheet",
        sheet_to_complete=True,
        returned_reason=sheet.returned_reason if sheet is not None else "",
    )
