"""The chair's pages: return a sheet for revision, moderate divergent scores, complete."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tenders import permissions_evaluation as rules
from tenders.forms.evaluation import ModerationForm, ReturnSheetForm, SeenEvaluationForm
from tenders.models import ModerationNote
from tenders.reports.data import score_blocks
from tenders.selectors import evaluation as selectors
from tenders.services.evaluation import evaluation_complete, moderation_note_save, sheet_return
from tenders.views.evaluation_common import error_to_form, error_to_messages
from workflows.errors import DomainError


@login_required
def sheet_return_view(request, pk, sheet_pk):
    evaluation = selectors.member_evaluation(request.user, pk)
    sheet = selectors.sheet_for_chair(request.user, evaluation, sheet_pk)
    form = ReturnSheetForm(request.POST or None, initial={"seen_state": sheet.state})
    if request.method == "POST" and form.is_valid():
        try:
            sheet_return(
                actor=request.user,
                sheet=sheet,
                reason=form.cleaned_data["reason"],
                seen_state=form.cleaned_data["seen_state"],
            )
        except DomainError as error:
            error_to_form(form, error)
        else:
            messages.success(request, _("The sheet is returned to its evaluator."))
            return redirect("tenders:evaluation_scores", pk=evaluation.pk)
    context = {"evaluation": evaluation, "sheet": sheet, "form": form}
    return render(request, "tenders/evaluation/return_sheet.html", context)


@login_required
def moderation_view(request, pk, bid_pk, criterion_pk):
    evaluation = selectors.member_evaluation(request.user, pk)
    if not rules.is_cleared_chair(request.user, evaluation):
        raise Http404
    block, row = _flagged_row(request.user, evaluation, bid_pk, criterion_pk)
    existing = ModerationNote.objects.filter(
        evaluation=evaluation, bid_id=bid_pk, criterion_id=criterion_pk
    ).first()
    form = ModerationForm(request.POST or None, initial={"note": existing.note if existing else ""})
    if request.method == "POST" and form.is_valid():
        try:
            moderation_note_save(
                actor=request.user,
                evaluation=evaluation,
                bid_id=block.bid.pk,
                criterion_id=row.criterion.pk,
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            error_to_form(form, error)
        else:
            messages.success(request, _("The moderation note is recorded."))
            return redirect("tenders:evaluation_scores", pk=evaluation.pk)
    context = {"evaluation": evaluation, "block": block, "row": row, "form": form}
    return render(request, "tenders/evaluation/moderation.html", context)


def _flagged_row(user, evaluation, bid_pk, criterion_pk):
    sheets = list(selectors.visible_sheets(user, evaluation))
    scores = selectors.visible_scores(user, evaluation).filter(bid_id=bid_pk)
    for block in score_blocks(evaluation, sheets, scores):
        if block.bid.pk != bid_pk:
            continue
        for row in block.rows:
            if row.criterion.pk == criterion_pk and row.divergent:
                return block, row
    raise Http404


@login_required
@require_POST
def evaluation_complete_view(request, pk):
    evaluation = selectors.member_evaluation(request.user, pk)
    if not rules.is_cleared_chair(request.user, evaluation):
        raise PermissionDenied
    form = SeenEvaluationForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError("stale", _("The form was incomplete; reload the page and try again."))
        evaluation_complete(
            actor=request.user, evaluation=evaluation, seen_state=form.cleaned_data["seen_state"]
        )
    except DomainError as error:
        error_to_messages(request, error)
        return redirect("tenders:evaluation_home", pk=evaluation.pk)
    messages.success(request, _("The evaluation is completed; the report is ready."))
    return redirect("tenders:evaluation_report", pk=evaluation.pk)
