"""The officer's panel changes beyond naming a member: replacing a recused member, and
inviting an evaluator who has no account yet."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tenders.forms.evaluation import InviteEvaluatorForm, ReplaceMemberForm
from tenders.selectors import evaluation as selectors
from tenders.services.evaluation import panel_member_invite, panel_member_replace
from tenders.views.evaluation import manage_context
from tenders.views.evaluation_common import error_to_form
from workflows.errors import DomainError


def _officer_evaluation(request, tender_pk):
    tender = selectors.officer_tender(request.user, tender_pk)
    evaluation = selectors.evaluation_of(tender)
    if evaluation is None:
        raise Http404
    return tender, evaluation


def _again(request, tender, evaluation, **forms):
    context = manage_context(request.user, tender, evaluation, None, **forms)
    return render(request, "tenders/evaluation/manage.html", context)


@login_required
@require_POST
def panel_member_replace_view(request, tender_pk):
    tender, evaluation = _officer_evaluation(request, tender_pk)
    form = ReplaceMemberForm(request.POST, evaluation=evaluation)
    if form.is_valid():
        try:
            seat = panel_member_replace(
                actor=request.user,
                evaluation=evaluation,
                member=form.cleaned_data["member"],
                user=form.cleaned_data["user"],
            )
        except DomainError as error:
            error_to_form(form, error)
        else:
            messages.success(
                request,
                _("%(name)s replaces the recused member and is asked to declare.")
                % {"name": seat.user},
            )
            return redirect("tenders:evaluation_manage", tender_pk=tender.pk)
    return _again(request, tender, evaluation, replace_form=form)


@login_required
@require_POST
def panel_member_invite_view(request, tender_pk):
    tender, evaluation = _officer_evaluation(request, tender_pk)
    form = InviteEvaluatorForm(request.POST)
    if form.is_valid():
        try:
            seat = panel_member_invite(
                actor=request.user, evaluation=evaluation, **form.cleaned_data
            )
        except DomainError as error:
            error_to_form(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is on the panel; a link to choose a password is on its way.")
                % {"name": seat.user},
            )
            return redirect("tenders:evaluation_manage", tender_pk=tender.pk)
    return _again(request, tender, evaluation, invite_form=form)
