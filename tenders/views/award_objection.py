"""A bidder's outcome page and objection, and the officer's resolution of objections.

A bidder sees its own bid's scores and rank and nothing about other bids.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from tenders import permissions_evaluation as rules
from tenders.forms.evaluation_award import ObjectionForm, ResolveObjectionForm
from tenders.models import AwardDecision, Objection
from tenders.selectors import evaluation as selectors
from tenders.services.award import objection_dismiss, objection_lodge, objection_uphold
from tenders.services.evaluation.results import evaluation_results
from tenders.views.evaluation_common import error_to_form
from workflows.errors import DomainError


@login_required
def bid_outcome(request, bid_pk):
    bid = selectors.own_bid(request.user, bid_pk)
    line = selectors.outcome_line(bid)
    decision = line.decision if line else None
    may_object = bool(
        decision
        and decision.state == AwardDecision.State.APPROVED
        and timezone.now() < decision.standstill_ends_at
        and rules.can_object(request.user, bid)
    )
    form = ObjectionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and may_object and form.is_valid():
        try:
            objection_lodge(
                actor=request.user,
                bid=bid,
                reasons=form.cleaned_data["reasons"],
                documents=form.documents(),
            )
        except DomainError as error:
            error_to_form(form, error)
        else:
            messages.success(request, _("Your objection is lodged; the officer is told."))
            return redirect("tenders:bid_outcome", bid_pk=bid.pk)
    context = {
        "bid": bid,
        "tender": bid.tender,
        "line": line,
        "decision": decision,
        "ranked": decision.lines.filter(eligible=True).count() if decision else 0,
        "means": _own_means(bid, line),
        "screening": getattr(bid, "screening", None),
        "objections": Objection.objects.filter(bid=bid).prefetch_related("documents"),
        "may_object": may_object,
        "form": form,
    }
    return render(request, "tenders/award/outcome.html", context)


def _own_means(bid, line):
    """The mean points of this bid on each criterion; nothing about any other bid."""
    if line is None or not line.eligible or line.decision.state == AwardDecision.State.SET_ASIDE:
        return []
    result = next(
        (r for r in evaluation_results(line.decision.evaluation) if r.bid_id == bid.pk), None
    )
    if result is None:
        return []
    return [(criterion, result.means.get(criterion.pk)) for criterion in bid.tender.criteria.all()]


@login_required
def objection_view(request, pk):
    objection = selectors.objection_for_officer(request.user, pk)
    proposed = selectors.decision_lines(objection.decision).filter(proposed=True)
    form = ResolveObjectionForm(
        request.POST or None, proposed_lines=proposed, initial={"seen_state": objection.state}
    )
    if request.method == "POST" and form.is_valid():
        try:
            _resolve(request.user, objection, form.cleaned_data)
        except DomainError as error:
            error_to_form(form, error)
        else:
            messages.success(request, _("The objection is resolved; the bidder is told."))
            return redirect("tenders:award_decision", pk=objection.decision_id)
    context = {"objection": objection, "decision": objection.decision, "form": form}
    return render(request, "tenders/award/objection.html", context)


def _resolve(user, objection, data):
    if data["outcome"] == ResolveObjectionForm.DISMISS:
        return objection_dismiss(
            actor=user, objection=objection, reason=data["reason"], seen_state=data["seen_state"]
        )
    return objection_uphold(
        actor=user,
        objection=objection,
        reason=data["reason"],
        remedy=data["remedy"],
        excluded_bid=_bid_of(objection, data.get("excluded_bid")),
        seen_state=data["seen_state"],
    )


def _bid_of(objection, bid_pk):
    line = objection.decision.lines.filter(bid_id=bid_pk).select_related("bid").first()
    return line.bid if line else None


@login_required
def objection_document(request, pk, document_pk):
    document = selectors.objection_document_for(request.user, pk, document_pk)
    return document.file_response()
