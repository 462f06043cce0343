"""Figures as labelled tables: what the pages show under each chart and what the exports hold.

A cell keeps its raw value (an int, a Decimal, a date or text) and its kind; the page shows it
formatted in the reader's language, the CSV and XLSX files keep the number itself.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats
from django.utils.translation import gettext_lazy as _

from portal import formatting

TEXT = "text"
COUNT = "count"
MONEY = "money"
PERCENT = "percent"
DATE = "date"
MONTH = "month"
NUMERIC_KINDS = (COUNT, MONEY, PERCENT)
ONE_PLACE = Decimal("0.1")
CENT = Decimal("0.01")


def rate(value):
    """A percentage computed by the database (a float, or None) as a Decimal to one place."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def amount(value):
    """An amount from the database (Decimal, int or float on SQLite) as a Decimal in cents."""
    return Decimal(str(value or 0)).quantize(CENT)


def display(value, kind):
    """``value`` written for people in the active language."""
    if value is None or value == "":
        return "—"
    if kind == COUNT:
        return formatting.whole(value)
    if kind == MONEY:
        return formatting.money(value)
    if kind == PERCENT:
        return formatting.share(value)
    if kind == DATE:
        return formatting.day(value)
    if kind == MONTH:
        return formats.date_format(value, "YEAR_MONTH_FORMAT")
    return str(value)


@dataclass(frozen=True)
class Cell:
    value: object
    kind: str = TEXT
    link: str = ""

    @property
    def text(self):
        return display(self.value, self.kind)

    @property
    def numeric(self):
        return self.kind in NUMERIC_KINDS

    @property
    def export_value(self):
        """The value for a file: numbers and dates as they are, text as a string."""
        if self.value is None:
            return None
        if self.kind in NUMERIC_KINDS or isinstance(self.value, datetime.date):
            return self.value
        return str(self.value)


@dataclass(frozen=True)
class Column:
    label: object
    numeric: bool = False


@dataclass(frozen=True)
class Table:
    """``key`` names the table in the export's address and file, ``sheet`` (a short title) its
    spreadsheet tab; ``rows`` are tuples of cells in the order of ``columns``; ``footer`` rows
    (totals) follow them."""

    key: str
    title: object
    sheet: object
    columns: tuple
    rows: tuple
    footer: tuple = ()
    note: object = ""
    empty: object = field(default=_("Nothing to show for this selection."))

    @property
    def all_rows(self):
        return (*self.rows, *self.footer)

    def header(self):
        return [str(column.label) for column in self.columns]

    def export_rows(self):
        return [[cell.export_value for cell in row] for row in self.all_rows]


def text(value, link=""):
    return Cell(value, TEXT, link)


def count(value):
    return Cell(int(value or 0), COUNT)


def money(value):
    return Cell(amount(value), MONEY)


def percent(value):
    return Cell(rate(value), PERCENT)


def day(value):
    return Cell(value, DATE)


def month(value):
    return Cell(value, MONTH)


def label(value):
    return Column(value)


def number(value):
    return Column(value, numeric=True)
