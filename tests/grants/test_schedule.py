"""The reporting schedule: calendar periods from the start date to the end date."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grants.schedule import (
    calendar_period_end,
    final_period,
    middle_period,
    reporting_periods,
)

D = datetime.date


def spans(periods):
    return [(period.start, period.end) for period in periods]


def test_a_monthly_grant_starting_mid_month_has_a_short_first_and_last_period():
    periods = reporting_periods(D(2026, 3, 15), D(2026, 6, 10), "monthly", 15)

    assert spans(periods) == [
        (D(2026, 3, 15), D(2026, 3, 31)),
        (D(2026, 4, 1), D(2026, 4, 30)),
        (D(2026, 5, 1), D(2026, 5, 31)),
        (D(2026, 6, 1), D(2026, 6, 10)),
    ]
    assert [period.due for period in periods] == [
        D(2026, 4, 15),
        D(2026, 5, 15),
        D(2026, 6, 15),
        D(2026, 6, 25),
    ]
    assert [period.number for period in periods] == [1, 2, 3, 4]


def test_a_quarterly_grant_follows_calendar_quarters():
    periods = reporting_periods(D(2026, 2, 10), D(2027, 2, 9), "quarterly", 15)

    assert spans(periods) == [
        (D(2026, 2, 10), D(2026, 3, 31)),
        (D(2026, 4, 1), D(2026, 6, 30)),
        (D(2026, 7, 1), D(2026, 9, 30)),
        (D(2026, 10, 1), D(2026, 12, 31)),
        (D(2027, 1, 1), D(2027, 2, 9)),
    ]
    assert periods[0].due == D(2026, 4, 15)
    assert periods[-1].due == D(2027, 2, 24)


def test_a_grant_of_whole_quarters_has_only_full_periods():
    periods = reporting_periods(D(2026, 1, 1), D(2026, 12, 31), "quarterly", 15)

    assert len(periods) == 4
    assert spans(periods)[1] == (D(2026, 4, 1), D(2026, 6, 30))


def test_a_one_day_grant_has_one_period():
    assert spans(reporting_periods(D(2026, 5, 5), D(2026, 5, 5), "monthly", 0)) == [
        (D(2026, 5, 5), D(2026, 5, 5))
    ]


def test_february_ends_on_the_right_day_in_leap_years():
    assert calendar_period_end(D(2028, 2, 3), "monthly") == D(2028, 2, 29)
    assert calendar_period_end(D(2027, 2, 3), "monthly") == D(2027, 2, 28)
    assert calendar_period_end(D(2027, 11, 3), "quarterly") == D(2027, 12, 31)


def test_the_final_report_covers_the_whole_grant_and_is_due_after_its_end():
    final = final_period(D(2026, 3, 15), D(2027, 3, 14), 15, 6)

    assert (final.number, final.start, final.end, final.due) == (
        6,
        D(2026, 3, 15),
        D(2027, 3, 14),
        D(2027, 3, 29),
    )


@pytest.mark.parametrize(
    "start, end, frequency, middle",
    [
        (D(2026, 1, 1), D(2026, 12, 31), "quarterly", 2),
        (D(2026, 1, 1), D(2026, 12, 31), "monthly", 6),
        (D(2026, 1, 15), D(2026, 12, 31), "quarterly", 2),
        (D(2026, 1, 1), D(2026, 1, 31), "monthly", 1),
    ],
)
def test_the_middle_period_ends_half_way_through_the_grant(start, end, frequency, middle):
    assert middle_period(start, end, frequency) == middle


@pytest.mark.parametrize(
    "start, end, frequency, due_days",
    [
        (D(2026, 5, 5), D(2026, 5, 4), "monthly", 15),
        (D(2026, 5, 5), D(2026, 6, 4), "weekly", 15),
        (D(2026, 5, 5), D(2026, 6, 4), "monthly", -1),
    ],
)
def test_impossible_terms_are_refused(start, end, frequency, due_days):
    with pytest.raises(ValueError):
        reporting_periods(start, end, frequency, due_days)


days = st.dates(min_value=D(2020, 1, 1), max_value=D(2035, 12, 31))


@given(
    start=days,
    length=st.integers(min_value=0, max_value=1200),
    frequency=st.sampled_from(["monthly", "quarterly"]),
    due_days=st.integers(min_value=0, max_value=90),
)
def test_periods_are_contiguous_do_not_overlap_and_cover_the_grant_exactly(
    start, length, frequency, due_days
):
    end = start + datetime.timedelta(days=length)

    periods = reporting_periods(start, end, frequency, due_days)

    assert periods[0].start == start
    assert periods[-1].end == end
    for earlier, later in zip(periods, periods[1:], strict=False):
        assert later.start == earlier.end + datetime.timedelta(days=1)
    for period in periods:
        assert period.start <= period.end
        assert period.due == period.end + datetime.timedelta(days=due_days)
        # Every period but the last ends on a calendar boundary and stays inside one.
        assert period.end <= calendar_period_end(period.start, frequency)
    for period in periods[:-1]:
        assert period.end == calendar_period_end(period.start, frequency)
    assert sum((p.end - p.start).days + 1 for p in periods) == length + 1
    assert [period.number for period in periods] == list(range(1, len(periods) + 1))
