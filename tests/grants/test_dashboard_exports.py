"""The dashboard's CSV and XLSX files hold the page's figures, numbers as numbers."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode

from grants.dashboard.tables import DATE, MONTH
from grants.models import PilotReport
from tests.conftest import sign_in
from tests.factories.grants import officer
from tests.workflows.file_jobs import run_and_download, started_job
from workflows.tasks import run_file_job

pytestmark = pytest.mark.usefixtures("media")

DASHBOARD = reverse("grants:dashboard")


def export(client, url, filters=None):
    """Start the export at ``url`` (with the dashboard's ``filters``), run its job, download it."""
    return run_and_download(client, client.post(f"{url}?{urlencode(filters or {})}"))


def read_csv(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def read_xlsx(response):
    return openpyxl.load_workbook(io.BytesIO(response.content))


def as_csv(cell):
    """How a page cell is written in the CSV file."""
    if cell.value is None:
        return ""
    if cell.kind in (DATE, MONTH):
        return cell.value.isoformat()
    return str(cell.value)


def as_xlsx(cell):
    """What openpyxl reads back for a page cell: numbers as numbers, dates as datetimes."""
    if cell.value is None or cell.value == "":
        return None
    if isinstance(cell.value, Decimal):
        return float(cell.value)
    if isinstance(cell.value, int):
        return cell.value
    if isinstance(cell.value, datetime.date):
        return datetime.datetime.combine(cell.value, datetime.time())
    return str(cell.value)


def test_the_grants_csv_holds_the_hand_computed_figures(officer_client, pilots):
    rows = read_csv(export(officer_client, reverse("grants:dashboard_csv", args=["grants"])))

    assert rows[0][:8] == [
        "Grant",
        "Provider",
        "Velayat",
        "Service type",
        "State",
        "Budget (TMT)",
        "Accepted expenditure (TMT)",
        "Burn rate (%)",
    ]
    figures = {row[0]: (Decimal(row[5]), Decimal(row[6]), Decimal(row[7])) for row in rows[1:]}
    assert figures == {
        pilots.a1.reference: (Decimal("120000.00"), Decimal("50000.00"), Decimal("41.7")),
        pilots.a2.reference: (Decimal("80000.00"), Decimal("76000.00"), Decimal("95.0")),
        pilots.a3.reference: (Decimal("50000.00"), Decimal("4000.00"), Decimal("8.0")),
        "Total": (Decimal("250000.00"), Decimal("130000.00"), Decimal("52.0")),
    }


def test_every_csv_equals_its_table_on_the_page(officer_client, pilots):
    board = officer_client.get(DASHBOARD).context["board"]

    for table in board.tables:
        rows = read_csv(export(officer_client, reverse("grants:dashboard_csv", args=[table.key])))
        assert rows[0] == table.header()
        assert rows[1:] == [[as_csv(cell) for cell in row] for row in table.all_rows]


def test_the_csv_follows_the_filters(officer_client, pilots):
    url = reverse("grants:dashboard_csv", args=["summary"])

    rows = read_csv(export(officer_client, url, {"velayat": pilots.lebap.pk}))

    assert dict(rows[1:])["Budget (TMT)"] == "80000.00"
    assert dict(rows[1:])["Service users reached"] == "20"


def test_an_export_with_invalid_filters_is_refused(officer_client, pilots):
    url = reverse("grants:dashboard_xlsx")

    response = officer_client.post(f"{url}?velayat=999999")

    assert response.status_code == 400


def test_an_unknown_table_fails_its_job_and_leaves_no_file(officer_client, pilots):
    response = officer_client.post(reverse("grants:dashboard_csv", args=["no-such-table"]))
    job = started_job(response)

    run_file_job(job.pk)

    job.refresh_from_db()
    assert (job.state, job.error, job.file.name) == ("failed", "There is no such table.", "")


def test_the_xlsx_has_a_sheet_per_table_equal_to_the_page(officer_client, pilots):
    board = officer_client.get(DASHBOARD).context["board"]

    response = export(officer_client, reverse("grants:dashboard_xlsx"))

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = read_xlsx(response)
    assert book.sheetnames[0] == "About"
    assert len(book.sheetnames) == 1 + len(board.tables)
    for sheet, table in zip(book.worksheets[1:], board.tables, strict=True):
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        assert rows[0] == table.header()
        assert rows[1:] == [[as_xlsx(cell) for cell in row] for row in table.all_rows]


def test_the_xlsx_keeps_numbers_as_numbers(officer_client, pilots):
    book = read_xlsx(export(officer_client, reverse("grants:dashboard_xlsx")))

    sheet = book["By grant"]
    total = [cell for cell in sheet[sheet.max_row]]
    assert total[0].value == "Total"
    assert total[5].data_type == "n" and total[5].value == 250000
    assert total[6].value == 130000 and total[6].number_format == "#,##0.00"
    assert total[7].value == 52.0
    assert total[11].data_type == "n" and total[11].value == 2


def test_the_xlsx_says_which_filters_and_counting_rule_it_follows(officer_client, pilots):
    response = export(
        officer_client, reverse("grants:dashboard_xlsx"), {"velayat": pilots.balkan.pk}
    )

    about = dict(read_xlsx(response)["About"].iter_rows(min_row=2, values_only=True))
    assert about["Velayat"] == "Balkan Region"
    assert about["How figures are counted"].startswith("Only accepted reports count.")


def test_files_are_written_in_the_officers_language(client, pilots):
    sign_in(client, officer(language="ru"))
    board = client.get(DASHBOARD).context["board"]
    table = board.table("by-target-group")

    rows = read_csv(export(client, reverse("grants:dashboard_csv", args=["by-target-group"])))
    book = read_xlsx(export(client, reverse("grants:dashboard_xlsx")))

    with translation.override("ru"):
        header = [str(column.label) for column in table.columns]
    assert rows[0] == header
    assert [row[0] for row in rows[1:]] == ["Пожилые люди", "Люди с инвалидностью"]
    sheet = book.worksheets[1 + board.tables.index(table)]
    assert [cell.value for cell in sheet["A"]][1:] == ["Пожилые люди", "Люди с инвалидностью"]


def test_a_name_that_looks_like_a_formula_stays_text(officer_client, pilots):
    provider = pilots.a1.grantee
    provider.name_en = '=HYPERLINK("http://example.org")'
    provider.save(update_fields=["name_en"])

    rows = read_csv(export(officer_client, reverse("grants:dashboard_csv", args=["grants"])))
    book = read_xlsx(export(officer_client, reverse("grants:dashboard_xlsx")))

    assert rows[1][1] == '\'=HYPERLINK("http://example.org")'
    cell = book["By grant"]["B2"]
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://example.org")'


def test_the_grant_page_exports_its_tables(officer_client, pilots):
    page = officer_client.get(reverse("grants:dashboard_grant", args=[pilots.a1.pk])).context[
        "page"
    ]

    csv_rows = read_csv(
        export(
            officer_client, reverse("grants:dashboard_grant_csv", args=[pilots.a1.pk, "reports"])
        )
    )
    book = read_xlsx(
        export(officer_client, reverse("grants:dashboard_grant_xlsx", args=[pilots.a1.pk]))
    )

    reports = page.table("reports")
    assert csv_rows[1:] == [[as_csv(cell) for cell in row] for row in reports.all_rows]
    assert [row[3] for row in csv_rows[1:]] == [
        "2026-02-15",
        "2026-03-15",
        "2026-04-15",
        "2026-05-15",
        "2027-01-15",
    ]
    indicators = [list(row) for row in book["Indicators"].iter_rows(values_only=True)]
    assert indicators[1:] == [
        [as_xlsx(cell) for cell in row] for row in page.table("indicators").all_rows
    ]
    assert indicators[2][4] == 22


def test_report_narratives_never_reach_the_dashboard_or_its_files(officer_client, pilots):
    words = "Maral Annaýewa, 71, Gyzyletrek"
    PilotReport.objects.filter(agreement=pilots.a1).update(
        achievements=words, challenges=words, changes_observed=words
    )
    grant = pilots.a1.pk

    texts = [
        officer_client.get(DASHBOARD).content.decode(),
        officer_client.get(reverse("grants:dashboard_grant", args=[grant])).content.decode(),
        export(
            officer_client, reverse("grants:dashboard_grant_csv", args=[grant, "reports"])
        ).content.decode("utf-8-sig"),
    ]
    book = read_xlsx(export(officer_client, reverse("grants:dashboard_grant_xlsx", args=[grant])))
    texts += [
        str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
    ]

    assert not [text for text in texts if "Annaýewa" in text]
