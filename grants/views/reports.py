"""Report pages: the lists (reports due for a grantee, reports to review for officers), a
report with its submission and review, the report form, and attachments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from grants import audit_labels, permissions, selectors
from grants.forms.report import (
    AcceptForm,
    AttachmentForm,
    ReportForms,
    ReturnForm,
    SpreadsheetForm,
    SubmitForm,
)
from grants.models import ReportState
from grants.models.report import REVIEW_STATES
from grants.services import (
    report_accept,
    report_attach,
    report_detach,
    report_resubmit,
    report_return,
    report_save,
    report_submit,
)
from grants.services.fingerprints import report_fingerprint
from grants.validation import problems_by_section, report_problems, spent_to_date
from grants.views.common import attempt
from portal.pagination import paginate
from workflows.audit import labelled_history
from workflows.errors import ConflictError


@login_required
def report_list(request):
    user = request.user
    return render(
        request,
        "grants/report_list.html",
        {
            "is_officer": permissions.is_grant_officer(user),
            "to_review": paginate(request, selectors.reports_for_review(user), param="review_page"),
            "due": paginate(request, selectors.reports_due(user)),
            "overdue": paginate(
                request,
                selectors.overdue_reports(user, timezone.localdate()),
                param="overdue_page",
            ),
        },
    )


@login_required
def report_detail(request, pk):
    report = selectors.report_for(request.user, pk)
    return render(request, "grants/report_detail.html", report_context(request, report))


@login_required
def report_edit(request, pk):
    report = selectors.report_for(request.user, pk)
    if not permissions.can_edit_report(request.user, report):
        raise Http404
    if not report.is_editable:
        messages.error(request, _("This report cannot be changed in its present state."))
        return redirect("grants:report", pk=report.pk)
    forms = ReportForms(report, request.POST if request.method == "POST" else None)
    if request.method == "POST" and forms.is_valid():
        done, _row = attempt(
            request,
            lambda: report_save(
                actor=request.user,
                report=report,
                content=forms.content(),
                seen_version=forms.main.cleaned_data["seen_version"],
            ),
            forms.main,
        )
        if done:
            messages.success(request, _("The report is saved."))
            return redirect("grants:report", pk=report.pk)
    return render(request, "grants/report_form.html", {"report": report, "forms": forms})


@login_required
@require_POST
def report_send(request, pk):
    report = selectors.report_for(request.user, pk)
    form = SubmitForm(request.POST)
    if not form.is_valid():
        messages.error(request, ConflictError().message)
        return redirect("grants:report", pk=report.pk)
    service = report_resubmit if report.state == ReportState.RETURNED else report_submit
    done, _row = attempt(
        request, lambda: service(actor=request.user, report=report, **form.cleaned_data)
    )
    if done:
        messages.success(request, _("The report is submitted for review."))
    return redirect("grants:report", pk=report.pk)


@login_required
@require_POST
def report_review(request, pk, action):
    report = selectors.report_for(request.user, pk)
    if action not in ("accept", "return") or not permissions.can_review_report(
        request.user, report
    ):
        raise Http404
    form = (AcceptForm if action == "accept" else ReturnForm)(request.POST)
    if form.is_valid():
        seen_state = form.cleaned_data["seen_state"]
        done, _row = attempt(
            request,
            lambda: (
                report_accept(
                    actor=request.user,
                    report=report,
                    seen_state=seen_state,
                    note=form.cleaned_data["note"],
                )
                if action == "accept"
                else report_return(
                    actor=request.user,
                    report=report,
                    seen_state=seen_state,
                    comments=form.comments(),
                )
            ),
            form,
        )
        if done:
            messages.success(
                request,
                _("The report is accepted.")
                if action == "accept"
                else _("The report is returned for revision."),
            )
            return redirect("grants:report", pk=report.pk)
    context = report_context(request, report)
    context[f"{action}_form"] = form
    return render(request, "grants/report_detail.html", context, status=400)


@login_required
@require_POST
def report_attachment_add(request, pk):
    report = selectors.report_for(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        done, _row = attempt(
            request,
            lambda: report_attach(
                actor=request.user,
                report=report,
                uploaded_file=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
            ),
            form,
            file_field="file",
        )
        if done:
            messages.success(request, _("The attachment is added."))
            return redirect("grants:report", pk=report.pk)
    context = report_context(request, report)
    context["attachment_form"] = form
    return render(request, "grants/report_detail.html", context, status=400)


@login_required
def report_attachment(request, pk, attachment_pk):
    report = selectors.report_for(request.user, pk)
    return get_object_or_404(report.attachments, pk=attachment_pk).file_response()


@login_required
@require_POST
def report_attachment_remove(request, pk, attachment_pk):
    report = selectors.report_for(request.user, pk)
    attachment = get_object_or_404(report.attachments, pk=attachment_pk)
    done, _row = attempt(
        request, lambda: report_detach(actor=request.user, report=report, attachment=attachment)
    )
    if done:
        messages.success(request, _("The attachment is removed."))
    return redirect("grants:report", pk=report.pk)


def report_context(request, report):
    user = request.user
    may_edit = permissions.can_edit_report(user, report) and report.is_editable
    spent = spent_to_date(report)
    expenditures = [
        (row, spent.get(row.budget_line_id))
        for row in report.expenditures.select_related("budget_line")
    ]
    problems = report_problems(report) if report.is_editable else []
    return {
        "report": report,
        "agreement": report.agreement,
        "is_officer": permissions.is_grant_officer(user),
        "cells": report.beneficiary_counts.select_related("target_group", "etrap"),
        "services": report.service_counts.all(),
        "target_values": report.target_values.select_related(
            "target", "target__target_group", "target__etrap"
        ),
        "expenditures": expenditures,
        "attachments": report.attachments.all(),
        "comments": report.comments.order_by("-review_round", "id"),
        "problems": problems,
        "problems_by_section": problems_by_section(problems),
        "may_edit": may_edit,
        "may_submit": report.is_editable and permissions.can_submit_report(user, report),
        "may_review": report.state in REVIEW_STATES and permissions.can_review_report(user, report),
        "submit_form": SubmitForm(
            initial={
                "seen_state": report.state,
                "seen_version": report.version,
                "seen": report_fingerprint(report) if report.is_editable else "",
            }
        ),
        "accept_form": AcceptForm(initial={"seen_state": report.state}),
        "return_form": ReturnForm(initial={"seen_state": report.state}),
        "attachment_form": AttachmentForm(),
        "sheet_form": SpreadsheetForm(),
        "sheet_problems": [],
        "history": labelled_history(report, audit_labels.ACTIONS),
    }
