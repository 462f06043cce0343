"""Reports open when their period ends; reminders, the overdue flag and the officers' alert
come from the sweep, once each however often it runs."""

import datetime

import pytest
import time_machine

from grants.models import ReportState
from grants.services import report_submit
from grants.services.report_deadlines import deadline_steps, next_step_day
from tests.factories.grants import (
    GrantAgreementFactory,
    PilotReportFactory,
    fill_report,
    grantee_admin,
    grantee_member,
)
from workflows import sweeps
from workflows.audit import history
from workflows.models import OutboxMessage

pytestmark = pytest.mark.django_db

D = datetime.date
DUE = D(2027, 4, 15)


def at(day, hour=9):
    """``day`` at ``hour`` o'clock in Ashgabat (UTC+5)."""
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, hour - 5, 0, tzinfo=datetime.UTC),
        tick=False,
    )


def sweep_on(day):
    with at(day):
        return sweeps.run_all()


def days(n):
    return datetime.timedelta(days=n)


# The rules, without the database


@pytest.mark.parametrize(
    "day, steps",
    [
        (DUE - days(8), []),
        (DUE - days(7), ["before-7"]),
        (DUE - days(2), ["before-7"]),
        (DUE - days(1), ["before-1"]),
        (DUE, ["before-1"]),
        (DUE + days(1), ["overdue-0"]),
        (DUE + days(7), ["overdue-0"]),
        (DUE + days(8), ["overdue-1"]),
        (DUE + days(13), ["overdue-1"]),
        (DUE + days(14), ["overdue-1", "escalate"]),
        (DUE + days(15), ["overdue-2", "escalate"]),
    ],
)
def test_the_steps_due_on_each_day(day, steps):
    assert deadline_steps(DUE, day, escalated=False) == steps


def test_the_alert_is_not_repeated_once_sent():
    assert deadline_steps(DUE, DUE + days(20), escalated=True) == ["overdue-2"]


@pytest.mark.parametrize(
    "after, escalated, following",
    [
        (DUE - days(20), False, DUE - days(7)),
        (DUE - days(7), False, DUE - days(1)),
        (DUE - days(1), False, DUE + days(1)),
        (DUE + days(1), False, DUE + days(8)),
        (DUE + days(8), False, DUE + days(14)),
        (DUE + days(14), True, DUE + days(15)),
        (DUE + days(15), True, DUE + days(22)),
    ],
)
def test_the_next_day_with_something_to_do(after, escalated, following):
    assert next_step_day(DUE, after, escalated=escalated) == following


# Opening


def test_a_report_opens_the_day_after_its_period_ends_and_tells_the_writers():
    agreement = GrantAgreementFactory(
        active=True, start_date=D(2027, 1, 1), end_date=D(2027, 12, 31)
    )
    editor = grantee_member(agreement)

    sweep_on(D(2027, 3, 31))
    first = agreement.reports.get(number=1)
    assert first.state == ReportState.SCHEDULED

    handled = sweep_on(D(2027, 4, 1))
    again = sweep_on(D(2027, 4, 1))

    first.refresh_from_db()
    assert (handled["grants.open_reports"], again["grants.open_reports"]) == (1, 0)
    assert first.state == ReportState.OPEN
    assert first.next_reminder_on == D(2027, 4, 8)
    assert history(first).get(action="open").actor is None
    recipients = OutboxMessage.objects.filter(event="grants.report_opened").values_list(
        "recipient", flat=True
    )
    assert editor.pk in recipients
    assert set(agreement.reports.exclude(number=1).values_list("state", flat=True)) == {
        ReportState.SCHEDULED
    }


def test_a_report_opening_after_its_due_date_is_flagged_in_the_same_pass(officer):
    agreement = GrantAgreementFactory(
        active=True, start_date=D(2027, 1, 1), end_date=D(2027, 12, 31)
    )

    sweep_on(D(2027, 5, 10))
    sweep_on(D(2027, 5, 10))

    first = agreement.reports.get(number=1)
    assert (first.state, first.overdue_since) == (ReportState.OPEN, D(2027, 4, 16))
    assert sent("grants.report_overdue") == 1
    assert sent("grants.report_escalated") == 1
    assert first.next_reminder_on == D(2027, 5, 14)


@pytest.mark.parametrize("state", ["terminated", "completed"])
def test_reports_of_agreements_not_under_way_do_not_open(state):
    agreement = GrantAgreementFactory(
        **{state: True}, start_date=D(2027, 1, 1), end_date=D(2027, 12, 31)
    )
    states = list(agreement.reports.values_list("state", flat=True))

    sweep_on(D(2027, 5, 1))

    assert list(agreement.reports.values_list("state", flat=True)) == states


def test_a_suspended_agreement_still_reports():
    agreement = GrantAgreementFactory(
        suspended=True, start_date=D(2027, 1, 1), end_date=D(2027, 12, 31)
    )

    sweep_on(D(2027, 4, 1))

    assert agreement.reports.get(number=1).state == ReportState.OPEN


# Reminders, overdue and the alert


@pytest.fixture
def report(officer):
    return PilotReportFactory(
        open=True,
        period_start=D(2027, 3, 1),
        period_end=D(2027, 3, 31),
        due_date=DUE,
        next_reminder_on=DUE - days(7),
    )


def grant_messages():
    # Other apps' sweeps run too (a test tender closes when time travels past its deadline).
    return OutboxMessage.objects.filter(event__startswith="grants.")


def sent(event):
    return OutboxMessage.objects.filter(event=event, channel="email").count()


def test_nothing_is_sent_before_a_week_ahead(report):
    sweep_on(DUE - days(8))

    assert not grant_messages().exists()


def test_reminders_a_week_and_a_day_ahead_go_once_each(report):
    editor = grantee_member(report.agreement)

    for day in (DUE - days(7), DUE - days(7), DUE - days(5), DUE - days(1), DUE - days(1), DUE):
        sweep_on(day)

    reminders = OutboxMessage.objects.filter(event="grants.report_reminder", channel="email")
    assert reminders.count() == 4  # admin and editor, 7 days and 1 day ahead
    assert editor.pk in reminders.values_list("recipient", flat=True)
    report.refresh_from_db()
    assert report.overdue_since is None
    assert report.next_reminder_on == DUE + days(1)


def test_the_day_after_the_due_date_the_report_is_flagged_overdue_once(report):
    for day in (DUE - days(7), DUE - days(1)):
        sweep_on(day)

    sweep_on(DUE + days(1))
    sweep_on(DUE + days(1))

    report.refresh_from_db()
    assert report.state == ReportState.OPEN
    assert report.overdue_since == DUE + days(1)
    assert history(report).filter(action="mark_overdue").count() == 1
    assert sent("grants.report_overdue") == 1
    assert report.next_reminder_on == DUE + days(8)


def test_overdue_reminders_come_every_seven_days_and_officers_hear_after_fourteen(report, officer):
    for offset in range(1, 30):
        sweep_on(DUE + days(offset))
        sweep_on(DUE + days(offset))

    # Days 1, 8, 15, 22 and 29 after the due date.
    assert sent("grants.report_overdue") == 5
    alerts = OutboxMessage.objects.filter(event="grants.report_escalated", channel="email")
    assert list(alerts.values_list("recipient", flat=True)) == [officer.pk]
    assert alerts.get().context["days_late"] == 14
    report.refresh_from_db()
    assert report.escalated_at is not None
    assert history(report).filter(action="escalate").count() == 1


def test_a_sweep_that_missed_days_catches_up_with_one_message_per_step(report, officer):
    sweep_on(DUE + days(20))
    sweep_on(DUE + days(20))

    assert sent("grants.report_overdue") == 1
    assert sent("grants.report_escalated") == 1
    assert not OutboxMessage.objects.filter(event="grants.report_reminder").exists()


def test_a_submitted_report_gets_no_more_reminders(report):
    fill_report(report)
    sweep_on(DUE - days(7))
    with at(DUE - days(3)):
        report_submit(actor=grantee_admin(report.agreement), report=report)

    sweep_on(DUE + days(1))

    assert not OutboxMessage.objects.filter(event="grants.report_overdue").exists()


def test_reports_of_a_terminated_agreement_are_not_chased():
    agreement = GrantAgreementFactory(terminated=True, reports=False)
    PilotReportFactory(agreement=agreement, open=True, due_date=DUE, next_reminder_on=DUE)

    sweep_on(DUE + days(1))

    assert not grant_messages().exists()
