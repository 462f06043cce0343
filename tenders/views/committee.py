"""A member's opening passphrase page and the officer's page naming a tender's committee."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tenders import permissions
from tenders.forms.committee import CommitteeForm, PassphraseForm
from tenders.models import OpeningKey, Tender
from tenders.selectors.tender import officer_tender
from tenders.services.committee import opening_passphrase_set, tender_set_committee
from workflows.errors import DomainError


@login_required
def opening_passphrase(request):
    if not permissions.can_sit_on_committee(request.user):
        raise PermissionDenied
    has_key = OpeningKey.objects.filter(user=request.user).exists()
    form = PassphraseForm(request.POST or None, has_key=has_key)
    if form.is_valid():
        try:
            opening_passphrase_set(
                actor=request.user,
                passphrase=form.cleaned_data["passphrase"],
                current=form.cleaned_data.get("current"),
                replace=form.cleaned_data.get("replace", False),
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Your opening passphrase is set."))
            return redirect("tenders:opening_passphrase")
    return render(request, "tenders/opening/passphrase.html", {"form": form, "has_key": has_key})


@login_required
def tender_committee(request, pk):
    tender = officer_tender(request.user, pk)
    if tender.state != Tender.State.DRAFT:
        messages.info(request, _("The opening committee is named before the tender is published."))
        return redirect("tenders:manage_detail", pk=tender.pk)
    initial = {"members": list(tender.committee.all()), "quorum": tender.opening_quorum}
    form = CommitteeForm(request.POST or None, initial=initial)
    if form.is_valid():
        try:
            tender_set_committee(
                actor=request.user,
                tender=tender,
                members=form.cleaned_data["members"],
                quorum=form.cleaned_data["quorum"],
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The opening committee is saved."))
            return redirect("tenders:manage_detail", pk=tender.pk)
    context = {"tender": tender, "form": form}
    return render(request, "tenders/officer/tender_committee.html", context)
