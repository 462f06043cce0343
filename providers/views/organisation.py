"""The organisation's own pages: register, see where it stands, edit, submit."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from providers import permissions, selectors
from providers.forms import ProviderForm, SeenStateForm, etraps_of
from providers.readiness import missing_for_submission
from providers.services import provider_register, provider_submit, provider_update
from providers.services.common import NOT_EDITABLE
from providers.views.common import attempt, membership_or_404


@login_required
def my_organisation(request):
    membership = selectors.membership_for_user(request.user)
    if membership is None:
        if permissions.is_verification_officer(request.user):
            return redirect("providers:review_list")
        return render(
            request,
            "providers/no_organisation.html",
            {
                "may_register": permissions.can_register(request.user),
            },
        )
    provider = membership.provider
    return render(
        request,
        "providers/organisation.html",
        {
            "provider": provider,
            "membership": membership,
            "missing": missing_for_submission(provider, timezone.localdate()),
            "submit_form": SeenStateForm(initial={"seen_state": provider.state}),
            "may_edit": permissions.can_edit(request.user, provider),
            "is_admin": permissions.is_org_admin(request.user, provider),
        },
    )


@login_required
def register(request):
    if selectors.membership_for_user(request.user) is not None:
        return redirect("providers:my_organisation")
    if not permissions.can_register(request.user):
        return HttpResponseForbidden(_("Ministry staff cannot register an organisation."))
    form = ProviderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, _provider = attempt(
            request, lambda: provider_register(actor=request.user, details=form.details()), form
        )
        if done:
            messages.success(request, _("Your organisation is registered as a draft."))
            return redirect("providers:my_organisation")
    return render(request, "providers/provider_form.html", {"form": form, "registering": True})


@login_required
def edit(request):
    provider = membership_or_404(request).provider
    if not permissions.can_edit(request.user, provider):
        return HttpResponseForbidden(_("You may not change this organisation."))
    if request.method == "GET" and not provider.is_editable:
        messages.info(request, NOT_EDITABLE)
        return redirect("providers:my_organisation")
    form = ProviderForm(request.POST or None, instance=provider)
    if request.method == "POST" and form.is_valid():
        done, _row = attempt(
            request,
            lambda: provider_update(
                actor=request.user,
                provider=provider,
                details=form.details(),
                seen_state=form.cleaned_data["seen_state"] or None,
            ),
            form,
        )
        if done:
            messages.success(request, _("The details are saved."))
            return redirect("providers:my_organisation")
    return render(request, "providers/provider_form.html", {"form": form, "provider": provider})


@login_required
@require_POST
def submit(request):
    provider = membership_or_404(request).provider
    form = SeenStateForm(request.POST)
    if form.is_valid():
        done, _row = attempt(
            request,
            lambda: provider_submit(
                actor=request.user, provider=provider, seen_state=form.cleaned_data["seen_state"]
            ),
        )
        if done:
            messages.success(request, _("Your organisation is submitted for verification."))
    return redirect("providers:my_organisation")


@login_required
@require_GET
def etrap_options(request):
    """The etrap options for the chosen velayat (an htmx partial of the organisation form)."""
    return render(
        request,
        "providers/includes/etrap_options.html",
        {
            "etraps": etraps_of(request.GET.get("velayat")),
            "selected": request.GET.get("etrap", ""),
        },
    )
