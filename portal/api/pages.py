"""The user's own page of API tokens: make one (its secret shown once) and revoke one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from portal.api.tokens import api_token_create, api_token_revoke, tokens_of
from portal.forms import ApiTokenForm
from workflows.errors import DomainError


@never_cache
@login_required
def api_tokens(request):
    form = ApiTokenForm(request.POST or None)
    key = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, key = api_token_create(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            form = ApiTokenForm()
    context = {
        "form": form,
        "key": key,
        "tokens": tokens_of(request.user),
        "docs_url": reverse("api:docs"),
    }
    return render(request, "portal/api_tokens.html", context)


@login_required
@require_POST
def api_token_revoke_view(request, pk):
    token = get_object_or_404(tokens_of(request.user), pk=pk)
    api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token is revoked; programs using it are refused from now on."))
    return redirect("api_tokens")
