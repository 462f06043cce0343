"""The reporting schedule of a grant, computed from its dates alone (no database).

Periods follow the calendar: a monthly grant reports per calendar month, a quarterly one per
calendar quarter (January–March, April–June, ...). A grant starting mid-month (or mid-quarter)
has a short first period from its start date to the end of that month (or quarter); the last
period ends on the grant's end date. Periods are contiguous, never overlap and cover the grant
exactly. Each report is due a fixed number of days after its period ends; the final report
covers the whole grant and is due that many days after the end date.
"""

import calendar
import datetime
from dataclasses import dataclass

MONTHLY = "monthly"
QUARTERLY = "quarterly"
ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """A reporting period, both days included, and the day its report is due."""

    number: int
    start: datetime.date
    end: datetime.date
    due: datetime.date


def calendar_period_end(day, frequency):
    """The last day of the calendar month (``monthly``) or quarter (``quarterly``) of ``day``."""
    if frequency == MONTHLY:
        month = day.month
    elif frequency == QUARTERLY:
        month = ((day.month - 1) // 3 + 1) * 3
    else:
        raise ValueError(f"Unknown reporting frequency: {frequency!r}")
    return datetime.date(day.year, month, calendar.monthrange(day.year, month)[1])


def reporting_periods(start, end, frequency, due_days):
    """The periods of a grant running from ``start`` to ``end`` (both included), numbered from 1.

    Raises ``ValueError`` when ``end`` is before ``start``, ``due_days`` is negative or the
    frequency is unknown.
    """
    if end < start:
        raise ValueError("A grant cannot end before it starts.")
    if due_days < 0:
        raise ValueError("Reports cannot be due before their period ends.")
    periods = []
    cursor = start
    while cursor <= end:
        stop = min(calendar_period_end(cursor, frequency), end)
        periods.append(
            Period(
                number=len(periods) + 1,
                start=cursor,
                end=stop,
                due=stop + datetime.timedelta(days=due_days),
            )
        )
        cursor = stop + ONE_DAY
    return periods


def final_period(start, end, due_days, number):
    """The final report's period: the whole grant, due ``due_days`` after the end date."""
    return Period(number=number, start=start, end=end, due=end + datetime.timedelta(days=due_days))


def middle_period(start, end, frequency):
    """The number of the period that ends half-way through the grant (rounded up), where a
    mid-term tranche is tied by default: period 2 of 4, period 2 of 3, period 6 of 12."""
    count = len(reporting_periods(start, end, frequency, 0))
    return (count + 1) // 2
