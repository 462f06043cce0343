"""One grant on the dashboard: its summary, its indicators per period, spending by budget line,
its reports against their deadlines and its tranches. Each is one query, however many reports
the grant has."""

from dataclasses import dataclass

from django.db.models import F, OuterRef, Sum, ValueRange, Window
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants.dashboard import charts, figures
from grants.dashboard import tables as t
from grants.dashboard.board import (
    TARGET,
    Section,
    Tables,
    figures_table,
    money_and_reach_rows,
)
from grants.models import (
    GrantAgreement,
    ReportExpenditure,
    ReportKind,
    ReportState,
    ReportTargetValue,
)


@dataclass(frozen=True)
class GrantPage(Tables):
    agreement: GrantAgreement
    summary: t.Table
    sections: tuple


def grant_page(user, pk, today):
    """The dashboard page of agreement ``pk`` for ``user`` on ``today`` (Http404 when the user
    does not monitor it)."""
    agreement = figures.dashboard_agreement_for(user, pk)
    one = GrantAgreement.objects.filter(pk=agreement.pk)
    row = figures.agreement_figures(one, today).get()
    deadlines = figures.report_deadlines(one, today)
    return GrantPage(
        agreement=agreement,
        summary=_summary(row, deadlines),
        sections=(
            _indicators(indicator_trend(agreement)),
            _budget_lines(budget_lines(agreement)),
            _reports(figures.with_deadline(agreement.reports.all(), today).order_by("number")),
            _tranches(agreement.tranches.select_related("report").order_by("position", "pk")),
        ),
    )


def indicator_trend(agreement):
    """The values given for each of the agreement's targets in its accepted period reports,
    in order, with ``cumulative`` (the values so far) and ``share`` (cumulative as a percentage
    of the target)."""
    so_far = Window(
        Sum(Coalesce("value", 0)),
        partition_by=[F("target_id")],
        order_by=F("report__number").asc(),
        frame=ValueRange(start=None, end=0),
    )
    values = ReportTargetValue.objects.filter(
        report__agreement=agreement,
        report__state=ReportState.ACCEPTED,
        report__kind=ReportKind.PERIOD,
    )
    return (
        values.select_related("report", "target__target_group", "target__etrap")
        .annotate(cumulative=so_far)
        .annotate(share=figures.percentage(F("cumulative"), F("target__number")))
        .order_by("target__position", "target_id", "report__number")
    )


def budget_lines(agreement):
    """The agreement's budget lines with ``spent`` in the counted reports and ``burn_rate``."""
    spent = ReportExpenditure.objects.filter(figures.counted(), budget_line=OuterRef("pk"))
    return (
        agreement.budget_lines.annotate(spent=figures.subquery_sum(spent, "amount", figures.MONEY))
        .annotate(burn_rate=figures.percentage(F("spent"), F("amount")))
        .order_by("position", "pk")
    )


def _summary(row, deadlines):
    return figures_table(
        (
            *money_and_reach_rows(
                budget=row.amount,
                spent=row.spent,
                burn_rate=row.burn_rate,
                reached=row.reached,
                tranches_due=row.tranches_due,
                tranches_paid=row.tranches_paid,
            ),
            *(
                (
                    t.text(_("Reports: %(status)s") % {"status": status.label}),
                    t.count(deadlines[status]),
                )
                for status in figures.Deadline
            ),
        )
    )


def _indicators(values):
    title = _("Indicators per period")
    table = t.Table(
        key="indicators",
        title=title,
        sheet=_("Indicators"),
        columns=(
            t.label(_("Indicator")),
            t.label(_("Report")),
            t.label(_("Period end")),
            t.number(_("Value")),
            t.number(_("Cumulative")),
            t.number(TARGET),
            t.number(_("Cumulative share of target (%)")),
        ),
        rows=tuple(
            (
                t.text(value.target.label),
                t.text(value.report.label),
                t.day(value.report.period_end),
                t.count(value.value),
                t.count(value.cumulative),
                t.count(value.target.number),
                t.percent(value.share),
            )
            for value in values
        ),
        note=_("From accepted period reports only."),
    )
    return Section(table, _indicator_chart(title, table) if table.rows else None)


def _indicator_chart(title, table):
    # One line per indicator across the reports any indicator has a value for, in order.
    reports = list(dict.fromkeys(row[1].value for row in table.rows))
    shares = {}
    for row in table.rows:
        shares.setdefault(row[0].value, {})[row[1].value] = row[6].value
    return charts.line_chart(
        key="indicators",
        title=title,
        description=_(
            "One line per indicator: the values reported so far as a share of its target, "
            "report by report."
        ),
        labels=reports,
        series=[
            charts.Series(name, tuple(by_report.get(report) for report in reports), t.PERCENT)
            for name, by_report in shares.items()
        ],
        kind=t.PERCENT,
        floor=100,
    )


def _budget_lines(lines):
    title = _("Spending by budget line")
    table = t.Table(
        key="budget-lines",
        title=title,
        sheet=_("Budget lines"),
        columns=(
            t.label(_("Budget line")),
            t.label(_("Category")),
            t.number(_("Budget (TMT)")),
            t.number(_("Accepted expenditure (TMT)")),
            t.number(_("Burn rate (%)")),
        ),
        rows=tuple(
            (
                t.text(line.description),
                t.text(line.get_category_display()),
                t.money(line.amount),
                t.money(line.spent),
                t.percent(line.burn_rate),
            )
            for line in lines
        ),
    )
    chart = charts.bar_chart(
        key="budget-lines",
        title=title,
        description=_("For each budget line, its budget and the accepted expenditure."),
        categories=[row[0].text for row in table.rows],
        series=[
            charts.Series(_("Budget (TMT)"), tuple(row[2].value for row in table.rows), t.MONEY),
            charts.Series(
                _("Accepted expenditure (TMT)"), tuple(row[3].value for row in table.rows), t.MONEY
            ),
        ],
    )
    return Section(table, chart if table.rows else None)


def _reports(reports):
    table = t.Table(
        key="reports",
        title=_("Reports"),
        sheet=_("Reports"),
        columns=(
            t.label(_("Report")),
            t.label(_("Period start")),
            t.label(_("Period end")),
            t.label(_("Due date")),
            t.label(_("State")),
            t.label(_("Deadline")),
            t.label(_("Overdue since")),
            t.label(_("First submitted on")),
        ),
        rows=tuple(
            (
                t.text(report.label),
                t.day(report.period_start),
                t.day(report.period_end),
                t.day(report.due_date),
                t.text(report.get_state_display()),
                t.text(figures.Deadline(report.deadline).label if report.deadline else ""),
                t.day(report.overdue_since),
                t.day(report.first_submitted_on),
            )
            for report in reports
        ),
    )
    return Section(table)


def _tranches(tranches):
    table = t.Table(
        key="tranches",
        title=_("Tranches"),
        sheet=_("Tranches"),
        columns=(
            t.label(_("Tranche")),
            t.number(_("Amount (TMT)")),
            t.label(_("Paid after")),
            t.label(_("State")),
            t.label(_("Eligible since")),
            t.label(_("Payment date")),
        ),
        rows=tuple(
            (
                t.text(tranche.position),
                t.money(tranche.amount),
                t.text(
                    f"{tranche.get_condition_display()}: {tranche.report.label}"
                    if tranche.report
                    else tranche.get_condition_display()
                ),
                t.text(tranche.get_state_display()),
                t.day(tranche.eligible_at and timezone.localdate(tranche.eligible_at)),
                t.day(tranche.paid_on),
            )
            for tranche in tranches
        ),
    )
    return Section(table)
