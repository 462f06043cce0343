"""The panel's pages: a member's evaluations, the declaration, the bids, the score sheet and
the panel's submitted scores.

No bid is shown before a no-conflict declaration, and no other evaluator's score before the
reader's own sheet is submitted: ``tenders.selectors.evaluation`` applies both rules.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.pagination import paginate
from tenders import permissions_evaluation as rules
from tenders.forms.evaluation import DeclarationForm, SheetForm, SubmitSheetForm
from tenders.models import Evaluation, PanelMember, ScoreSheet
from tenders.reports.data import score_blocks
from tenders.selectors import evaluation as selectors
from tenders.services.evaluation import declaration_make, sheet_save, sheet_submit
from tenders.services.evaluation.common import submitted_bids
from tenders.services.evaluation.lifecycle import completion_blockers
from tenders.services.evaluation.results import evaluation_results, unmoderated
from tenders.services.evaluation.scoring import incomplete_entries
from tenders.services.fingerprints import sheet_fingerprint
from tenders.views.evaluation_common import error_to_form, error_to_messages
from workflows.errors import DomainError

# Bids on a page of the score sheet.
SHEET_BIDS = 10


@login_required
def my_evaluations(request):
    seats = selectors.my_seats(request.user)
    return render(request, "tenders/evaluation/my_evaluations.html", {"seats": seats})


@login_required
def evaluation_home(request, pk):
    evaluation = selectors.member_evaluation(request.user, pk)
    seat = selectors.seat_in(request.user, evaluation)
    cleared = rules.cleared_seat(request.user, evaluation)
    context = {
        "evaluation": evaluation,
        "tender": evaluation.tender,
        "seat": seat,
        "cleared": cleared is not None,
        "bids": selectors.panel_bids(request.user, evaluation),
        "sheet": ScoreSheet.objects.filter(member=seat).first() if cleared else None,
        "may_see_scores": selectors.may_see_panel_scores(request.user, evaluation),
        "may_read_report": rules.can_read_report(request.user, evaluation),
    }
    if cleared is not None and cleared.role == PanelMember.Role.CHAIR:
        context.update(_chair_context(evaluation))
    return render(request, "tenders/evaluation/home.html", context)


def _chair_context(evaluation):
    return {
        "is_chair": True,
        "screenings": selectors.screenings_of(evaluation),
        "panel_sheets": evaluation.members.filter(
            role=PanelMember.Role.EVALUATOR, recused_at__isnull=True
        ).select_related("user", "sheet", "declaration"),
        "completion_blockers": completion_blockers(evaluation)
        if evaluation.state == Evaluation.State.SCORING
        else [],
        "seen_state": evaluation.state,
    }


@login_required
def declaration_view(request, pk):
    evaluation = selectors.member_evaluation(request.user, pk)
    seat = selectors.seat_in(request.user, evaluation)
    bidders = [(bid.provider_id, bid.provider.name) for bid in submitted_bids(evaluation.tender)]
    form = DeclarationForm(request.POST or None, bidders=bidders)
    if request.method == "POST" and form.is_valid():
        try:
            declaration_make(
                actor=request.user,
                evaluation=evaluation,
                has_conflict=form.has_conflict,
                details=form.cleaned_data["details"],
                conflicted_providers=form.conflicted_providers(),
            )
        except DomainError as error:
            error_to_form(form, error)
        else:
            messages.success(request, _("Your declaration is recorded."))
            return redirect("tenders:evaluation_home", pk=evaluation.pk)
    context = {"evaluation": evaluation, "seat": seat, "bidders": bidders, "form": form}
    return render(request, "tenders/evaluation/declaration.html", context)


@login_required
def panel_bid_view(request, pk, bid_pk):
    evaluation = selectors.member_evaluation(request.user, pk)
    bid = selectors.panel_bid(request.user, evaluation, bid_pk)
    context = {"evaluation": evaluation, "bid": bid, "tender": evaluation.tender}
    return render(request, "tenders/evaluation/bid.html", context)


@login_required
def panel_bid_document(request, pk, bid_pk, document_pk):
    evaluation = selectors.member_evaluation(request.user, pk)
    document = selectors.panel_bid_document(request.user, evaluation, bid_pk, document_pk)
    return document.file_response()


@login_required
def sheet_view(request, pk):
    evaluation = selectors.member_evaluation(request.user, pk)
    sheet = selectors.own_sheet(request.user, evaluation)
    editable = (
        sheet.state == ScoreSheet.State.DRAFT and evaluation.state == Evaluation.State.SCORING
    )
    # A page of bids at a time; saving the draft saves the scores of the bids on the page.
    page = paginate(request, selectors.panel_bids(request.user, evaluation), per_page=SHEET_BIDS)
    form = SheetForm(
        request.POST if editable and request.method == "POST" else None,
        bids=page.object_list,
        criteria=evaluation.tender.criteria.all(),
        scores=sheet.scores.filter(bid__in=[bid.pk for bid in page.object_list]),
    )
    if request.method == "POST" and editable and form.is_valid():
        try:
            sheet_save(actor=request.user, sheet=sheet, entries=form.entries())
        except DomainError as error:
            error_to_form(form, error)
        else:
            messages.success(request, _("Your scores are saved as a draft."))
            return redirect(f"{request.path}?page={page.number}")
    context = {
        "evaluation": evaluation,
        "sheet": sheet,
        "form": form,
        "page": page,
        "editable": editable,
        "missing": len(incomplete_entries(sheet)),
        "submit_form": SubmitSheetForm(
            initial={"seen_state": sheet.state, "seen": sheet_fingerprint(sheet)}
        ),
    }
    return render(request, "tenders/evaluation/sheet.html", context)


@login_required
@require_POST
def sheet_submit_view(request, pk):
    evaluation = selectors.member_evaluation(request.user, pk)
    sheet = selectors.own_sheet(request.user, evaluation)
    form = SubmitSheetForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError("stale", _("The form was incomplete; reload the page and try again."))
        sheet_submit(actor=request.user, sheet=sheet, **form.cleaned_data)
    except DomainError as error:
        error_to_messages(request, error)
    else:
        messages.success(request, _("Your score sheet is submitted and locked."))
    return redirect("tenders:evaluation_sheet", pk=evaluation.pk)


@login_required
def panel_scores(request, pk):
    evaluation = selectors.staff_evaluation(request.user, pk)
    visible = selectors.may_see_panel_scores(request.user, evaluation)
    sheets = list(selectors.visible_sheets(request.user, evaluation))
    results = evaluation_results(evaluation) if visible else None
    context = {
        "evaluation": evaluation,
        "visible": visible,
        "sheets": sheets,
        "blocks": score_blocks(
            evaluation, sheets, selectors.visible_scores(request.user, evaluation), results
        )
        if visible
        else [],
        "is_chair": rules.is_cleared_chair(request.user, evaluation),
        "unmoderated": unmoderated(evaluation, results) if visible else [],
    }
    return render(request, "tenders/evaluation/scores.html", context)
