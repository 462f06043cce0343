"""The procurement officer's pages: my tenders, writing a draft, publishing, amending and
cancelling."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.pagination import paginate
from tenders import permissions
from tenders.forms.tender import (
    ADD_CRITERION,
    AmendmentForm,
    CancelForm,
    CriterionFormSet,
    TenderForm,
    TermsDocumentFormSet,
    criteria_values,
    default_deadlines,
    document_values,
    etraps_of,
    shown_as_typed,
    with_criterion_row,
)
from tenders.models import Tender
from tenders.selectors.bid import is_opened
from tenders.selectors.tender import officer_tender, tenders_for_officer
from tenders.services.amendment import tender_amend
from tenders.services.fingerprints import tender_fingerprint
from tenders.services.tender import tender_cancel, tender_create, tender_publish, tender_update
from tenders.services.tender_checks import TenderProblems, publication_problems
from workflows.errors import DomainError


def _officer_only(user):
    if not permissions.can_create_tender(user):
        raise PermissionDenied


def _report(form, error):
    """Put a refusal where the officer sees it: next to its field, or above the form."""
    problems = error.problems if isinstance(error, TenderProblems) else [error]
    for problem in problems:
        field = problem.field if problem.field in form.fields else None
        form.add_error(field, problem.message)


@login_required
def my_tenders(request):
    _officer_only(request.user)
    state = request.GET.get("state") or ""
    if state not in Tender.State.values:
        state = ""
    context = {
        "tenders": paginate(request, tenders_for_officer(request.user, state=state or None)),
        "states": Tender.State.choices,
        "state": state,
    }
    return render(request, "tenders/officer/tender_list.html", context)


@login_required
def tender_manage(request, pk):
    tender = officer_tender(request.user, pk)
    context = {
        "tender": tender,
        "problems": publication_problems(tender) if tender.state == Tender.State.DRAFT else [],
        "unanswered": [c for c in tender.clarifications.all() if c.answered_at is None],
        "criteria_weight": sum(criterion.weight for criterion in tender.criteria.all()),
        "seen": tender_fingerprint(tender) if tender.state == Tender.State.DRAFT else "",
        "opened": is_opened(tender),
    }
    return render(request, "tenders/officer/tender_manage.html", context)


@login_required
def tender_create_view(request):
    _officer_only(request.user)
    return _edit(request, Tender(), creating=True)


@login_required
def tender_edit(request, pk):
    tender = officer_tender(request.user, pk)
    if tender.state != Tender.State.DRAFT:
        messages.info(request, _("A published tender is changed through an amendment."))
        return redirect("tenders:amend", pk=tender.pk)
    return _edit(request, tender, creating=False)


def _edit(request, tender, *, creating):
    data = request.POST if request.method == "POST" else None
    files = request.FILES if data is not None else None
    adding = data is not None and ADD_CRITERION in data
    if adding:
        data = with_criterion_row(data)
    initial = default_deadlines() if creating else None
    form = TenderForm(data, files, instance=tender, initial=initial)
    criteria = CriterionFormSet(data, instance=tender, prefix="criteria")
    documents = TermsDocumentFormSet(data, files, prefix="documents")
    key = _creation_key(request)
    if adding:
        shown_as_typed(form, criteria, documents)
    elif data is not None and form.is_valid() and criteria.is_valid() and documents.is_valid():
        arguments = {
            "actor": request.user,
            "values": form.values(),
            "criteria": criteria_values(criteria),
            "documents": document_values(documents),
        }
        try:
            if creating:
                tender = tender_create(key=key, **arguments)
            else:
                removed = form.cleaned_data.get("removed_documents") or []
                tender = tender_update(
                    tender=tender, removed_documents=[d.pk for d in removed], **arguments
                )
        except DomainError as error:
            _report(form, error)
        else:
            messages.success(request, _("The draft was saved."))
            return redirect("tenders:manage_detail", pk=tender.pk)
    context = {
        "tender": tender,
        "form": form,
        "criteria": criteria,
        "documents": documents,
        "creating": creating,
        "creation_key": key,
        "add_criterion": ADD_CRITERION,
    }
    return render(request, "tenders/officer/tender_form.html", context)


def _creation_key(request):
    """The key the create form was sent with, or a new one for a form being shown."""
    try:
        return uuid.UUID(request.POST.get("creation_key", ""))
    except ValueError:
        return uuid.uuid4()


@login_required
@require_GET
def etrap_options(request):
    """The etrap checkboxes for the chosen velayat (an htmx partial of the tender form)."""
    _officer_only(request.user)
    form = TenderForm(initial={"velayat": request.GET.get("velayat")})
    form.fields["etraps"].queryset = etraps_of(request.GET.get("velayat"))
    return render(request, "tenders/officer/_etrap_options.html", {"field": form["etraps"]})


@login_required
@require_POST
def tender_publish_view(request, pk):
    tender = officer_tender(request.user, pk)
    seen_state = request.POST.get("seen_state") or tender.state
    try:
        tender_publish(
            actor=request.user,
            tender=tender,
            seen=request.POST.get("seen", ""),
            seen_state=seen_state,
        )
    except TenderProblems as error:
        messages.error(request, _("The tender cannot be published yet:"))
        for problem in error.problems:
            messages.error(request, problem.message)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The tender is published."))
    return redirect("tenders:manage_detail", pk=tender.pk)


@login_required
def tender_cancel_view(request, pk):
    tender = officer_tender(request.user, pk)
    form = CancelForm(request.POST or None, initial={"seen_state": tender.state})
    if form.is_valid():
        try:
            tender_cancel(
                actor=request.user,
                tender=tender,
                reason=form.cleaned_data["reason"],
                seen_state=form.cleaned_data["seen_state"] or tender.state,
            )
        except DomainError as error:
            _report(form, error)
        else:
            messages.success(request, _("The tender is cancelled."))
            return redirect("tenders:manage_detail", pk=tender.pk)
    return render(request, "tenders/officer/tender_cancel.html", {"tender": tender, "form": form})


@login_required
def tender_amend_view(request, pk):
    tender = officer_tender(request.user, pk)
    if tender.state != Tender.State.PUBLISHED:
        messages.info(request, _("Only a published, open tender can be amended."))
        return redirect("tenders:manage_detail", pk=tender.pk)
    data = request.POST if request.method == "POST" else None
    files = request.FILES if data is not None else None
    form = AmendmentForm(data, tender=tender)
    documents = TermsDocumentFormSet(data, files, prefix="documents")
    if data is not None and form.is_valid() and documents.is_valid():
        try:
            amendment = tender_amend(
                actor=request.user,
                tender=tender,
                values=form.values(),
                reason=form.cleaned_data["reason"],
                documents=document_values(documents),
                withdrawn_documents=[d.pk for d in form.cleaned_data["withdrawn_documents"]],
                seen_amendments=form.cleaned_data["seen_amendments"],
            )
        except DomainError as error:
            _report(form, error)
        else:
            messages.success(
                request, _("Amendment %(number)d is published.") % {"number": amendment.number}
            )
            return redirect("tenders:manage_detail", pk=tender.pk)
    context = {"tender": tender, "form": form, "documents": documents}
    return render(request, "tenders/officer/tender_amend.html", context)
