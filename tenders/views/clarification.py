"""The officer's questions page: every question about a tender, answered or waiting."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tenders.forms.clarification import AnswerForm
from tenders.selectors.tender import officer_clarification, officer_tender
from tenders.services.clarification import clarification_answer
from workflows.errors import DomainError


@login_required
def questions(request, pk):
    return _questions_page(request, officer_tender(request.user, pk))


@login_required
@require_POST
def answer(request, pk):
    clarification = officer_clarification(request.user, pk)
    form = AnswerForm(request.POST, prefix=f"answer-{clarification.pk}")
    if form.is_valid():
        try:
            clarification_answer(
                actor=request.user, clarification=clarification, answer=form.cleaned_data["answer"]
            )
        except DomainError as error:
            form.add_error("answer" if error.field else None, error.message)
        else:
            messages.success(request, _("The answer is published on the tender's notice."))
            return redirect("tenders:questions", pk=clarification.tender_id)
    tender = officer_tender(request.user, clarification.tender_id)
    return _questions_page(request, tender, bound={clarification.pk: form})


def _questions_page(request, tender, bound=None):
    bound = bound or {}
    rows = [
        (
            clarification,
            None
            if clarification.answered_at
            else bound.get(clarification.pk) or AnswerForm(prefix=f"answer-{clarification.pk}"),
        )
        for clarification in tender.clarifications.all()
    ]
    return render(request, "tenders/officer/questions.html", {"tender": tender, "rows": rows})
