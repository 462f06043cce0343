"""The grant officer's pages for changing a draft agreement: terms, budget, targets, tranches.

Each page shows a form holding the draft's version, so a change saved by someone else in the
meantime is refused as stale instead of being overwritten.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from grants import permissions, selectors
from grants.forms.agreement import (
    BudgetFormSet,
    TargetFormSet,
    TermsForm,
    TrancheFormSet,
    VersionForm,
)
from grants.services import (
    agreement_set_budget,
    agreement_set_targets,
    agreement_set_tranches,
    agreement_update_terms,
)
from grants.views.common import attempt

ROWS = {
    "budget": (
        BudgetFormSet,
        agreement_set_budget,
        "lines",
        _("Budget"),
        lambda agreement: [
            {"category": line.category, "description": line.description, "amount": line.amount}
            for line in agreement.budget_lines.all()
        ],
    ),
    "targets": (
        TargetFormSet,
        agreement_set_targets,
        "targets",
        _("Targets"),
        lambda agreement: [
            {
                "measure": target.measure,
                "target_group": target.target_group_id,
                "etrap": target.etrap_id,
                "number": target.number,
            }
            for target in agreement.targets.all()
        ],
    ),
    "tranches": (
        TrancheFormSet,
        agreement_set_tranches,
        "tranches",
        _("Tranche plan"),
        lambda agreement: [
            {
                "percentage": tranche.percentage,
                "condition": tranche.condition,
                "period_number": tranche.period_number,
            }
            for tranche in agreement.tranches.all()
        ],
    ),
}


def _draft_for_officer(request, pk):
    agreement = selectors.agreement_for(request.user, pk)
    if not permissions.is_officer_for(request.user, agreement):
        raise Http404
    return agreement


def _signed_already(request, agreement):
    messages.error(request, _("Only a draft agreement can be changed."))
    return redirect("grants:agreement", pk=agreement.pk)


@login_required
def agreement_terms(request, pk):
    agreement = _draft_for_officer(request, pk)
    if not agreement.is_draft:
        return _signed_already(request, agreement)
    initial = {
        "seen_version": agreement.version,
        "start_date": agreement.start_date,
        "end_date": agreement.end_date,
        "reporting_frequency": agreement.reporting_frequency,
        "report_due_days": agreement.report_due_days,
    }
    form = TermsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done, _row = attempt(
            request,
            lambda: agreement_update_terms(
                actor=request.user, agreement=agreement, **form.cleaned_data
            ),
            form,
        )
        if done:
            messages.success(request, _("The terms are saved."))
            return redirect("grants:agreement", pk=agreement.pk)
    return render(
        request,
        "grants/agreement_terms.html",
        {"agreement": agreement, "form": form, "title": _("Reporting terms")},
    )


@login_required
def agreement_rows(request, pk, part):
    agreement = _draft_for_officer(request, pk)
    if not agreement.is_draft:
        return _signed_already(request, agreement)
    formset_class, service, argument, title, initial = ROWS[part]
    extra = {"form_kwargs": {"agreement": agreement}} if part == "targets" else {}
    data = request.POST if request.method == "POST" else None
    version = VersionForm(data, initial={"seen_version": agreement.version})
    formset = formset_class(data, initial=initial(agreement), prefix=part, **extra)
    if data is not None and version.is_valid() and formset.is_valid():
        done, _row = attempt(
            request,
            lambda: service(
                actor=request.user,
                agreement=agreement,
                seen_version=version.cleaned_data["seen_version"],
                **{argument: formset.rows()},
            ),
            version,
        )
        if done:
            messages.success(request, _("The changes are saved."))
            return redirect("grants:agreement", pk=agreement.pk)
    return render(
        request,
        "grants/agreement_rows.html",
        {"agreement": agreement, "form": version, "formset": formset, "title": title},
    )
