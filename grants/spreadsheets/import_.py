"""Filling a report from its uploaded template.

The file passes the portal's upload checks (``portal.documents.validation``: name, size,
structure, no macros) and must be an XLSX before openpyxl reads it (read-only, cached values,
no formulas run). Every cell is cleaned by the report form's own fields, and the content is
saved by ``report_save``, so the rules are the form's. Every problem is collected with its
sheet, cell and reason; nothing is saved unless the whole file is valid.
"""

import zipfile
from dataclasses import dataclass
from itertools import zip_longest

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook

from grants import permissions
from grants.forms.report import BeneficiaryCellForm, ReportMainForm, count_field
from grants.services.report_entry import BeneficiaryCell, ReportContent, report_save
from grants.spreadsheets import layout
from portal.documents.validation import XLSX, validate_upload
from portal.form_fields import TextAreaField
from portal.validators import MAX_AMOUNT
from workflows.errors import ConflictError, DomainError, forbidden, interpolate_lazy, not_allowed

COUNT = count_field("")
AMOUNT = forms.DecimalField(
    min_value=0, max_value=MAX_AMOUNT, max_digits=14, decimal_places=2, required=False
)
CELL_NUMBER = BeneficiaryCellForm.base_fields["new"]


@dataclass(frozen=True)
class SheetProblem:
    sheet: str
    cell: str
    message: str


class SpreadsheetError(DomainError):
    """The template has ``problems`` (a list of ``SheetProblem``); nothing was saved."""

    def __init__(self, problems):
        super().__init__(
            "sheet_problems",
            _("The template was not imported: correct the cells listed below and upload it again."),
            field="file",
        )
        self.problems = problems


def report_import(*, actor, report, uploaded_file):
    """Replace the content of an open or returned report with its filled-in template and
    return the report. Admins and editors of the grantee only.

    Refuses (``DomainError``, nothing saved) a file failing the upload checks, anything but
    an XLSX, a workbook that is not a portal report template, the template of another report
    or period, a template made before the report was last saved (its version is behind), and
    a template with invalid cells (``SpreadsheetError`` listing each). Saving goes through
    ``report_save``: it raises the version and writes the audit entry; the same file uploaded
    twice in a row is saved once.
    """
    if not permissions.can_edit_report(actor, report):
        raise forbidden()
    if not report.is_editable:
        raise not_allowed(report.get_state_display())
    try:
        detected = validate_upload(uploaded_file)
    except ValidationError as error:
        raise DomainError("file_refused", error.messages[0], field="file") from error
    if detected != XLSX:
        raise _not_template()
    book = _open(uploaded_file)
    try:
        version = _check_identity(report, book)
        content = read_content(report, book)
    finally:
        book.close()
    try:
        return report_save(actor=actor, report=report, content=content, seen_version=version)
    except ConflictError as error:
        raise DomainError(
            "stale",
            _(
                "The report was saved after this template was downloaded: download the "
                "template again (it holds what is saved now) and enter your changes there."
            ),
            field="file",
        ) from error


def open_template(data):
    """The workbook in ``data`` (a file object), as the import reads it."""
    return load_workbook(data, read_only=True, data_only=True)


def read_content(report, book):
    """The ``ReportContent`` the template ``book`` gives for ``report``; raises
    ``SpreadsheetError`` with every problem found."""
    sheets = [sheet for sheet in book.worksheets if sheet.title != layout.META_SHEET]
    if len(sheets) < len(layout.SHEET_TITLES):
        raise _not_template()
    problems = []
    reader = _Reader(report, problems)
    main, services = reader.report_sheet(sheets[layout.REPORT])
    beneficiaries = reader.beneficiaries(sheets[layout.BENEFICIARIES])
    target_values = reader.targets(sheets[layout.TARGETS])
    expenditures = reader.expenditure(sheets[layout.EXPENDITURE])
    if problems:
        raise SpreadsheetError(problems)
    return ReportContent(
        **main,
        beneficiaries=beneficiaries,
        services=services,
        target_values=target_values,
        expenditures=expenditures,
    )


def _open(uploaded_file):
    uploaded_file.seek(0)
    try:
        return open_template(uploaded_file)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as error:
        raise _not_template() from error


def _check_identity(report, book):
    if layout.META_SHEET not in book.sheetnames:
        raise _not_template()
    meta = book[layout.META_SHEET]
    values = {key: meta[coordinate].value for key, coordinate in layout.META_CELLS.items()}
    if not isinstance(values["version"], int) or not isinstance(values["report"], int):
        raise _not_template()
    if (
        values["report"] != report.pk
        or values["period_start"] != report.period_start.isoformat()
        or values["period_end"] != report.period_end.isoformat()
    ):
        raise DomainError(
            "other_report",
            interpolate_lazy(
                _(
                    "This is the template of another report; download the template of this "
                    "report (period %(start)s – %(end)s) from this page."
                ),
                {
                    "start": report.period_start.strftime("%d.%m.%Y"),
                    "end": report.period_end.strftime("%d.%m.%Y"),
                },
            ),
            field="file",
        )
    return values["version"]


def _not_template():
    return DomainError(
        "not_template",
        _(
            "This file is not a report template of the portal: download the template from "
            "the report's page, fill it in and upload it."
        ),
        field="file",
    )


class _Reader:
    def __init__(self, report, problems):
        self.agreement = report.agreement
        self.problems = problems

    def clean(self, field, value, sheet, row, column):
        if isinstance(value, str) and not value.strip():
            value = None
        try:
            return field.clean(value)
        except ValidationError as error:
            self.problems.append(SheetProblem(sheet.title, f"{column}{row}", error.messages[0]))
            return None

    def refuse(self, sheet, row, column, message):
        self.problems.append(SheetProblem(sheet.title, f"{column}{row}", str(message)))

    def report_sheet(self, sheet):
        kinds = {key: kind for key, _label, kind in layout.scalar_rows()}
        fields = ReportMainForm.base_fields
        main = {name: "" if kinds[name] != layout.COUNT else None for name in kinds}
        main = {key: value for key, value in main.items() if not key.startswith("service:")}
        services = {}
        for row, (key, _label, value) in _rows(sheet, 3):
            if key is None and value is None:
                continue
            if key not in kinds:
                self.refuse(sheet, row, "B", _("This row is not part of the template."))
                continue
            if key.startswith("service:"):
                count = self.clean(COUNT, value, sheet, row, "C")
                if count is not None:
                    services[key.removeprefix("service:")] = count
            else:
                cleaned = self.clean(fields[key], value, sheet, row, "C")
                main[key] = cleaned if kinds[key] == layout.COUNT else cleaned or ""
        return main, services

    def beneficiaries(self, sheet):
        groups = _by_names(self.agreement.target_groups.all())
        etraps = _by_names(self.agreement.etraps.all())
        sexes, ages = _by_labels(layout.sexes), _by_labels(layout.age_bands)
        cells, seen = [], set()
        for row, (group, etrap, sex, age, new, continuing) in _rows(sheet, 6):
            new = self.clean(CELL_NUMBER, new, sheet, row, "E") if new is not None else 0
            continuing = (
                self.clean(CELL_NUMBER, continuing, sheet, row, "F")
                if continuing is not None
                else 0
            )
            if not new and not continuing:
                continue
            found = []
            for column, value, known, message in (
                ("A", group, groups, _("Choose one of the agreement's target groups.")),
                ("B", etrap, etraps, _("Choose one of the agreement's etraps.")),
                ("C", sex, sexes, _("Choose a sex from the list.")),
                ("D", age, ages, _("Choose an age group from the list.")),
            ):
                match = known.get(str(value).strip()) if value is not None else None
                if match is None:
                    self.refuse(sheet, row, column, message)
                found.append(match)
            if None in found:
                continue
            key = (found[0].pk, found[1].pk, found[2], found[3])
            if key in seen:
                self.refuse(
                    sheet,
                    row,
                    "A",
                    _("Each combination of target group, etrap, sex and age may appear only once."),
                )
                continue
            seen.add(key)
            cells.append(BeneficiaryCell(*found, new=new or 0, continuing=continuing or 0))
        return tuple(cells)

    def targets(self, sheet):
        values = {target.pk: None for target in self.agreement.targets.all()}
        for row, (key, _label, _number, value) in _rows(sheet, 4):
            if key is None and value is None:
                continue
            if key not in values:
                self.refuse(sheet, row, "B", _("This row is not one of the agreement's targets."))
                continue
            values[key] = self.clean(COUNT, value, sheet, row, "D")
        return values

    def expenditure(self, sheet):
        amounts = {line.pk: (None, "") for line in self.agreement.budget_lines.all()}
        explanation_field = TextAreaField(required=False)
        for row, (key, _label, _budget, amount, explanation) in _rows(sheet, 5):
            if key is None and amount is None and explanation is None:
                continue
            if key not in amounts:
                self.refuse(
                    sheet, row, "B", _("This row is not one of the agreement's budget lines.")
                )
                continue
            amounts[key] = (
                self.clean(AMOUNT, amount, sheet, row, "D"),
                self.clean(explanation_field, explanation, sheet, row, "E") or "",
            )
        return amounts


def _rows(sheet, width):
    """``(row number, values)`` of the data rows, each padded or cut to ``width`` values."""
    for row, values in enumerate(
        sheet.iter_rows(min_row=layout.FIRST_ROW, values_only=True), start=layout.FIRST_ROW
    ):
        padded = [value for value, _fill in zip_longest(values[:width], range(width))]
        if any(value is not None for value in padded):
            yield row, padded


def _by_names(objects):
    """Reference objects by their name in any of the portal's languages."""
    found = {}
    for item in objects:
        for name in (item.name_tk, item.name_ru, item.name_en):
            found.setdefault(name.strip(), item)
    return found


def _by_labels(choices):
    """Choice values by their label in any of the portal's languages (and by the value)."""
    found = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for value, label in choices():
                found.setdefault(str(label), value)
    for value, _label in choices():
        found.setdefault(value, value)
    return found
