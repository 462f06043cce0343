"""Agreement pages: the list (all agreements for grant officers, "my grants" for members of a
grantee), the detail page with signing and the officer's decisions, and the signed file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from grants import audit_labels, permissions, selectors
from grants.checks import signing_problems
from grants.forms.agreement import AgreementFileForm, AgreementFilterForm, DecisionForm, VersionForm
from grants.models import AgreementState
from grants.services import (
    agreement_activate,
    agreement_confirm_signature,
    agreement_resume,
    agreement_suspend,
    agreement_terminate,
    agreement_upload_document,
)
from grants.services.signing import GRANTEE, OFFICER
from grants.views.common import attempt
from portal.pagination import paginate
from workflows.audit import labelled_history
from workflows.errors import ConflictError

# action -> (service, name of its text argument or None, message after success)
DECISIONS = {
    "activate": (agreement_activate, None, _("The agreement is active.")),
    "suspend": (agreement_suspend, "reason", _("The agreement is suspended.")),
    "resume": (agreement_resume, "note", _("The agreement is active again.")),
    "terminate": (agreement_terminate, "reason", _("The agreement is terminated.")),
}
# The decisions offered in each state.
OFFERED = {
    AgreementState.SIGNED: ("activate", "terminate"),
    AgreementState.ACTIVE: ("suspend", "terminate"),
    AgreementState.SUSPENDED: ("resume", "terminate"),
}


@login_required
def agreement_list(request):
    form = AgreementFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.agreements_visible_to(request.user)
    if filters.get("state"):
        rows = rows.filter(state=filters["state"])
    if filters.get("q"):
        query = filters["q"]
        rows = rows.filter(
            Q(reference__icontains=query)
            | Q(grantee__name_tk__icontains=query)
            | Q(grantee__name_ru__icontains=query)
            | Q(grantee__name_en__icontains=query)
        )
    return render(
        request,
        "grants/agreement_list.html",
        {
            "form": form,
            "agreements": paginate(request, rows),
            "is_officer": permissions.is_grant_officer(request.user),
        },
    )


@login_required
def agreement_detail(request, pk):
    agreement = selectors.agreement_for(request.user, pk)
    return render(request, "grants/agreement_detail.html", _context(request, agreement))


@login_required
@require_POST
def agreement_decide(request, pk, action):
    agreement = selectors.agreement_for(request.user, pk)
    if action not in DECISIONS or not permissions.is_officer_for(request.user, agreement):
        raise Http404
    service, text_argument, success = DECISIONS[action]
    form = DecisionForm(request.POST, action=action)
    if form.is_valid():
        arguments = {text_argument: form.cleaned_data["text"]} if text_argument else {}
        done, _row = attempt(
            request,
            lambda: service(
                actor=request.user,
                agreement=agreement,
                seen_state=form.cleaned_data["seen_state"],
                **arguments,
            ),
            form,
        )
        if done:
            messages.success(request, success)
            return redirect("grants:agreement", pk=agreement.pk)
    context = _context(request, agreement)
    context["decisions"][action] = form
    return render(request, "grants/agreement_detail.html", context, status=400)


@login_required
@require_POST
def agreement_confirm(request, pk):
    agreement = selectors.agreement_for(request.user, pk)
    form = VersionForm(request.POST)
    if form.is_valid():
        done, row = attempt(
            request,
            lambda: agreement_confirm_signature(
                actor=request.user,
                agreement=agreement,
                seen_version=form.cleaned_data["seen_version"],
            ),
        )
        if done:
            messages.success(
                request,
                _("The agreement is signed.")
                if row.state == AgreementState.SIGNED
                else _("Your confirmation is recorded; the other side confirms next."),
            )
    else:
        messages.error(request, ConflictError().message)
    return redirect("grants:agreement", pk=agreement.pk)


@login_required
@require_POST
def agreement_upload(request, pk):
    agreement = selectors.agreement_for(request.user, pk)
    form = AgreementFileForm(request.POST, request.FILES)
    if form.is_valid():
        done, _row = attempt(
            request,
            lambda: agreement_upload_document(
                actor=request.user,
                agreement=agreement,
                uploaded_file=form.cleaned_data["file"],
                seen_version=form.cleaned_data["seen_version"],
            ),
            form,
            file_field="file",
        )
        if done:
            messages.success(request, _("The signed agreement file is uploaded."))
            return redirect("grants:agreement", pk=agreement.pk)
    context = _context(request, agreement)
    context["upload_form"] = form
    return render(request, "grants/agreement_detail.html", context, status=400)


@login_required
def agreement_file(request, pk, document_pk):
    agreement = selectors.agreement_for(request.user, pk)
    return get_object_or_404(agreement.documents, pk=document_pk).file_response()


def _context(request, agreement):
    user = request.user
    is_officer = permissions.is_officer_for(user, agreement)
    side = (
        OFFICER
        if is_officer
        else GRANTEE
        if permissions.is_grantee_admin(user, agreement)
        else None
    )
    confirmed = {
        OFFICER: agreement.officer_confirmed_at is not None,
        GRANTEE: agreement.grantee_confirmed_at is not None,
    }
    lines = agreement.budget_lines.all()
    return {
        "agreement": agreement,
        "is_officer": is_officer,
        "budget_lines": lines,
        "budget_total": lines.aggregate(total=Sum("amount"))["total"],
        "targets": agreement.targets.select_related("target_group", "etrap"),
        "tranches": agreement.tranches.select_related("report"),
        "reports": agreement.reports.all(),
        "documents": agreement.documents.select_related("uploaded_by"),
        "problems": signing_problems(agreement) if agreement.is_draft else [],
        "may_edit": is_officer and agreement.is_draft,
        "may_upload": agreement.is_draft and side is not None,
        "may_confirm": agreement.is_draft and side is not None and not confirmed[side],
        "confirmed": confirmed,
        "confirm_form": VersionForm(initial={"seen_version": agreement.version}),
        "upload_form": AgreementFileForm(initial={"seen_version": agreement.version}),
        "decisions": {
            action: DecisionForm(initial={"seen_state": agreement.state}, action=action)
            for action in (OFFERED.get(agreement.state, ()) if is_officer else ())
        },
        "history": labelled_history(agreement, audit_labels.ACTIONS),
        "paid_total": selectors.paid_total(agreement),
    }
