"""Pages anyone may see without logging in (the tender list, a tender's notice and its
files), and asking a question from the notice."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import page_cache
from portal.pagination import paginate
from providers.selectors import provider_for_user
from tenders import permissions
from tenders.forms.clarification import QuestionForm, question_panel
from tenders.forms.tender_filter import PublicTenderFilter
from tenders.page_cache import PUBLIC_TENDERS
from tenders.selectors.tender import (
    own_questions,
    public_tender,
    public_tenders,
    tender_document_for_download,
)
from tenders.services.clarification import clarification_ask
from workflows.errors import DomainError

PAGE_SIZE = 20


def tender_list(request):
    # The same for everyone who reads it in one language: only the link to the officer's own
    # tenders depends on who is asking, and it stays out of the cached part.
    results = page_cache.remember(
        PUBLIC_TENDERS,
        ("list", get_language(), sorted(request.GET.lists())),
        lambda: _list_results(request),
    )
    context = {
        "results": mark_safe(results),
        "can_create": permissions.can_create_tender(request.user),
    }
    return render(request, "tenders/tender_list.html", context)


def _list_results(request):
    tenders = public_tenders().order_by("-published_at", "-id")
    filters = PublicTenderFilter(request.GET, queryset=tenders)
    # A filter value that is not offered (a hand-edited address) lists nothing, next to its error.
    tenders = filters.qs if filters.is_valid() else filters.queryset.none()
    context = {"filter": filters, "page": paginate(request, tenders, per_page=PAGE_SIZE)}
    return str(render_to_string("tenders/includes/tender_results.html", context))


def tender_detail(request, pk, question_form=None):
    tender = public_tender(pk)
    provider = provider_for_user(request.user)
    context = {
        "tender": tender,
        "can_manage": permissions.can_manage_tender(request.user, tender),
        "questions": question_panel(request.user, provider, tender, form=question_form),
        "own_questions": own_questions(provider, tender),
        "criteria_weight": sum(criterion.weight for criterion in tender.criteria.all()),
    }
    return render(request, "tenders/tender_detail.html", context)


def document_download(request, pk, document_pk):
    return tender_document_for_download(request.user, pk, document_pk).file_response()


@login_required
@require_POST
def question_ask(request, pk):
    tender = public_tender(pk)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            clarification_ask(
                actor=request.user,
                tender=tender,
                provider=provider_for_user(request.user),
                question=form.cleaned_data["question"],
            )
        except DomainError as error:
            if not error.field:
                messages.error(request, error.message)
                return redirect(f"{tender.get_absolute_url()}#questions")
            form.add_error(error.field, error.message)
        else:
            messages.success(
                request, _("Your question was sent. The answer will be published on this page.")
            )
            return redirect(f"{tender.get_absolute_url()}#questions")
    return tender_detail(request, pk, question_form=form)
