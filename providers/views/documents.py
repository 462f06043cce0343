"""The organisation's documents: list with expiry, upload, download, removal."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from providers import permissions, selectors
from providers.forms import DocumentForm, SeenStateForm
from providers.services import document_add, document_remove
from providers.services.common import MAINTAINABLE_STATES
from providers.views.common import attempt, membership_or_404


@login_required
def documents(request):
    provider = membership_or_404(request).provider
    may_edit = permissions.can_edit(request.user, provider)
    form = DocumentForm(
        request.POST or None, request.FILES or None, initial={"seen_state": provider.state}
    )
    if request.method == "POST":
        if not may_edit:
            return HttpResponseForbidden(_("You may not change the documents."))
        if form.is_valid():
            data = form.cleaned_data
            done, _document = attempt(
                request,
                lambda: document_add(
                    actor=request.user,
                    provider=provider,
                    document_type=data["document_type"],
                    title=data["title"],
                    expires_on=data["expires_on"],
                    upload=data["file"],
                    seen_state=data["seen_state"],
                ),
                form,
                file_field="file",
            )
            if done:
                messages.success(request, _("The document is uploaded."))
                return redirect("providers:documents")
    return render(
        request,
        "providers/documents.html",
        {
            "provider": provider,
            "documents": provider.documents.order_by("document_type", "-uploaded_at"),
            "today": timezone.localdate(),
            "may_edit": may_edit and provider.state in MAINTAINABLE_STATES,
            "form": form,
            "remove_form": SeenStateForm(initial={"seen_state": provider.state}),
        },
    )


@login_required
def document_download(request, pk):
    document = get_object_or_404(selectors.visible_documents(request.user), pk=pk)
    return document.file_response()


@login_required
@require_POST
def document_delete(request, pk):
    document = get_object_or_404(selectors.own_documents(request.user), pk=pk)
    form = SeenStateForm(request.POST)
    if form.is_valid():
        done, _row = attempt(
            request,
            lambda: document_remove(
                actor=request.user, document=document, seen_state=form.cleaned_data["seen_state"]
            ),
        )
        if done:
            messages.success(request, _("The document is removed."))
    return redirect("providers:documents")
