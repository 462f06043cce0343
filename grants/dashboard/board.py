"""The dashboard across every pilot: its filters, figures, tables and charts, put together once
for the page and for the exports, so the files hold exactly what the page shows."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from grants.dashboard import charts, figures
from grants.dashboard import tables as t
from grants.dashboard.cached import board_figures
from grants.dashboard.filters import DashboardFilter
from portal.pagination import paginate

COUNTING_RULE = _(
    "Only accepted reports count. Once a grant's final report is accepted it stands for the "
    "whole grant instead of its period reports; the trend over time uses accepted period "
    "reports. Service users are counted once, in the period they were first served."
)


@dataclass(frozen=True)
class Section:
    """A table with the chart drawn from it (None where a table reads better alone) and, for a
    table with a row per grant on the page, the page of grants it shows."""

    table: t.Table
    chart: charts.Chart | None = None
    page: object = None


class Tables:
    """A page of a ``summary`` table and ``sections``: its tables in order, and one by key (for
    the exports)."""

    @property
    def tables(self):
        return (self.summary, *(section.table for section in self.sections))

    def table(self, key):
        return next((table for table in self.tables if table.key == key), None)


@dataclass(frozen=True)
class Board(Tables):
    filter: DashboardFilter
    summary: t.Table
    sections: tuple

    @property
    def valid(self):
        return self.filter.is_valid()


def dashboard_board(request, today, *, paginated=False):
    """The dashboard for ``request.user`` with the filters in ``request.GET`` on ``today``.

    A filter value that is not offered shows no figures (and its error next to the field).
    ``paginated`` (the page) lists one page of grants, the page ``request.GET`` asks for; the
    figures and totals are still summed over every chosen grant. Exports list every grant.
    """
    agreements = figures.dashboard_agreements(request.user)
    filters = DashboardFilter(request.GET, queryset=agreements, request=request)
    chosen = filters.qs if filters.is_valid() else agreements.none()
    numbers = board_figures(chosen, today)
    return Board(
        filter=filters,
        summary=summary_table(numbers["totals"]),
        sections=(
            _by_target_group(numbers["by_target_group"]),
            _by_etrap(numbers["by_etrap"]),
            _over_time(numbers["over_time"]),
            _deadlines(numbers["deadlines"]),
            _agreements(
                figures.agreement_figures(chosen, today), numbers["totals"], request, paginated
            ),
            _tranches(numbers["tranches"]),
        ),
    )


def summary_table(totals):
    return figures_table(
        (
            (t.text(_("Grants monitored")), t.count(totals["agreements"])),
            *money_and_reach_rows(
                budget=totals["budget"],
                spent=totals["spent"],
                burn_rate=totals["burn_rate"],
                reached=totals["reached"],
                tranches_due=totals["tranches_due"],
                tranches_paid=totals["tranches_paid"],
            ),
            (t.text(_("Reports overdue")), t.count(totals["reports_overdue"])),
        )
    )


def figures_table(rows):
    """A page's summary table: one labelled figure per row."""
    return t.Table(
        key="summary",
        title=_("Summary"),
        sheet=_("Summary"),
        columns=(t.label(_("Figure")), t.number(_("Value"))),
        rows=rows,
    )


def money_and_reach_rows(*, budget, spent, burn_rate, reached, tranches_due, tranches_paid):
    """The summary rows the whole dashboard and one grant's page share, in the same words."""
    return (
        (t.text(_("Budget (TMT)")), t.money(budget)),
        (t.text(_("Accepted expenditure (TMT)")), t.money(spent)),
        (t.text(_("Burn rate (%)")), t.percent(burn_rate)),
        (t.text(_("Service users reached")), t.count(reached)),
        (t.text(_("Tranches due, not paid (TMT)")), t.money(tranches_due)),
        (t.text(_("Tranches paid (TMT)")), t.money(tranches_paid)),
    )


TARGET = _("Target")
REACHED = _("Service users reached")
SHARE = _("Share of target (%)")


def _against_targets(key, title, sheet, rows, names, description):
    table = t.Table(
        key=key,
        title=title,
        sheet=sheet,
        columns=(
            *(t.label(name) for name, _value in names),
            t.number(TARGET),
            t.number(REACHED),
            t.number(SHARE),
        ),
        rows=tuple(
            (
                *(t.text(value(row)) for _name, value in names),
                t.count(row.target),
                t.count(row.reached),
                t.percent(row.share),
            )
            for row in rows
        ),
    )
    chart = charts.bar_chart(
        key=key,
        title=title,
        description=description,
        categories=[" · ".join(cell.text for cell in row[: len(names)]) for row in table.rows],
        series=[
            charts.Series(TARGET, tuple(row[len(names)].value for row in table.rows), t.COUNT),
            charts.Series(REACHED, tuple(row[len(names) + 1].value for row in table.rows), t.COUNT),
        ],
    )
    return Section(table, chart if table.rows else None)


def _by_target_group(rows):
    return _against_targets(
        "by-target-group",
        _("Service users reached against targets, by target group"),
        _("By target group"),
        rows,
        [(_("Target group"), lambda row: row.name)],
        _("Bars compare each target group's target with the service users reached so far."),
    )


def _by_etrap(rows):
    return _against_targets(
        "by-etrap",
        _("Service users reached against targets, by etrap"),
        _("By etrap"),
        rows,
        [(_("Velayat"), lambda row: row.velayat.name), (_("Etrap"), lambda row: row.name)],
        _("Bars compare each etrap's target with the service users reached so far."),
    )


def _over_time(rows):
    title = _("Service users reached over time")
    table = t.Table(
        key="over-time",
        title=title,
        sheet=_("Over time"),
        columns=(
            t.label(_("Reporting periods ending in")),
            t.number(_("New service users")),
            t.number(_("Continuing service users")),
            t.number(_("New service users, cumulative")),
        ),
        rows=tuple(
            (
                t.month(row["month"]),
                t.count(row["new_users"]),
                t.count(row["continuing_users"]),
                t.count(row["cumulative"]),
            )
            for row in rows
        ),
        note=_("From accepted period reports only."),
    )
    chart = charts.line_chart(
        key="over-time",
        title=title,
        description=_("A line of the cumulative number of new service users, month by month."),
        labels=[row[0].text for row in table.rows],
        series=[
            charts.Series(
                _("New service users, cumulative"),
                tuple(row[3].value for row in table.rows),
                t.COUNT,
            )
        ],
        kind=t.COUNT,
    )
    return Section(table, chart if table.rows else None)


def _deadlines(counts):
    title = _("Reports against their deadlines")
    table = t.Table(
        key="deadlines",
        title=title,
        sheet=_("Deadlines"),
        columns=(t.label(_("Status")), t.number(_("Reports"))),
        rows=tuple(
            (t.text(status.label), t.count(counts[status.value])) for status in figures.Deadline
        ),
        note=_("Overdue: open after the due date. On time or late: by the first submission."),
    )
    chart = charts.bar_chart(
        key="deadlines",
        title=title,
        description=_("One bar per deadline status, as long as the number of reports in it."),
        categories=[row[0].text for row in table.rows],
        series=[charts.Series(_("Reports"), tuple(row[1].value for row in table.rows), t.COUNT)],
    )
    return Section(table, chart)


def _agreements(rows, totals, request, paginated):
    page = paginate(request, rows) if paginated else None
    if page is not None:
        rows = page.object_list
    title = _("Spending against budget and tranches, by grant")
    table = t.Table(
        key="grants",
        title=title,
        sheet=_("By grant"),
        columns=(
            t.label(_("Grant")),
            t.label(_("Provider")),
            t.label(_("Velayat")),
            t.label(_("Service type")),
            t.label(_("State")),
            t.number(_("Budget (TMT)")),
            t.number(_("Accepted expenditure (TMT)")),
            t.number(_("Burn rate (%)")),
            t.number(REACHED),
            t.number(_("Tranches due, not paid (TMT)")),
            t.number(_("Tranches paid (TMT)")),
            t.number(_("Reports overdue")),
        ),
        rows=tuple(
            (
                t.text(row.reference, reverse("grants:dashboard_grant", args=[row.pk])),
                t.text(row.grantee.name),
                t.text(row.velayat.name),
                t.text(row.service_type.name),
                t.text(row.get_state_display()),
                t.money(row.amount),
                t.money(row.spent),
                t.percent(row.burn_rate),
                t.count(row.reached),
                t.money(row.tranches_due),
                t.money(row.tranches_paid),
                t.count(row.reports_overdue),
            )
            for row in rows
        ),
        footer=(
            (
                t.text(_("Total")),
                *(t.text("") for _column in range(4)),
                t.money(totals["budget"]),
                t.money(totals["spent"]),
                t.percent(totals["burn_rate"]),
                t.count(totals["reached"]),
                t.money(totals["tranches_due"]),
                t.money(totals["tranches_paid"]),
                t.count(totals["reports_overdue"]),
            ),
        ),
        note=_("Burn rate: accepted expenditure as a share of the budget."),
    )
    chart = charts.bar_chart(
        key="grants",
        title=_("Burn rate by grant"),
        description=_("One bar per grant, and one for all of them, as long as its burn rate."),
        categories=[row[0].text for row in table.all_rows],
        series=[
            charts.Series(
                _("Burn rate (%)"), tuple(row[7].value for row in table.all_rows), t.PERCENT
            )
        ],
        reference=(100, "100 %"),
    )
    return Section(table, chart if table.rows else None, page)


def _tranches(counts):
    title = _("Tranches due and paid")
    labels = {
        "eligible": _("Eligible, waiting for approval"),
        "approved": _("Approved, waiting for payment"),
        "paid": _("Paid"),
    }
    table = t.Table(
        key="tranches",
        title=title,
        sheet=_("Tranches"),
        columns=(t.label(_("Tranches")), t.number(_("Number")), t.number(_("Amount (TMT)"))),
        rows=tuple(
            (t.text(name), t.count(counts[f"{state}_count"]), t.money(counts[f"{state}_amount"]))
            for state, name in labels.items()
        ),
    )
    chart = charts.bar_chart(
        key="tranches",
        title=title,
        description=_("One bar per payment stage, as long as the amount of its tranches."),
        categories=[row[0].text for row in table.rows],
        series=[
            charts.Series(_("Amount (TMT)"), tuple(row[2].value for row in table.rows), t.MONEY)
        ],
    )
    return Section(table, chart)
