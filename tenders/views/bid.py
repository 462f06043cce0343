"""The organisation's bid pages: its bids, opening one, the technical proposal and the bid page.

Every bid is fetched through ``tenders.selectors.bid``, so a bid the user may not read is a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tenders import permissions
from tenders.forms.bid import ProposalForm
from tenders.models import SealedBid
from tenders.selectors.bid import bid_with_content, own_bids
from tenders.selectors.tender import public_tenders
from tenders.services.bid import EDITABLE_STATES, bid_create, bid_proposal_save
from tenders.views.bid_common import (
    editable_bid,
    refuse_unless_editable,
    report_to_form,
    report_to_messages,
)
from workflows.errors import DomainError


@login_required
def my_bids(request):
    return render(request, "tenders/bids/my_bids.html", {"bids": own_bids(request.user)})


@login_required
@require_POST
def bid_start(request, tender_pk):
    tender = get_object_or_404(public_tenders(), pk=tender_pk)
    try:
        bid = bid_create(actor=request.user, tender=tender)
    except DomainError as error:
        report_to_messages(request, error)
        return redirect("tenders:detail", pk=tender.pk)
    return redirect("tenders:bid_detail", pk=bid.pk)


@login_required
def bid_detail(request, pk):
    bid = bid_with_content(request.user, pk)
    may_edit = permissions.can_edit_bid(request.user, bid)
    context = {
        "bid": bid,
        "tender": bid.tender,
        "may_edit": may_edit,
        "editable": may_edit
        and bid.state in EDITABLE_STATES
        and bid.tender.submission_deadline is not None
        and timezone.now() < bid.tender.submission_deadline,
        "total": sum((line.amount for line in bid.budget_lines.all()), 0),
        "is_member": permissions.is_bid_member(request.user, bid),
        "sealed": SealedBid.objects.filter(bid=bid, opened_at__isnull=True).exists(),
    }
    return render(request, "tenders/bids/detail.html", context)


@login_required
def bid_proposal(request, pk):
    bid = editable_bid(request, pk)
    if refusal := refuse_unless_editable(request, bid):
        return refusal
    form = ProposalForm(
        request.POST or None,
        criteria=bid.tender.criteria.all(),
        sections=bid.sections.all(),
        initial={"seen_state": bid.state},
    )
    if request.method == "POST" and form.is_valid():
        try:
            bid_proposal_save(
                actor=request.user,
                bid=bid,
                answers=form.answers(),
                seen_state=form.cleaned_data["seen_state"],
            )
        except DomainError as error:
            report_to_form(form, error)
        else:
            messages.success(request, _("The technical proposal is saved."))
            return redirect("tenders:bid_detail", pk=bid.pk)
    return render(request, "tenders/bids/proposal.html", {"bid": bid, "form": form})
