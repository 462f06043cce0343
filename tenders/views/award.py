"""Award pages: the officer's proposal, the approver's decision, and the public award notice."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import permissions as portal_permissions
from portal.pagination import paginate
from tenders import permissions_evaluation as rules
from tenders.forms.evaluation_award import ApproveForm, SendBackForm
from tenders.models import AwardDecision
from tenders.selectors import evaluation as selectors
from tenders.services.award import award_approve, award_propose, award_send_back
from tenders.services.award.decision import FOUR_EYES_MESSAGE
from tenders.services.award.shortfall import award_shortfall
from tenders.services.fingerprints import decision_fingerprint
from tenders.views.evaluation_common import error_to_form, error_to_messages
from workflows.errors import DomainError


@login_required
@require_POST
def award_propose_view(request, pk):
    evaluation = selectors.staff_evaluation(request.user, pk)
    if not rules.can_propose_award(request.user, evaluation):
        raise PermissionDenied
    try:
        decision = award_propose(actor=request.user, evaluation=evaluation)
    except DomainError as error:
        error_to_messages(request, error)
        return redirect("tenders:evaluation_manage", tender_pk=evaluation.tender_id)
    messages.success(request, _("The award is proposed; the approvers are told."))
    return redirect("tenders:award_decision", pk=decision.pk)


@login_required
def award_list(request):
    if not portal_permissions.is_approver(request.user):
        raise PermissionDenied
    decisions = paginate(request, selectors.decisions_for_approver(request.user))
    return render(request, "tenders/award/list.html", {"decisions": decisions})


@login_required
def award_decision(request, pk):
    decision = selectors.decision_for(request.user, pk)
    context = {
        "decision": decision,
        "tender": decision.tender,
        "lines": selectors.decision_lines(decision),
        "objections": decision.objections.select_related("bid__provider"),
        "may_decide": rules.can_decide_award(request.user, decision)
        and decision.state == AwardDecision.State.PROPOSED,
        "four_eyes_refusal": None
        if rules.four_eyes_allow_award(request.user, decision)
        else FOUR_EYES_MESSAGE,
        "shortfall": award_shortfall(decision),
        "may_read_report": rules.can_read_report(request.user, decision.evaluation),
        "seen_form": ApproveForm(
            initial={"seen_state": decision.state, "seen": decision_fingerprint(decision)}
        ),
        "send_back_form": SendBackForm(initial={"seen_state": decision.state}),
    }
    return render(request, "tenders/award/decision.html", context)


@login_required
@require_POST
def award_approve_view(request, pk):
    decision = selectors.decision_for(request.user, pk)
    if not rules.can_decide_award(request.user, decision):
        raise PermissionDenied
    form = ApproveForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError("stale", _("The form was incomplete; reload the page and try again."))
        award_approve(actor=request.user, decision=decision, **form.cleaned_data)
    except DomainError as error:
        error_to_messages(request, error)
    else:
        messages.success(request, _("The award is approved; the standstill period has started."))
    return redirect("tenders:award_decision", pk=decision.pk)


@login_required
def award_send_back_view(request, pk):
    decision = selectors.decision_for(request.user, pk)
    if not rules.can_decide_award(request.user, decision):
        raise PermissionDenied
    form = SendBackForm(request.POST or None, initial={"seen_state": decision.state})
    if request.method == "POST" and form.is_valid():
        try:
            award_send_back(
                actor=request.user,
                decision=decision,
                reason=form.cleaned_data["reason"],
                seen_state=form.cleaned_data["seen_state"],
            )
        except DomainError as error:
            error_to_form(form, error)
        else:
            messages.success(request, _("The proposal is sent back to the officer."))
            return redirect("tenders:award_decision", pk=decision.pk)
    context = {"decision": decision, "tender": decision.tender, "form": form}
    return render(request, "tenders/award/send_back.html", context)


def award_notice(request, tender_pk):
    decision, winners = selectors.public_award(tender_pk)
    context = {"decision": decision, "tender": decision.tender, "winners": winners}
    return render(request, "tenders/award/notice.html", context)
