"""What the evaluation services share: reading the panel and bids, links and notice contexts.

Notice contexts carry references, names of people and times, never a bid's content or scores.
"""

from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tenders.models import Bid, BidBudgetLine, Evaluation, PanelMember, ScoreSheet
from tenders.services.tender import notice_context
from workflows.errors import DomainError


def locked(model, pk):
    """The row of ``model`` with ``pk``, locked until the transaction ends."""
    return model.objects.select_for_update(of=("self",)).get(pk=pk)


def required_text(value, *, code, message, field=None):
    """``value`` stripped; a DomainError naming ``field`` when it is empty."""
    text = (value or "").strip()
    if not text:
        raise DomainError(code, message, field=field)
    return text


def reason_required(value, field="reason"):
    return required_text(value, code="reason_required", message=_("Give the reason."), field=field)


def with_totals(bids):
    """``bids`` annotated with ``total_price``, the sum of their budget lines."""
    total = (
        BidBudgetLine.objects.filter(bid=OuterRef("pk"))
        .order_by()
        .values("bid")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    money = DecimalField(max_digits=14, decimal_places=2)
    return bids.annotate(
        total_price=Coalesce(Subquery(total, output_field=money), Value(0, output_field=money))
    )


def submitted_bids(tender):
    """The tender's submitted bids, in order of receipt, with organisations and total prices."""
    return with_totals(
        Bid.objects.filter(tender=tender, state=Bid.State.SUBMITTED)
        .select_related("provider")
        .order_by("submitted_at", "id")
    )


def eligible_bids(evaluation):
    """The bids the screening found eligible, in order of receipt."""
    return submitted_bids(evaluation.tender_id).filter(
        screening__evaluation=evaluation, screening__eligible=True
    )


def active_members(evaluation, role=None):
    members = PanelMember.objects.filter(
        evaluation=evaluation, recused_at__isnull=True
    ).select_related("user")
    return members.filter(role=role) if role else members


def sitting_chair(evaluation):
    return active_members(evaluation, PanelMember.Role.CHAIR).first()


def counted_sheets(evaluation):
    """The submitted sheets of members still on the panel: the ones results are made of."""
    return ScoreSheet.objects.filter(
        evaluation=evaluation,
        state=ScoreSheet.State.SUBMITTED,
        member__recused_at__isnull=True,
    )


def missing_sheets(evaluation):
    """Active evaluators whose sheet is not submitted (or who have none yet)."""
    return active_members(evaluation, PanelMember.Role.EVALUATOR).exclude(
        sheet__state=ScoreSheet.State.SUBMITTED
    )


def evaluation_context(evaluation):
    return {
        **notice_context(evaluation.tender),
        "evaluation_deadline": evaluation.deadline.isoformat(),
    }


def officer_url(evaluation):
    return reverse("tenders:evaluation_manage", args=[evaluation.tender_id])


def panel_url(evaluation):
    return reverse("tenders:evaluation_home", args=[evaluation.pk])


def sheet_url(evaluation):
    return reverse("tenders:evaluation_sheet", args=[evaluation.pk])


def report_url(evaluation):
    return reverse("tenders:evaluation_report", args=[evaluation.pk])


def is_open_for_panel(evaluation):
    return evaluation.state in (Evaluation.State.SCREENING, Evaluation.State.SCORING)
