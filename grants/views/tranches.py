"""The grant officer's tranche page: tranches to approve and payments to record, and the
tranches still waiting, each with its conditions and whether they are met."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from grants import selectors
from grants.forms.tranche import PaymentForm, TrancheStateForm
from grants.models import TrancheState
from grants.services import tranche_approve, tranche_record_payment
from grants.services.tranche_rules import payment_refusal, tranche_conditions
from grants.views.common import attempt, officer_or_404
from portal.pagination import paginate


@login_required
def tranche_list(request):
    officer_or_404(request)
    return render(request, "grants/tranche_list.html", _context(request))


@login_required
@require_POST
def tranche_approval(request, pk):
    officer_or_404(request)
    tranche = selectors.tranche_for(request.user, pk)
    form = TrancheStateForm(request.POST)
    if form.is_valid():
        done, _row = attempt(
            request,
            lambda: tranche_approve(
                actor=request.user, tranche=tranche, seen_state=form.cleaned_data["seen_state"]
            ),
        )
        if done:
            messages.success(request, _("The tranche is approved for payment."))
    return redirect("grants:tranches")


@login_required
@require_POST
def tranche_payment(request, pk):
    officer_or_404(request)
    tranche = selectors.tranche_for(request.user, pk)
    form = PaymentForm(request.POST, prefix=f"pay-{tranche.pk}")
    if form.is_valid():
        done, _row = attempt(
            request,
            lambda: tranche_record_payment(
                actor=request.user, tranche=tranche, **form.cleaned_data
            ),
            form,
        )
        if done:
            messages.success(request, _("The payment is recorded."))
            return redirect("grants:tranches")
    context = _context(request)
    context["payment_forms"][tranche.pk] = form
    return render(request, "grants/tranche_list.html", context, status=400)


def _context(request):
    tranches = paginate(request, selectors.tranches_to_handle(request.user))
    waiting = paginate(request, selectors.tranches_waiting(request.user), param="waiting_page")
    for page in (tranches, waiting):
        page.object_list = list(page.object_list)
    for tranche in [*tranches, *waiting]:
        tranche.conditions = tranche_conditions(tranche)
        tranche.payment_refusal = payment_refusal(request.user, tranche)
    return {
        "tranches": tranches,
        "waiting": waiting,
        "payment_forms": {
            tranche.pk: PaymentForm(
                initial={"seen_state": tranche.state}, prefix=f"pay-{tranche.pk}"
            )
            for tranche in tranches
            if tranche.state == TrancheState.APPROVED and tranche.payment_refusal is None
        },
    }
