"""The staff roster and training records of the user's organisation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from providers import permissions, selectors
from providers.forms import StaffForm, TrainingForm
from providers.services import staff_add, staff_update, training_add
from providers.services.common import MAINTAINABLE_STATES
from providers.views.common import attempt, membership_or_404


def _editor_provider(request):
    provider = membership_or_404(request).provider
    if not permissions.can_edit(request.user, provider):
        return provider, HttpResponseForbidden(_("You may not change the staff roster."))
    return provider, None


@login_required
def staff(request):
    provider = membership_or_404(request).provider
    return render(
        request,
        "providers/staff.html",
        {
            "provider": provider,
            "roster": selectors.staff_roster(provider),
            "may_edit": permissions.can_edit(request.user, provider)
            and provider.state in MAINTAINABLE_STATES,
        },
    )


@login_required
def staff_create(request):
    provider, refusal = _editor_provider(request)
    if refusal:
        return refusal
    form = StaffForm(request.POST or None, initial={"seen_state": provider.state, "active": True})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done, _member = attempt(
            request, lambda: staff_add(actor=request.user, provider=provider, **data), form
        )
        if done:
            messages.success(request, _("The staff member is added."))
            return redirect("providers:staff")
    return render(request, "providers/staff_form.html", {"form": form, "provider": provider})


@login_required
def staff_edit(request, pk):
    member = get_object_or_404(selectors.own_staff(request.user), pk=pk)
    provider, refusal = _editor_provider(request)
    if refusal:
        return refusal
    form = StaffForm(request.POST or None, instance=member, initial={"seen_state": provider.state})
    if request.method == "POST" and form.is_valid():
        changes = dict(form.cleaned_data)
        seen_state = changes.pop("seen_state")
        done, _member = attempt(
            request,
            lambda: staff_update(
                actor=request.user, staff=member, changes=changes, seen_state=seen_state
            ),
            form,
        )
        if done:
            messages.success(request, _("The staff member is saved."))
            return redirect("providers:staff")
    return render(
        request, "providers/staff_form.html", {"form": form, "provider": provider, "member": member}
    )


@login_required
def training_create(request, pk):
    member = get_object_or_404(selectors.own_staff(request.user), pk=pk)
    provider, refusal = _editor_provider(request)
    if refusal:
        return refusal
    form = TrainingForm(
        request.POST or None, request.FILES or None, initial={"seen_state": provider.state}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done, _record = attempt(
            request,
            lambda: training_add(
                actor=request.user,
                staff=member,
                **{**data, "certificate": data["certificate"] or None},
            ),
            form,
            file_field="certificate",
        )
        if done:
            messages.success(request, _("The training record is added."))
            return redirect("providers:staff")
    return render(
        request,
        "providers/training_form.html",
        {"form": form, "provider": provider, "member": member},
    )


@login_required
def certificate_download(request, pk):
    certificate = get_object_or_404(selectors.visible_certificates(request.user), pk=pk)
    return certificate.file_response()
