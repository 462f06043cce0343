"""Submitting, withdrawing and re-confirming a bid, its receipt, and the officers' bid list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.pagination import paginate
from tenders import permissions
from tenders.forms.bid import SeenStateForm, SubmitForm
from tenders.models import SealedBid, TenderKey
from tenders.selectors.bid import (
    bid_for,
    is_opened,
    opened_bids,
    submitted_bid_count,
    tender_for_bid_list,
)
from tenders.services.bid_checks import budget_total, submission_failures
from tenders.services.bid_receipt import bid_digest
from tenders.services.bid_submission import bid_reconfirm, bid_submit, bid_withdraw
from tenders.services.fingerprints import bid_fingerprint
from tenders.views.bid_common import (
    editable_bid,
    refuse_unless_editable,
    report_to_form,
    report_to_messages,
)
from tenders.views.bid_package import package_available, package_keep
from workflows.errors import DomainError
from workflows.fingerprints import StaleError


@login_required
def bid_submit_view(request, pk):
    bid = editable_bid(request, pk)
    if request.method == "GET" and (refusal := refuse_unless_editable(request, bid)):
        return refusal
    form = SubmitForm(request.POST or None, initial=_seen(bid))
    if request.method == "POST" and form.is_valid():
        try:
            bid = bid_submit(actor=request.user, bid=bid, **form.cleaned_data)
        except StaleError as error:
            report_to_form(form, error)
            form.show_current(_seen(bid))
        except DomainError as error:
            report_to_form(form, error)
        else:
            if getattr(bid, "package", None):
                package_keep(request, bid)
            messages.success(request, _("The bid is submitted. Keep the receipt below."))
            return redirect("tenders:bid_receipt", pk=bid.pk)
    context = {
        "bid": bid,
        "form": form,
        "failures": submission_failures(bid, bid.tender, timezone.now()),
        "total": budget_total(bid),
        "lines": bid.budget_lines.all(),
        "proposed": bid.staff.select_related("staff_member"),
        "documents": bid.documents.all(),
    }
    return render(request, "tenders/bids/submit.html", context)


def _seen(bid):
    return {"seen_state": bid.state, "seen": bid_fingerprint(bid)}


@login_required
@require_POST
def bid_withdraw_view(request, pk):
    bid = editable_bid(request, pk)
    form = SeenStateForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError("stale", _("The form was incomplete; reload the page and try again."))
        bid_withdraw(actor=request.user, bid=bid, seen_state=form.cleaned_data["seen_state"])
    except DomainError as error:
        report_to_messages(request, error)
    else:
        messages.success(request, _("The bid is withdrawn. You can change it and submit it again."))
    return redirect("tenders:bid_detail", pk=bid.pk)


@login_required
@require_POST
def bid_reconfirm_view(request, pk):
    bid = editable_bid(request, pk)
    try:
        bid_reconfirm(actor=request.user, bid=bid)
    except DomainError as error:
        report_to_messages(request, error)
    else:
        messages.success(request, _("The bid is confirmed under the amended terms."))
    return redirect("tenders:bid_detail", pk=bid.pk)


@login_required
def bid_receipt(request, pk):
    bid = bid_for(request.user, pk)
    if bid.state != bid.State.SUBMITTED:
        raise Http404
    sealed = SealedBid.objects.filter(bid=bid, opened_at__isnull=True).first()
    context = {"bid": bid, "documents": bid.documents.all(), "sealed": sealed}
    if sealed is None:
        digest, canonical = bid_digest(bid, bid.tender)
        context.update(canonical=canonical, digest_matches=digest == bid.content_sha256)
    else:
        context.update(package=package_available(request, bid), digest_matches=True)
    return render(request, "tenders/bids/receipt.html", context)


@login_required
def tender_bids(request, tender_pk):
    tender = tender_for_bid_list(request.user, tender_pk)
    context = {
        "tender": tender,
        "count": submitted_bid_count(tender),
        "opened": is_opened(tender),
        "opened_at": getattr(TenderKey.objects.filter(tender=tender).first(), "opened_at", None)
        or tender.closed_at,
        "may_read": permissions.can_read_opened_bids(request.user),
        "bids": paginate(request, opened_bids(request.user, tender)),
    }
    return render(request, "tenders/bids/officer_list.html", context)
