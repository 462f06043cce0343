"""Officer pages: the register of organisations by state, and a review page with the decisions.

Only verification officers (see ``providers.permissions``) reach these pages; for anyone else
they do not exist.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from portal.pagination import paginate
from providers import audit_labels, permissions, selectors
from providers.forms import DecisionForm, ReviewFilterForm
from providers.readiness import missing_for_submission
from providers.services import (
    provider_reinstate,
    provider_reject,
    provider_return,
    provider_suspend,
    provider_verify,
)
from providers.views.common import attempt
from workflows.audit import labelled_history

# action -> (service, name of its text argument or None, message after success)
DECISIONS = {
    "verify": (provider_verify, "note", _("The organisation is verified.")),
    "return": (provider_return, "comments", _("The organisation is returned for changes.")),
    "reject": (provider_reject, "reason", _("The organisation is rejected.")),
    "suspend": (provider_suspend, "reason", _("The organisation is suspended.")),
    "reinstate": (provider_reinstate, "note", _("The organisation is reinstated.")),
}


def _officer_or_404(request):
    if not permissions.is_verification_officer(request.user):
        raise Http404


@login_required
def review_list(request):
    _officer_or_404(request)
    form = ReviewFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.providers_for_review(
        request.user,
        state=filters.get("state"),
        velayat=filters.get("velayat"),
        query=filters.get("q", ""),
    )
    return render(
        request, "providers/review_list.html", {"form": form, "providers": paginate(request, rows)}
    )


@login_required
def review(request, pk):
    _officer_or_404(request)
    provider = get_object_or_404(selectors.providers_for_review(request.user), pk=pk)
    return render(request, "providers/review.html", _review_context(request, provider))


@login_required
@require_POST
def decide(request, pk, action):
    _officer_or_404(request)
    provider = get_object_or_404(selectors.providers_for_review(request.user), pk=pk)
    if action not in DECISIONS:
        raise Http404
    service, text_argument, success = DECISIONS[action]
    form = DecisionForm(request.POST, action=action)
    if form.is_valid():
        arguments = {text_argument: form.cleaned_data["text"]}
        done, _row = attempt(
            request,
            lambda: service(
                actor=request.user,
                provider=provider,
                seen_state=form.cleaned_data["seen_state"],
                **arguments,
            ),
            form,
        )
        if done:
            messages.success(request, success)
            return redirect("providers:review", pk=provider.pk)
    context = _review_context(request, provider)
    context["forms"][action] = form
    return render(request, "providers/review.html", context, status=400)


def _review_context(request, provider):
    initial = {"seen_state": provider.state}
    return {
        "provider": provider,
        "documents": provider.documents.order_by("document_type", "-uploaded_at"),
        "roster": selectors.staff_roster(provider),
        "members": provider.memberships.select_related("user"),
        "missing": missing_for_submission(provider, timezone.localdate()),
        "history": labelled_history(provider, audit_labels.ACTIONS),
        "today": timezone.localdate(),
        "forms": {action: DecisionForm(initial=initial, action=action) for action in DECISIONS},
        "may_decide": permissions.can_decide(request.user, provider),
    }
