"""The evaluation report as a background file job (``workflows.jobs``): the report page starts
it, a worker writes the PDF or spreadsheet in the reader's language."""

from django.utils.translation import gettext_lazy as _

from tenders import permissions_evaluation as rules
from tenders.models import Evaluation
from tenders.reports.evaluation import CONTENT_TYPES, generate

EVALUATION_REPORT = "tenders.evaluation_report"


def may_read_report(user, parameters):
    """The report page's rule: the tender's officer, the cleared panel and approvers, once the
    evaluation is completed; and only the kinds of file there are."""
    if parameters.get("kind") not in CONTENT_TYPES:
        return False
    evaluation = (
        Evaluation.objects.select_related("tender").filter(pk=parameters.get("evaluation")).first()
    )
    return evaluation is not None and rules.can_read_report(user, evaluation)


def produce_report(job, report_progress):
    """``(content, filename, mime)`` of the report the job names, in the job's language."""
    report_progress(10)
    file = generate(job.parameters["evaluation"], job.parameters["kind"], job.language)
    return file.content, file.filename, file.content_type


def register():
    from workflows import jobs

    jobs.register(
        EVALUATION_REPORT, produce_report, permission=may_read_report, title=_("Evaluation report")
    )
