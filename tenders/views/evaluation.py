"""The officer's evaluation pages: open the evaluation, name the panel, screen, start, end.

Every page fetches through ``tenders.selectors.evaluation``: a tender the officer does not run
is a 404; an action the user may not take is refused with a message or a 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tenders import permissions_evaluation as rules
from tenders.forms.evaluation import (
    EvaluationForm,
    InviteEvaluatorForm,
    PanelMemberForm,
    ReplaceMemberForm,
    ScreeningForm,
    SeenEvaluationForm,
    StartScoringForm,
)
from tenders.selectors import evaluation as selectors
from tenders.services.evaluation import (
    evaluation_create,
    evaluation_end_unsuccessful,
    evaluation_start_scoring,
    panel_member_add,
    screening_decide,
)
from tenders.services.evaluation.lifecycle import (
    END_REASONS,
    completion_blockers,
    scoring_blockers,
    unsuccessful_reason,
)
from tenders.services.evaluation.panel import awaiting_replacement
from tenders.views.evaluation_common import error_to_form, error_to_messages
from workflows.errors import DomainError


@login_required
def evaluation_manage(request, tender_pk):
    tender = selectors.officer_tender(request.user, tender_pk)
    evaluation = selectors.evaluation_of(tender)
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and evaluation is None and form.is_valid():
        try:
            evaluation_create(
                actor=request.user,
                tender=tender,
                deadline=form.cleaned_data["deadline"],
                **form.settings(),
            )
        except DomainError as error:
            error_to_form(form, error)
        else:
            messages.success(request, _("The evaluation is open. Name the panel."))
            return redirect("tenders:evaluation_manage", tender_pk=tender.pk)
    context = manage_context(request.user, tender, evaluation, form)
    return render(request, "tenders/evaluation/manage.html", context)


def manage_context(user, tender, evaluation, form, **forms):
    """The officer's evaluation page; ``forms`` replace its empty panel forms (shown again
    with what the officer typed and the errors)."""
    context = {"tender": tender, "evaluation": evaluation, "form": form}
    if evaluation is None:
        return context
    reason = unsuccessful_reason(evaluation)
    return {
        **context,
        "members": evaluation.members.select_related("user", "declaration", "sheet"),
        "member_form": PanelMemberForm(evaluation=evaluation),
        "replace_form": ReplaceMemberForm(evaluation=evaluation)
        if awaiting_replacement(evaluation).exists()
        else None,
        "invite_form": InviteEvaluatorForm(),
        **forms,
        "screenings": selectors.screenings_of(evaluation),
        "start_form": StartScoringForm(initial={"seen_state": evaluation.state}),
        "scoring_blockers": scoring_blockers(evaluation),
        "completion_blockers": completion_blockers(evaluation),
        "end_reason": END_REASONS.get(reason) if reason else None,
        "live_decision": selectors.live_decision(tender),
        "decisions": evaluation.award_decisions.all(),
        "may_read_report": rules.can_read_report(user, evaluation),
    }


@login_required
@require_POST
def panel_member_add_view(request, tender_pk):
    tender = selectors.officer_tender(request.user, tender_pk)
    evaluation = selectors.evaluation_of(tender)
    if evaluation is None:
        raise Http404
    form = PanelMemberForm(request.POST, evaluation=evaluation)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("tenders:evaluation_manage", tender_pk=tender.pk)
    try:
        member = panel_member_add(
            actor=request.user,
            evaluation=evaluation,
            user=form.cleaned_data["user"],
            role=form.cleaned_data["role"],
        )
    except DomainError as error:
        error_to_messages(request, error)
    else:
        messages.success(
            request, _("%(name)s is on the panel and asked to declare.") % {"name": member.user}
        )
    return redirect("tenders:evaluation_manage", tender_pk=tender.pk)


@login_required
@require_POST
def evaluation_start_view(request, pk):
    evaluation = selectors.staff_evaluation(request.user, pk)
    if not rules.can_form_panel(request.user, evaluation):
        raise PermissionDenied
    form = StartScoringForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError("stale", _("The form was incomplete; reload the page and try again."))
        evaluation_start_scoring(
            actor=request.user,
            evaluation=evaluation,
            deadline=form.cleaned_data["deadline"],
            seen_state=form.cleaned_data["seen_state"],
        )
    except DomainError as error:
        error_to_messages(request, error)
    else:
        messages.success(request, _("Scoring has started; the panel is told."))
    return redirect("tenders:evaluation_manage", tender_pk=evaluation.tender_id)


@login_required
@require_POST
def evaluation_end_view(request, pk):
    evaluation = selectors.staff_evaluation(request.user, pk)
    if not rules.can_form_panel(request.user, evaluation):
        raise PermissionDenied
    form = SeenEvaluationForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError("stale", _("The form was incomplete; reload the page and try again."))
        evaluation_end_unsuccessful(
            actor=request.user, evaluation=evaluation, seen_state=form.cleaned_data["seen_state"]
        )
    except DomainError as error:
        error_to_messages(request, error)
    else:
        messages.success(request, _("The tender ended without award; everyone concerned is told."))
    return redirect("tenders:evaluation_manage", tender_pk=evaluation.tender_id)


@login_required
def screening_view(request, pk, bid_pk):
    evaluation = selectors.staff_evaluation(request.user, pk)
    screening = selectors.screening_for(request.user, evaluation, bid_pk)
    form = ScreeningForm(request.POST or None, lines=screening.lines.all())
    if request.method == "POST" and form.is_valid():
        try:
            screening_decide(actor=request.user, screening=screening, decisions=form.decisions())
        except DomainError as error:
            error_to_form(form, error)
        else:
            messages.success(request, _("The screening is recorded."))
            return redirect(_back(request.user, evaluation))
    context = {"evaluation": evaluation, "screening": screening, "form": form}
    return render(request, "tenders/evaluation/screening.html", context)


def _back(user, evaluation):
    if rules.runs_tender(user, evaluation.tender):
        return reverse("tenders:evaluation_manage", args=[evaluation.tender_id])
    return reverse("tenders:evaluation_home", args=[evaluation.pk])
