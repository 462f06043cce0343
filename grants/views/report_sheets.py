"""A report as a spreadsheet: downloading its template and uploading it filled in. Both are
for the grantee's admins and editors while the report can be changed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from grants import permissions, selectors
from grants.forms.report import SpreadsheetForm
from grants.spreadsheets.import_ import SpreadsheetError, report_import
from grants.spreadsheets.template import report_template
from grants.views.reports import report_context
from portal.documents.validation import XLSX
from workflows.errors import DomainError


def _report_or_404(request, pk):
    report = selectors.report_for(request.user, pk)
    if not permissions.can_edit_report(request.user, report):
        raise Http404
    return report


def _refuse_unchangeable(request, report):
    messages.error(request, _("This report cannot be changed in its present state."))
    return redirect("grants:report", pk=report.pk)


@login_required
def report_template_download(request, pk):
    report = _report_or_404(request, pk)
    if not report.is_editable:
        return _refuse_unchangeable(request, report)
    response = HttpResponse(report_template(report), content_type=XLSX.mime)
    name = f"report-{report.agreement.reference}-{report.number}-{get_language()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{_ascii(name)}"'
    return response


# A file with thousands of bad cells lists the first of them, and how many more there are.
PROBLEMS_SHOWN = 100


@login_required
@require_POST
def report_template_upload(request, pk):
    report = _report_or_404(request, pk)
    if not report.is_editable:
        return _refuse_unchangeable(request, report)
    form = SpreadsheetForm(request.POST, request.FILES)
    problems = []
    if form.is_valid():
        try:
            report_import(
                actor=request.user, report=report, uploaded_file=form.cleaned_data["file"]
            )
        except SpreadsheetError as error:
            problems = error.problems
            form.add_error("file", error.message)
        except DomainError as error:
            form.add_error("file", error.message)
        else:
            messages.success(request, _("The report is filled in from the template."))
            return redirect("grants:report", pk=report.pk)
    report.refresh_from_db()
    context = report_context(request, report)
    context.update(
        sheet_form=form,
        sheet_problems=problems[:PROBLEMS_SHOWN],
        sheet_problems_more=max(len(problems) - PROBLEMS_SHOWN, 0),
    )
    return render(request, "grants/report_detail.html", context, status=400)


def _ascii(name):
    return "".join(
        char if char.isascii() and (char.isalnum() or char in "-_.") else "-" for char in name
    )
