"""The XLSX template of one report, in the active language, prefilled with what the report
holds: its period, the agreement's target groups and etraps (one breakdown row for every
combination), targets and budget lines, and the figures saved so far. Number cells are plain
numeric cells with data validation (whole numbers or amounts in the portal's bounds); the
target group, etrap, sex and age cells offer drop-down lists."""

from io import BytesIO
from itertools import product

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation

from grants.spreadsheets import layout
from portal.formatting import whole
from portal.validators import MAX_AMOUNT, MAX_COUNT

BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
AMOUNT_FORMAT = "#,##0.00"


def report_template(report):
    """The template of ``report`` as XLSX bytes."""
    book = Workbook()
    sheets = [book.active] + [book.create_sheet() for _title in layout.SHEET_TITLES[1:]]
    for sheet, title in zip(sheets, layout.SHEET_TITLES, strict=True):
        sheet.title = str(title)
    meta = book.create_sheet(layout.META_SHEET)
    meta.sheet_state = "veryHidden"
    _meta(meta, report)
    _report_sheet(sheets[layout.REPORT], report)
    _beneficiary_sheet(sheets[layout.BENEFICIARIES], report)
    _target_sheet(sheets[layout.TARGETS], report)
    _expenditure_sheet(sheets[layout.EXPENDITURE], report)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _meta(sheet, report):
    values = {
        "report": report.pk,
        "period_start": report.period_start.isoformat(),
        "period_end": report.period_end.isoformat(),
        "version": report.version,
    }
    for key, coordinate in layout.META_CELLS.items():
        sheet[coordinate].offset(column=-1).value = key
        sheet[coordinate] = values[key]
    agreement = report.agreement
    lists = {
        "target_group": [group.name for group in agreement.target_groups.all()],
        "etrap": [etrap.name for etrap in agreement.etraps.all()],
        "sex": [str(label) for _value, label in layout.sexes()],
        "age_band": [str(label) for _value, label in layout.age_bands()],
    }
    for key, column in layout.LIST_COLUMNS.items():
        for row, label in enumerate(lists[key], start=1):
            _text(sheet[f"{column}{row}"], label)


def _list_range(report, key):
    """The absolute range of the very hidden sheet holding the drop-down list ``key``."""
    agreement = report.agreement
    size = {
        "target_group": agreement.target_groups.count(),
        "etrap": agreement.etraps.count(),
        "sex": len(layout.sexes()),
        "age_band": len(layout.age_bands()),
    }[key]
    column = layout.LIST_COLUMNS[key]
    return f"{layout.META_SHEET}!${column}$1:${column}${max(size, 1)}"


def _title(report):
    return _("%(report)s · %(reference)s · period %(start)s – %(end)s") % {
        "report": str(report.label).capitalize(),
        "reference": report.agreement.reference,
        "start": report.period_start.strftime("%d.%m.%Y"),
        "end": report.period_end.strftime("%d.%m.%Y"),
    }


def _hide_keys(sheet):
    sheet.column_dimensions["A"].hidden = True
    sheet.freeze_panes = f"B{layout.FIRST_ROW}"


def _report_sheet(sheet, report):
    _hide_keys(sheet)
    sheet["B1"] = _title(report)
    sheet["B1"].font = BOLD
    _columns(sheet, {"B": _("Item"), "C": _("Value")}, {"B": 50, "C": 60})
    counts = _count_validation(sheet)
    services = {row.kind: row.count for row in report.service_counts.all()}
    for row, (key, label, kind) in enumerate(layout.scalar_rows(), start=layout.FIRST_ROW):
        sheet.cell(row, 1, key)
        _text(sheet.cell(row, 2, None), str(label))
        if key.startswith("service:"):
            value = services.get(key.removeprefix("service:"))
        else:
            value = getattr(report, key)
        cell = sheet.cell(row, 3)
        if kind == layout.COUNT:
            cell.value = value
            counts.add(cell)
        else:
            _text(cell, value or "")
            cell.alignment = WRAP
    length = DataValidation(
        type="textLength", operator="lessThanOrEqual", formula1=str(layout.LINE_MAX_LENGTH)
    )
    _explain(length, _("At most %(max)s characters.") % {"max": layout.LINE_MAX_LENGTH})
    sheet.add_data_validation(length)
    keys = [key for key, _label, _kind in layout.scalar_rows()]
    length.add(sheet.cell(layout.FIRST_ROW + keys.index("services_other_description"), 3))


def _beneficiary_sheet(sheet, report):
    sheet["A1"] = _title(report)
    sheet["A1"].font = BOLD
    _columns(
        sheet,
        {
            "A": _("Target group"),
            "B": _("Etrap"),
            "C": _("Sex"),
            "D": _("Age"),
            "E": _("New"),
            "F": _("Continuing"),
        },
        {"A": 30, "B": 30, "C": 14, "D": 20, "E": 12, "F": 12},
    )
    sheet.freeze_panes = f"A{layout.FIRST_ROW}"
    agreement = report.agreement
    saved = {
        (cell.target_group_id, cell.etrap_id, cell.sex, cell.age_band): cell
        for cell in report.beneficiary_counts.all()
    }
    combinations = product(
        agreement.target_groups.all(), agreement.etraps.all(), layout.sexes(), layout.age_bands()
    )
    row = layout.FIRST_ROW - 1
    for row, (group, etrap, (sex, sex_label), (age, age_label)) in enumerate(
        combinations, start=layout.FIRST_ROW
    ):
        found = saved.get((group.pk, etrap.pk, sex, age))
        for column, label in enumerate((group.name, etrap.name, sex_label, age_label), start=1):
            _text(sheet.cell(row, column), str(label))
        sheet.cell(row, 5, found.new if found else None)
        sheet.cell(row, 6, found.continuing if found else None)
    last = row + layout.SPARE_ROWS
    for column, key in zip("ABCD", ("target_group", "etrap", "sex", "age_band"), strict=True):
        choice = DataValidation(type="list", formula1=_list_range(report, key))
        _explain(choice, _("Choose from the list."))
        sheet.add_data_validation(choice)
        choice.add(f"{column}{layout.FIRST_ROW}:{column}{last}")
    _count_validation(sheet).add(f"E{layout.FIRST_ROW}:F{last}")


def _target_sheet(sheet, report):
    _hide_keys(sheet)
    sheet["B1"] = _title(report)
    sheet["B1"].font = BOLD
    _columns(
        sheet,
        {"B": _("Target"), "C": _("Target over the whole grant"), "D": _("Value this period")},
        {"B": 60, "C": 18, "D": 18},
    )
    values = {row.target_id: row.value for row in report.target_values.all()}
    counts = _count_validation(sheet)
    targets = report.agreement.targets.select_related("target_group", "etrap")
    for row, target in enumerate(targets, start=layout.FIRST_ROW):
        sheet.cell(row, 1, target.pk)
        _text(sheet.cell(row, 2), target.label)
        sheet.cell(row, 3, target.number)
        counts.add(sheet.cell(row, 4, values.get(target.pk)))


def _expenditure_sheet(sheet, report):
    _hide_keys(sheet)
    sheet["B1"] = _title(report)
    sheet["B1"].font = BOLD
    _columns(
        sheet,
        {
            "B": _("Budget line"),
            "C": _("Budget (TMT)"),
            "D": _("Spent in this report (TMT)"),
            "E": _("Explanation if over budget"),
        },
        {"B": 50, "C": 16, "D": 18, "E": 50},
    )
    amounts = DataValidation(
        type="decimal", operator="between", formula1="0", formula2=str(MAX_AMOUNT)
    )
    _explain(amounts, _("An amount from 0 to %(max)s TMT.") % {"max": whole(MAX_AMOUNT)})
    sheet.add_data_validation(amounts)
    rows = {row.budget_line_id: row for row in report.expenditures.all()}
    for row, line in enumerate(report.agreement.budget_lines.all(), start=layout.FIRST_ROW):
        saved = rows.get(line.pk)
        sheet.cell(row, 1, line.pk)
        _text(sheet.cell(row, 2), str(line))
        sheet.cell(row, 3, line.amount).number_format = AMOUNT_FORMAT
        spent = sheet.cell(row, 4, saved.amount if saved else None)
        spent.number_format = AMOUNT_FORMAT
        amounts.add(spent)
        _text(sheet.cell(row, 5), saved.explanation if saved else "").alignment = WRAP


def _columns(sheet, headings, widths):
    for letter, label in headings.items():
        cell = sheet[f"{letter}2"]
        cell.value = str(label)
        cell.font = BOLD
        cell.alignment = WRAP
        sheet.column_dimensions[letter].width = widths[letter]


def _count_validation(sheet):
    counts = DataValidation(type="whole", operator="between", formula1="0", formula2=str(MAX_COUNT))
    _explain(counts, _("A whole number from 0 to %(max)s.") % {"max": whole(MAX_COUNT)})
    sheet.add_data_validation(counts)
    return counts


def _explain(validation, message):
    validation.error = message
    validation.prompt = message
    validation.showErrorMessage = True
    validation.allow_blank = True


def _text(cell, value):
    cell.value = value
    if isinstance(value, str) and value:
        # openpyxl would store a text starting with "=" as a formula.
        cell.data_type = "s"
    return cell
