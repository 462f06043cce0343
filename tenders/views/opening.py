"""The opening page: committee members give their shares and the sealed bids open."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from tenders import permissions
from tenders.forms.committee import ShareForm
from tenders.models import Tender
from tenders.services.bid_deadline import database_now
from tenders.services.bid_opening import committee_share_of, opening_share_give, opening_status
from workflows.errors import DomainError


@login_required
def tender_opening(request, pk):
    sealed = Tender.objects.exclude(state=Tender.State.DRAFT).filter(opening_key__isnull=False)
    tender = get_object_or_404(sealed, pk=pk)
    share = committee_share_of(request.user, tender)
    if share is None and not permissions.can_manage_tender(request.user, tender):
        raise Http404
    after_deadline = database_now() >= tender.submission_deadline
    form = ShareForm(request.POST or None)
    if share is not None and form.is_valid():
        try:
            status = opening_share_give(
                actor=request.user, tender=tender, passphrase=form.cleaned_data["passphrase"]
            )
        except DomainError as error:
            form.add_error("passphrase", error.message)
        else:
            if status.opened:
                messages.success(request, _("The bids are open."))
            else:
                messages.success(request, _("Your share is taken."))
            return redirect("tenders:opening", pk=tender.pk)
    context = {
        "tender": tender,
        "status": opening_status(tender),
        "member": share is not None,
        "after_deadline": after_deadline,
        "form": form,
    }
    return render(request, "tenders/opening/opening.html", context)
