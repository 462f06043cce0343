"""Amounts and days written for people, in the active language."""

import datetime
from decimal import Decimal

from django.utils import formats


def whole(value):
    """A count grouped as the language writes it: ``"2 218"``, ``"2,218"``."""
    return formats.number_format(value, use_l10n=True, force_grouping=True)


def share(value):
    """A percentage with one decimal, as the dashboard writes it: ``"48,8"``, ``"48.8"``."""
    return formats.number_format(value, decimal_pos=1, use_l10n=True)


def money(value):
    """``"12 500,00"``-style TMT amount with two decimals, grouped as the language writes it."""
    return formats.number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)


def day(value):
    """``"15 March 2026"`` in the active language; accepts a date or an ISO date string."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    return formats.date_format(value, "j E Y")


def percent(value):
    """A percentage without trailing zeros: ``"10"``, ``"12,5"``."""
    value = Decimal(value)
    places = max(-value.normalize().as_tuple().exponent, 0)
    return formats.number_format(value, decimal_pos=places, use_l10n=True)
