"""The dashboard pages: who may see them, what they show, the filters, the charts."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from grants.dashboard.board import dashboard_board
from grants.dashboard.tables import MONEY
from providers.models import MemberRole
from tests.conftest import sign_in
from tests.factories.grants import grantee_member, officer
from tests.factories.portal import UserFactory
from workflows.models import FileJob

DASHBOARD = reverse("grants:dashboard")


def values(table):
    """A table's rows as raw values, totals included."""
    return [[cell.value for cell in row] for row in table.all_rows]


def figure(board, label):
    return next(row[1].value for row in board.summary.rows if str(row[0].value) == label)


def test_the_dashboard_shows_the_figures_of_every_pilot(officer_client, pilots):
    response = officer_client.get(DASHBOARD)

    assert response.status_code == 200
    board = response.context["board"]
    assert figure(board, "Grants monitored") == 3
    assert figure(board, "Budget (TMT)") == Decimal("250000.00")
    assert figure(board, "Accepted expenditure (TMT)") == Decimal("130000.00")
    assert figure(board, "Burn rate (%)") == Decimal("52.0")
    assert figure(board, "Service users reached") == 45
    assert figure(board, "Tranches due, not paid (TMT)") == Decimal("84000.00")
    assert figure(board, "Tranches paid (TMT)") == Decimal("112000.00")
    assert figure(board, "Reports overdue") == 2
    assert values(board.table("by-target-group")) == [
        ["Elderly people", 130, 25, Decimal("19.2")],
        ["People with disabilities", 40, 20, Decimal("50.0")],
    ]
    assert values(board.table("deadlines")) == [
        ["Submitted on time", 4],
        ["Submitted late", 3],
        ["Due, not submitted yet", 1],
        ["Overdue", 2],
        ["Returned for revision", 1],
    ]


def test_the_grants_table_gives_the_burn_rate_per_grant_and_in_total(officer_client, pilots):
    board = officer_client.get(DASHBOARD).context["board"]

    rows = values(board.table("grants"))
    assert [row[0] for row in rows] == [
        pilots.a1.reference,
        pilots.a2.reference,
        pilots.a3.reference,
        "Total",
    ]
    assert [(row[5], row[6], row[7]) for row in rows] == [
        (Decimal("120000.00"), Decimal("50000.00"), Decimal("41.7")),
        (Decimal("80000.00"), Decimal("76000.00"), Decimal("95.0")),
        (Decimal("50000.00"), Decimal("4000.00"), Decimal("8.0")),
        (Decimal("250000.00"), Decimal("130000.00"), Decimal("52.0")),
    ]
    assert [(row[9], row[10]) for row in rows][-1] == (Decimal("84000.00"), Decimal("112000.00"))


def test_the_page_says_only_accepted_reports_count(officer_client, pilots):
    content = officer_client.get(DASHBOARD).content.decode()

    assert "Only accepted reports count." in content
    assert "From accepted period reports only." in content


def test_every_chart_is_an_accessible_image_followed_by_its_table(officer_client, pilots):
    content = officer_client.get(DASHBOARD).content.decode()

    charts = re.findall(r'<svg [^>]*role="img"[^>]*aria-labelledby="([^"]+)"', content)
    assert len(charts) == 6
    for labelled_by in charts:
        title, description = labelled_by.split()
        assert f'<title id="{title}">' in content
        assert f'<desc id="{description}">' in content
        key = title.removeprefix("chart-").removesuffix("-title")
        after_chart = content[content.index(f'id="{title}"') :]
        assert after_chart.index("</svg>") < after_chart.index(f'<table id="table-{key}"')


def test_chart_coordinates_stay_machine_readable_in_russian(client, pilots):
    sign_in(client, officer(language="ru"))

    content = client.get(DASHBOARD).content.decode()

    svg = content[content.index("<svg") : content.index("</svg>")]
    assert re.search(r'(x|y|width|height)="\d+,\d', svg) is None
    assert "Пожилые люди" in content


def test_the_filters_narrow_the_figures_to_a_velayat(officer_client, pilots):
    board = officer_client.get(DASHBOARD, {"velayat": pilots.balkan.pk}).context["board"]

    assert figure(board, "Grants monitored") == 2
    assert figure(board, "Budget (TMT)") == Decimal("170000.00")
    assert figure(board, "Accepted expenditure (TMT)") == Decimal("54000.00")
    assert figure(board, "Burn rate (%)") == Decimal("31.8")
    assert values(board.table("by-target-group")) == [["Elderly people", 130, 25, Decimal("19.2")]]
    assert [row[1] for row in values(board.table("by-etrap"))] == [pilots.e1.name, pilots.e2.name]
    assert values(board.table("tranches")) == [
        ["Eligible, waiting for approval", 1, Decimal("48000.00")],
        ["Approved, waiting for payment", 1, Decimal("20000.00")],
        ["Paid", 1, Decimal("48000.00")],
    ]


def test_the_table_of_grants_lists_a_page_and_the_totals_count_every_grant(
    officer_client, pilots, monkeypatch
):
    monkeypatch.setattr("portal.pagination.PAGE_SIZE", 1)

    first = officer_client.get(DASHBOARD, {"velayat": pilots.balkan.pk})
    second = officer_client.get(DASHBOARD, {"velayat": pilots.balkan.pk, "page": 2})

    tables = [response.context["board"].table("grants") for response in (first, second)]
    assert [len(table.rows) for table in tables] == [1, 1]
    assert tables[0].rows[0][0].value != tables[1].rows[0][0].value
    assert [values(table)[-1][5] for table in tables] == [Decimal("170000.00")] * 2
    assert figure(second.context["board"], "Grants monitored") == 2
    assert f"velayat={pilots.balkan.pk}&amp;page=2" in first.content.decode()


def test_the_exports_hold_every_grant_whatever_page_the_officer_was_on(
    db, rf, officer, pilots, monkeypatch
):
    monkeypatch.setattr("portal.pagination.PAGE_SIZE", 1)
    request = rf.get(DASHBOARD, {"velayat": pilots.balkan.pk, "page": 2})
    request.user = officer

    board = dashboard_board(request, timezone.localdate())

    assert len(board.table("grants").rows) == 2


def test_the_filters_narrow_the_figures_to_a_service_type(officer_client, pilots):
    board = officer_client.get(DASHBOARD, {"service_type": pilots.disability_support.pk}).context[
        "board"
    ]

    assert figure(board, "Grants monitored") == 1
    assert figure(board, "Service users reached") == 20
    assert figure(board, "Burn rate (%)") == Decimal("95.0")
    assert [row[1:] for row in values(board.table("over-time"))] == [[12, 0, 12], [6, 10, 18]]


def test_the_filters_narrow_the_figures_to_a_provider(officer_client, pilots):
    board = officer_client.get(DASHBOARD, {"provider": pilots.a3.grantee_id}).context["board"]

    assert figure(board, "Grants monitored") == 1
    assert figure(board, "Accepted expenditure (TMT)") == Decimal("4000.00")
    assert values(board.table("deadlines")) == [
        ["Submitted on time", 1],
        ["Submitted late", 0],
        ["Due, not submitted yet", 1],
        ["Overdue", 1],
        ["Returned for revision", 1],
    ]


def test_a_provider_without_a_pilot_is_refused_by_the_filter(officer_client, pilots):
    response = officer_client.get(DASHBOARD, {"provider": pilots.draft.grantee_id})

    board = response.context["board"]
    assert board.filter.errors["provider"]
    assert figure(board, "Grants monitored") == 0
    assert "field--error" in response.content.decode()


def test_the_grant_page_shows_its_indicators_per_period(officer_client, pilots):
    response = officer_client.get(reverse("grants:dashboard_grant", args=[pilots.a1.pk]))

    assert response.status_code == 200
    page = response.context["page"]
    assert [row[1:] for row in values(page.table("indicators"))] == [
        ["report 1", pilots.a1_reports[0].period_end, 15, 15, 100, Decimal("15.0")],
        ["report 2", pilots.a1_reports[1].period_end, 7, 22, 100, Decimal("22.0")],
        ["report 1", pilots.a1_reports[0].period_end, 10, 10, 60, Decimal("16.7")],
        ["report 2", pilots.a1_reports[1].period_end, 7, 17, 60, Decimal("28.3")],
        ["report 1", pilots.a1_reports[0].period_end, 40, 40, 500, Decimal("8.0")],
        ["report 2", pilots.a1_reports[1].period_end, 60, 100, 500, Decimal("20.0")],
    ]
    assert values(page.table("budget-lines")) == [
        ["Staff", "Staff costs", Decimal("100000.00"), Decimal("45000.00"), Decimal("45.0")],
        ["Transport", "Staff costs", Decimal("20000.00"), Decimal("5000.00"), Decimal("25.0")],
    ]


def test_the_grant_page_lists_reports_with_deadlines_and_tranches(officer_client, pilots):
    page = officer_client.get(reverse("grants:dashboard_grant", args=[pilots.a1.pk])).context[
        "page"
    ]

    reports = values(page.table("reports"))
    assert [(row[0], row[5], row[6]) for row in reports] == [
        ("report 1", "Submitted on time", None),
        ("report 2", "Submitted late", None),
        ("report 3", "Submitted late", None),
        ("report 4", "Overdue", pilots.a1_reports[3].overdue_since),
        ("final report", "", None),
    ]
    tranches = values(page.table("tranches"))
    assert [(row[1], str(row[3])) for row in tranches] == [
        (Decimal("48000.00"), "paid"),
        (Decimal("48000.00"), "eligible for payment"),
        (Decimal("24000.00"), "scheduled"),
    ]


def test_a_draft_has_no_monitoring_page(officer_client, pilots):
    response = officer_client.get(reverse("grants:dashboard_grant", args=[pilots.draft.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize(
    "make_user",
    [
        lambda pilots: grantee_member(pilots.a1, MemberRole.ADMIN),
        lambda pilots: grantee_member(pilots.a1, MemberRole.VIEWER),
        lambda pilots: UserFactory(procurement_officer=True),
        lambda pilots: UserFactory(evaluator=True),
        lambda pilots: UserFactory(approver=True),
        lambda pilots: UserFactory(system_admin=True),
    ],
    ids=["ngo-admin", "ngo-viewer", "procurement-officer", "evaluator", "approver", "admin"],
)
@pytest.mark.parametrize(
    "url",
    [
        lambda pilots: DASHBOARD,
        lambda pilots: reverse("grants:dashboard_xlsx"),
        lambda pilots: reverse("grants:dashboard_csv", args=["summary"]),
        lambda pilots: reverse("grants:dashboard_grant", args=[pilots.a1.pk]),
        lambda pilots: reverse("grants:dashboard_grant_xlsx", args=[pilots.a1.pk]),
        lambda pilots: reverse("grants:dashboard_grant_csv", args=[pilots.a1.pk, "reports"]),
    ],
    ids=["page", "xlsx", "csv", "grant", "grant-xlsx", "grant-csv"],
)
def test_only_grant_officers_see_the_dashboard_or_start_its_exports(client, pilots, make_user, url):
    sign_in(client, make_user(pilots))
    address = url(pilots)

    is_export = address.endswith((".csv", ".xlsx"))
    response = client.post(address) if is_export else client.get(address)

    assert response.status_code == 404
    assert not FileJob.objects.exists()


def test_visitors_are_sent_to_log_in(client, pilots):
    response = client.get(DASHBOARD)

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_an_officer_does_not_monitor_their_own_organisations_grant(client, pilots):
    member = grantee_member(pilots.a1, MemberRole.VIEWER, roles=["grant_officer"])
    sign_in(client, member)

    board = client.get(DASHBOARD).context["board"]

    assert figure(board, "Grants monitored") == 2
    grant = reverse("grants:dashboard_grant", args=[pilots.a1.pk])
    assert client.get(grant).status_code == 404


def test_money_cells_keep_two_decimals(officer_client, pilots):
    board = officer_client.get(DASHBOARD).context["board"]

    money = [cell for row in board.table("grants").all_rows for cell in row if cell.kind == MONEY]
    assert money and all(cell.value.as_tuple().exponent == -2 for cell in money)


def test_the_dashboard_without_pilots_shows_zeroes(officer_client):
    response = officer_client.get(DASHBOARD)

    assert response.status_code == 200
    board = response.context["board"]
    assert figure(board, "Grants monitored") == 0
    assert figure(board, "Burn rate (%)") is None
    assert board.table("grants").rows == ()
    assert "Nothing to show for this selection." in response.content.decode()
