"""The dashboard's tables as files: one table as CSV, every table as an XLSX workbook.

Headers are the column labels in the reader's language; numbers stay numbers (amounts with
two decimals, percentages with one) and dates stay dates. A text that a spreadsheet would take
for a formula (a provider's name starting with "=") is written as text.
"""

import csv
import datetime
import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from grants.dashboard import tables as t

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER_FORMATS = {
    t.COUNT: "#,##0",
    t.MONEY: "#,##0.00",
    t.PERCENT: "0.0",
    t.DATE: "yyyy-mm-dd",
    t.MONTH: "yyyy-mm",
}
SHEET_NAME_LENGTH = 31
FORBIDDEN_IN_SHEET_NAMES = str.maketrans({char: " " for char in "[]:*?/\\"})


def csv_response(table, filename):
    """``table`` (header and rows, totals included) as a CSV download named ``filename``."""
    response = HttpResponse(content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # The byte order mark tells spreadsheet programs that the file is UTF-8.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(table.header())
    for row in table.all_rows:
        writer.writerow([_csv_value(cell) for cell in row])
    return response


def xlsx_response(tables, filename, *, title, about=()):
    """Every table of ``tables`` on a sheet of its own, after a sheet saying what the file is:
    ``title``, when it was made and ``about`` rows (label, value), as an XLSX download."""
    book = Workbook()
    _about(book.active, title, about)
    names = {book.active.title}
    for table in tables:
        sheet = book.create_sheet(_sheet_name(table.sheet, names))
        _table(sheet, table)
    stream = io.BytesIO()
    book.save(stream)
    response = HttpResponse(stream.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csv_value(cell):
    value = cell.export_value
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return _as_text(value)
    return value


def _as_text(value):
    # A leading apostrophe keeps a spreadsheet from running the text as a formula.
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def _about(sheet, title, about):
    sheet.title = _sheet_name(_("About"), set())
    sheet.append([str(title)])
    sheet["A1"].font = Font(bold=True)
    made = timezone.localtime()
    rows = [(_("Made on"), made.strftime("%Y-%m-%d %H:%M")), *about]
    for label, value in rows:
        sheet.append([str(label), _as_text(str(value))])
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 90


def _table(sheet, table):
    sheet.append(table.header())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in table.all_rows:
        sheet.append([_xlsx_value(cell) for cell in row])
        for written, cell in zip(sheet[sheet.max_row], row, strict=True):
            if isinstance(written.value, str):
                # openpyxl would store a text starting with "=" as a formula.
                written.data_type = "s"
            elif cell.kind in NUMBER_FORMATS:
                written.number_format = NUMBER_FORMATS[cell.kind]
    for letter, column in zip(_letters(len(table.columns)), table.columns, strict=True):
        sheet.column_dimensions[letter].width = max(12, min(len(str(column.label)) + 2, 40))
    sheet.freeze_panes = "A2"


def _xlsx_value(cell):
    value = cell.export_value
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None)
    return value


def _letters(count):
    return [get_column_letter(index) for index in range(1, count + 1)]


def _sheet_name(title, used):
    name = str(title).translate(FORBIDDEN_IN_SHEET_NAMES).strip()[:SHEET_NAME_LENGTH] or "Sheet"
    candidate, number = name, 2
    while candidate.lower() in {existing.lower() for existing in used}:
        suffix = f" ({number})"
        candidate = name[: SHEET_NAME_LENGTH - len(suffix)] + suffix
        number += 1
    used.add(candidate)
    return candidate
