"""The evaluation report as a PDF (WeasyPrint) and a spreadsheet (openpyxl).

``generate(evaluation_id, kind, language)`` takes ids and a language code only, so a Celery
task can call it as it is; the report pages call it directly. Both files hold the same facts
as the report page: bidders, eligibility, every evaluator's scores and justifications, the
aggregates and ranking, and the conflict-of-interest declarations.
"""

import io
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from tenders.localtime import format_moment
from tenders.models import Evaluation
from tenders.reports.data import report_data

PDF = "pdf"
XLSX = "xlsx"
CONTENT_TYPES = {
    PDF: "application/pdf",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class ReportFile:
    content: bytes
    content_type: str
    filename: str


def generate(evaluation_id, kind, language):
    """The report of evaluation ``evaluation_id`` as ``kind`` (``"pdf"`` or ``"xlsx"``),
    written in ``language``. Reads only; safe to repeat."""
    evaluation = Evaluation.objects.select_related("tender").get(pk=evaluation_id)
    with translation.override(language):
        data = report_data(evaluation)
        content = render_pdf(data) if kind == PDF else render_xlsx(data)
    filename = f"evaluation-{evaluation.tender.reference}-{language}.{kind}"
    return ReportFile(content=content, content_type=CONTENT_TYPES[kind], filename=filename)


def render_pdf(data):
    # Imported here: loading WeasyPrint loads Pango, which only PDF requests need.
    from weasyprint import HTML

    html = render_to_string("tenders/evaluation/report_pdf.html", data)
    return HTML(string=html).write_pdf()


def render_xlsx(data):
    book = Workbook()
    _summary(book.active, data)
    _eligibility(book.create_sheet(_("Eligibility")), data)
    _scores(book.create_sheet(_("Scores")), data)
    _declarations(book.create_sheet(_("Declarations")), data)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def _header(sheet, titles):
    sheet.append([str(title) for title in titles])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _number(value):
    return float(value) if value is not None else None


def _summary(sheet, data):
    tender = data["tender"]
    sheet.title = _("Ranking")[:31]
    sheet.append([_("Evaluation report"), tender.reference])
    sheet.append([_("Tender"), tender.title])
    sheet.append([_("Completed"), format_moment(data["evaluation"].completed_at)])
    sheet.append([])
    _header(
        sheet,
        [
            _("Rank"),
            _("Organisation"),
            _("Technical score"),
            _("Price score"),
            _("Total score"),
            _("Total price (TMT)"),
            _("Reaches the minimum technical score"),
        ],
    )
    for result, bid in data["ranking"]:
        sheet.append(
            [
                result.rank,
                bid.provider.name,
                _number(result.technical),
                _number(result.price),
                _number(result.total),
                _number(bid.total_price),
                _("yes") if result.passes_minimum else _("no"),
            ]
        )
    sheet.column_dimensions["B"].width = 40


def _eligibility(sheet, data):
    _header(
        sheet,
        [_("Organisation"), _("Requirement"), _("Portal's finding"), _("Decision"), _("Reason")],
    )
    for screening in data["screenings"]:
        for line in screening.lines.all():
            sheet.append(
                [
                    screening.bid.provider.name,
                    str(line.label),
                    str(line.finding),
                    _("passes") if line.passed else _("fails"),
                    line.reason,
                ]
            )
        sheet.append(
            [
                screening.bid.provider.name,
                _("Eligible"),
                "",
                _("yes") if screening.eligible else _("no"),
                "",
            ]
        )
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 50


def _scores(sheet, data):
    _header(
        sheet,
        [
            _("Organisation"),
            _("Criterion"),
            _("Evaluator"),
            _("Points"),
            _("Justification"),
            _("Mean"),
            _("Divergent"),
            _("Moderation note"),
        ],
    )
    for block in data["blocks"]:
        for row in block.rows:
            for member_sheet, score in row.cells:
                sheet.append(
                    [
                        block.bid.provider.name,
                        row.criterion.title,
                        str(member_sheet.member.user),
                        _number(score.points) if score else None,
                        score.justification if score else "",
                        _number(row.mean),
                        _("yes") if row.divergent else "",
                        row.note.note if row.note else "",
                    ]
                )
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["E"].width = 60


def _declarations(sheet, data):
    _header(sheet, [_("Member"), _("Role"), _("Declaration"), _("Details"), _("Declared on")])
    for declaration in data["declarations"]:
        member = declaration.member
        sheet.append(
            [
                str(member.user),
                str(member.get_role_display()),
                _("conflict of interest") if declaration.has_conflict else _("no conflict"),
                declaration.details,
                format_moment(declaration.declared_at),
            ]
        )
    sheet.column_dimensions["A"].width = 30
