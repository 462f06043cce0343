"""The evaluation report: the page, and the same report as a PDF or a spreadsheet.

Read by the tender's officer, the cleared panel and ministry approvers once the evaluation is
completed; anyone else gets a 404. Files are written in the reader's language.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from tenders.reports.data import report_data
from tenders.reports.evaluation import PDF, XLSX, generate
from tenders.selectors import evaluation as selectors


@login_required
def report(request, pk):
    evaluation = selectors.report_evaluation(request.user, pk)
    return render(request, "tenders/evaluation/report.html", report_data(evaluation))


@login_required
def report_pdf(request, pk):
    return _download(request, pk, PDF)


@login_required
def report_xlsx(request, pk):
    return _download(request, pk, XLSX)


def _download(request, pk, kind):
    evaluation = selectors.report_evaluation(request.user, pk)
    file = generate(evaluation.pk, kind, (get_language() or "en")[:2])
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
