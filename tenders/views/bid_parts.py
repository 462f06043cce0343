"""The parts of a bid besides the proposal: proposed staff, budget lines and documents."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tenders.forms.bid import BidDocumentForm, BudgetLineForm, SeenStateForm, StaffForm
from tenders.selectors.bid import bid_document_for_download, roster_for
from tenders.services.bid import (
    bid_budget_line_add,
    bid_budget_line_remove,
    bid_document_add,
    bid_document_remove,
    bid_staff_assign,
    bid_staff_remove,
)
from tenders.views.bid_common import (
    editable_bid,
    refuse_unless_editable,
    report_to_form,
    report_to_messages,
)
from workflows.errors import DomainError


@login_required
def bid_staff(request, pk):
    bid = editable_bid(request, pk)
    if refusal := refuse_unless_editable(request, bid):
        return refusal
    form = StaffForm(
        request.POST or None, roster=roster_for(bid), initial={"seen_state": bid.state}
    )
    if added := _add(
        request,
        bid,
        form,
        lambda data: bid_staff_assign(
            actor=request.user,
            bid=bid,
            staff_member=data["staff_member"],
            role_in_project=data["role_in_project"],
            seen_state=data["seen_state"],
        ),
        _("The staff member is proposed."),
        "tenders:bid_staff",
    ):
        return added
    proposed = bid.staff.select_related("staff_member")
    return render(
        request, "tenders/bids/staff.html", {"bid": bid, "form": form, "proposed": proposed}
    )


@login_required
@require_POST
def bid_staff_remove_view(request, pk, staff_pk):
    bid = editable_bid(request, pk)
    proposed = get_object_or_404(bid.staff.select_related("staff_member"), staff_member_id=staff_pk)
    return _act(
        request,
        bid,
        lambda seen: bid_staff_remove(
            actor=request.user, bid=bid, staff_member=proposed.staff_member, seen_state=seen
        ),
        _("The staff member is no longer proposed."),
        "tenders:bid_staff",
    )


@login_required
def bid_budget(request, pk):
    bid = editable_bid(request, pk)
    if refusal := refuse_unless_editable(request, bid):
        return refusal
    form = BudgetLineForm(request.POST or None, initial={"seen_state": bid.state})
    if added := _add(
        request,
        bid,
        form,
        lambda data: bid_budget_line_add(
            actor=request.user,
            bid=bid,
            category=data["category"],
            description=data["description"],
            amount=data["amount"],
            seen_state=data["seen_state"],
        ),
        _("The budget line is added."),
        "tenders:bid_budget",
    ):
        return added
    lines = list(bid.budget_lines.all())
    context = {
        "bid": bid,
        "form": form,
        "lines": lines,
        "total": sum(line.amount for line in lines),
    }
    return render(request, "tenders/bids/budget.html", context)


@login_required
@require_POST
def bid_budget_remove(request, pk, line_pk):
    bid = editable_bid(request, pk)
    line = get_object_or_404(bid.budget_lines, pk=line_pk)
    return _act(
        request,
        bid,
        lambda seen: bid_budget_line_remove(
            actor=request.user, bid=bid, line=line, seen_state=seen
        ),
        _("The budget line is removed."),
        "tenders:bid_budget",
    )


@login_required
def bid_documents(request, pk):
    bid = editable_bid(request, pk)
    if refusal := refuse_unless_editable(request, bid):
        return refusal
    form = BidDocumentForm(
        request.POST or None, request.FILES or None, initial={"seen_state": bid.state}
    )
    if added := _add(
        request,
        bid,
        form,
        lambda data: bid_document_add(
            actor=request.user,
            bid=bid,
            title=data["title"],
            upload=data["file"],
            seen_state=data["seen_state"],
        ),
        _("The document is added."),
        "tenders:bid_documents",
    ):
        return added
    context = {"bid": bid, "form": form, "documents": bid.documents.all()}
    return render(request, "tenders/bids/documents.html", context)


@login_required
@require_POST
def bid_document_remove_view(request, pk, document_pk):
    bid = editable_bid(request, pk)
    document = get_object_or_404(bid.documents, pk=document_pk)
    return _act(
        request,
        bid,
        lambda seen: bid_document_remove(
            actor=request.user, bid=bid, document=document, seen_state=seen
        ),
        _("The document is removed."),
        "tenders:bid_documents",
    )


@require_GET
def bid_document_download(request, pk, document_pk):
    # No login redirect: to anyone who may not read the bid, its files simply do not exist.
    return bid_document_for_download(request.user, pk, document_pk).file_response()


def _add(request, bid, form, action, success, next_page):
    """On a valid POST run ``action`` with the form's data and go back to the page; None when the
    page is to be shown again (not posted, invalid, or refused, with the reason on the form)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        action(form.cleaned_data)
    except DomainError as error:
        report_to_form(form, error)
        return None
    messages.success(request, success)
    return redirect(next_page, pk=bid.pk)


def _act(request, bid, action, success, next_page):
    """Run a one-button change posted with the page's ``seen_state`` and go back to the page."""
    form = SeenStateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form was incomplete; reload the page and try again."))
        return redirect(next_page, pk=bid.pk)
    try:
        action(form.cleaned_data["seen_state"])
    except DomainError as error:
        report_to_messages(request, error)
    else:
        messages.success(request, success)
    return redirect(next_page, pk=bid.pk)
