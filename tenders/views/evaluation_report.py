"""The evaluation report: the page, and the same report as a PDF or a spreadsheet.

Read by the tender's officer, the cleared panel and ministry approvers once the evaluation is
completed; anyone else gets a 404. Files are written in the background (a file job) in the
reader's language; the buttons start the job and lead to its page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tenders.reports.data import report_data
from tenders.reports.evaluation import PDF, XLSX
from tenders.reports.jobs import EVALUATION_REPORT
from tenders.selectors import evaluation as selectors
from workflows.errors import DomainError
from workflows.jobs import file_job_start


@login_required
def report(request, pk):
    evaluation = selectors.report_evaluation(request.user, pk)
    return render(request, "tenders/evaluation/report.html", report_data(evaluation))


@login_required
@require_POST
def report_pdf(request, pk):
    return _start(request, pk, PDF)


@login_required
@require_POST
def report_xlsx(request, pk):
    return _start(request, pk, XLSX)


def _start(request, pk, kind):
    evaluation = selectors.report_evaluation(request.user, pk)
    parameters = {"evaluation": evaluation.pk, "kind": kind}
    try:
        job = file_job_start(actor=request.user, kind=EVALUATION_REPORT, parameters=parameters)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("tenders:evaluation_report", pk=evaluation.pk)
    return redirect(job)
