"""A report filled in from a spreadsheet: its template in the reader's language, the upload
of a filled template, and what is refused (every bad cell, another report's template, a
stale template, another grantee's report)."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import load_workbook

from grants.forms.report import ReportMainForm, report_initial
from grants.models import ServiceKind
from grants.services import report_save
from grants.spreadsheets import layout
from grants.spreadsheets.import_ import open_template, read_content
from grants.spreadsheets.template import report_template
from portal.documents.validation import XLSX
from portal.validators import MAX_COUNT
from providers.models import MemberRole
from tests.factories.documents import upload
from tests.factories.grants import (
    PilotReportFactory,
    fill_report,
    grantee_admin,
    grantee_member,
)
from tests.grants.pages import messages_of, url
from tests.grants.report_content import save

pytestmark = pytest.mark.django_db


def download(client, report):
    response = client.get(url("report_template", report.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX.mime
    return response.content


def edited(data, changes):
    """The workbook ``data`` with ``changes`` ({(sheet index, cell): value}) written in."""
    book = load_workbook(BytesIO(data))
    for (index, coordinate), value in changes.items():
        book.worksheets[index][coordinate] = value
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def send(client, report, data, name="report.xlsx"):
    return client.post(
        url("report_template_upload", report.pk),
        {"file": SimpleUploadedFile(name, data, content_type=XLSX.mime)},
    )


def held(report):
    """What the report holds, as the report form would show it (without its version)."""
    report.refresh_from_db()
    initial = report_initial(report)
    initial["main"].pop("seen_version")
    initial["cells"] = sorted(initial["cells"], key=lambda cell: sorted(cell.items()))
    return initial


def sheet_rows(data, index):
    book = load_workbook(BytesIO(data))
    return [list(row) for row in book.worksheets[index].iter_rows(values_only=True)]


def row_of(key):
    """The row of the report sheet holding ``key``."""
    keys = [row_key for row_key, _label, _kind in layout.scalar_rows()]
    return layout.FIRST_ROW + keys.index(key)


def filled_changes(report):
    """Cells filling in every section of a fresh template of ``report``."""
    agreement = report.agreement
    first = sheet_rows(report_template(report), layout.BENEFICIARIES)[layout.FIRST_ROW - 1]
    assert first[:2] == [agreement.target_groups.first().name, agreement.etraps.first().name]
    changes = {
        (layout.REPORT, "C3"): 4,
        (layout.REPORT, "C4"): 1,
        (layout.REPORT, "C5"): 4,
        (layout.REPORT, "C6"): 5,
        (layout.REPORT, "C7"): 0,
        (layout.REPORT, "C8"): 12,
        (layout.REPORT, f"C{row_of('achievements')}"): "Help at home twice a week.",
        (layout.REPORT, f"C{row_of('challenges')}"): "Winter roads.",
        (layout.REPORT, f"C{row_of('changes_observed')}"): "Fewer emergency calls.",
        (layout.BENEFICIARIES, "E3"): 4,
        (layout.BENEFICIARIES, "F3"): 1,
    }
    for row, _target in enumerate(agreement.targets.all(), start=layout.FIRST_ROW):
        changes[(layout.TARGETS, f"D{row}")] = 3
    for row, _line in enumerate(agreement.budget_lines.all(), start=layout.FIRST_ROW):
        changes[(layout.EXPENDITURE, f"D{row}")] = 1250.5
    return changes


@pytest.mark.parametrize("language", ["tk", "ru", "en"])
def test_the_template_speaks_the_readers_language_and_holds_the_agreements_rows(language):
    report = PilotReportFactory(open=True)
    agreement = report.agreement

    with translation.override(language):
        book = load_workbook(BytesIO(report_template(report)))
        titles = [str(title) for title in layout.SHEET_TITLES]
        first_label = str(ReportMainForm.base_fields["beneficiaries_new"].label)
        groups = {group.name for group in agreement.target_groups.all()}
        lines = [str(line) for line in agreement.budget_lines.all()]
        targets = [target.label for target in agreement.targets.all()]

    assert book.sheetnames == [*titles, layout.META_SHEET]
    assert book[layout.META_SHEET].sheet_state == "veryHidden"
    summary = book.worksheets[layout.REPORT]
    assert report.period_start.strftime("%d.%m.%Y") in summary["B1"].value
    assert summary["B3"].value == first_label
    breakdown = list(book.worksheets[layout.BENEFICIARIES].iter_rows(min_row=3, values_only=True))
    combinations = agreement.target_groups.count() * agreement.etraps.count() * 6
    assert len(breakdown) == combinations
    assert {row[0] for row in breakdown} == groups
    target_sheet = book.worksheets[layout.TARGETS]
    assert [row[1] for row in target_sheet.iter_rows(min_row=3, values_only=True)] == targets
    spending = book.worksheets[layout.EXPENDITURE]
    assert [row[1] for row in spending.iter_rows(min_row=3, values_only=True)] == lines
    if language != "en":
        assert titles[1] != "Service users"
        assert first_label != "New service users"


def test_the_template_validates_its_cells_with_lists_and_number_ranges():
    report = PilotReportFactory(open=True)

    book = load_workbook(BytesIO(report_template(report)))
    agreement = report.agreement
    last = 2 + agreement.target_groups.count() * agreement.etraps.count() * 6 + layout.SPARE_ROWS

    breakdown = book.worksheets[layout.BENEFICIARIES].data_validations.dataValidation
    lists = {str(rule.sqref): rule.formula1 for rule in breakdown if rule.type == "list"}
    assert set(lists) == {f"{column}3:{column}{last}" for column in "ABCD"}
    assert all(formula.startswith(f"{layout.META_SHEET}!$") for formula in lists.values())
    counts = [rule for rule in breakdown if rule.type == "whole"]
    assert [(rule.formula1, rule.formula2) for rule in counts] == [("0", str(MAX_COUNT))]
    summary = book.worksheets[layout.REPORT].data_validations.dataValidation
    assert {rule.type for rule in summary} == {"whole", "textLength"}
    spending = book.worksheets[layout.EXPENDITURE].data_validations.dataValidation
    assert [rule.type for rule in spending] == ["decimal"]
    assert book.worksheets[layout.REPORT]["C8"].data_type == "n"


def test_a_valid_template_fills_the_draft_report(as_user):
    report = PilotReportFactory(open=True)
    client = as_user(grantee_member(report.agreement))

    data = edited(download(client, report), filled_changes(report))
    response = send(client, report, data)

    assert response.status_code == 302
    assert messages_of(client.get(url("report", report.pk))) == [
        "The report is filled in from the template."
    ]
    report.refresh_from_db()
    assert (report.version, report.beneficiaries_new, report.cases_closed) == (2, 4, 0)
    assert report.achievements == "Help at home twice a week."
    cell = report.beneficiary_counts.get()
    assert (cell.sex, cell.age_band, cell.new, cell.continuing) == ("female", "0_17", 4, 1)
    assert report.service_counts.get().kind == ServiceKind.HOME_VISIT
    assert {row.value for row in report.target_values.all()} == {3}
    assert {row.amount for row in report.expenditures.all()} == {Decimal("1250.50")}


def test_every_bad_cell_is_listed_by_sheet_and_cell_and_nothing_is_saved(as_user):
    report = PilotReportFactory(open=True)
    client = as_user(grantee_admin(report.agreement))
    changes = filled_changes(report)
    changes.update(
        {
            (layout.REPORT, "C3"): -1,
            (layout.REPORT, "C4"): "many",
            (layout.BENEFICIARIES, "E3"): 2.5,
            (layout.BENEFICIARIES, "A4"): "Nobody",
            (layout.BENEFICIARIES, "E4"): 1,
            (layout.EXPENDITURE, "D3"): 10**13,
        }
    )

    response = send(client, report, edited(download(client, report), changes))

    assert response.status_code == 400
    titles = [str(title) for title in layout.SHEET_TITLES]
    places = [(problem.sheet, problem.cell) for problem in response.context["sheet_problems"]]
    assert places == [
        (titles[layout.REPORT], "C3"),
        (titles[layout.REPORT], "C4"),
        (titles[layout.BENEFICIARIES], "E3"),
        (titles[layout.BENEFICIARIES], "A4"),
        (titles[layout.EXPENDITURE], "D3"),
    ]
    page = response.content.decode()
    assert "Choose one of the agreement&#x27;s target groups." in page
    assert "Enter a whole number." in page
    report.refresh_from_db()
    assert (report.version, report.beneficiaries_new) == (1, None)
    assert not report.beneficiary_counts.exists()
    assert not report.expenditures.exists()


def test_another_grantees_report_has_no_template_nor_upload(as_user):
    report = PilotReportFactory(open=True)
    stranger = grantee_admin(PilotReportFactory(open=True).agreement)
    client = as_user(stranger)

    assert client.get(url("report_template", report.pk)).status_code == 404
    assert send(client, report, report_template(report)).status_code == 404


def test_a_viewer_of_the_grantee_may_not_fill_in_from_a_spreadsheet(as_user):
    report = PilotReportFactory(open=True)
    client = as_user(grantee_member(report.agreement, MemberRole.VIEWER))

    assert client.get(url("report_template", report.pk)).status_code == 404
    assert send(client, report, report_template(report)).status_code == 404


def test_a_filled_report_exported_and_imported_into_an_empty_one_is_the_same_report():
    filled = fill_report(PilotReportFactory(open=True))
    filled = save(
        filled,
        services={ServiceKind.HOME_VISIT: 7, ServiceKind.OTHER: 2},
        **{
            "services_other_description": "Cooking lessons",
        },
    )
    empty = PilotReportFactory(open=True, agreement=filled.agreement)

    with translation.override("tk"):
        book = open_template(BytesIO(report_template(filled)))
    content = read_content(empty, book)
    report_save(
        actor=grantee_admin(empty.agreement),
        report=empty,
        content=content,
        seen_version=empty.version,
    )

    assert held(empty) == held(filled)
    assert len(held(filled)["cells"]) == 2


def test_the_same_template_uploaded_twice_is_saved_once(as_user):
    report = PilotReportFactory(open=True)
    client = as_user(grantee_admin(report.agreement))
    data = edited(download(client, report), filled_changes(report))

    assert send(client, report, data).status_code == 302
    assert send(client, report, data).status_code == 302

    report.refresh_from_db()
    assert report.version == 2


def test_the_template_of_another_report_is_refused(as_user):
    report = PilotReportFactory(open=True)
    other = PilotReportFactory(open=True, agreement=report.agreement)
    client = as_user(grantee_admin(report.agreement))

    data = edited(download(client, other), filled_changes(other))
    response = send(client, report, data)

    assert response.status_code == 400
    assert "template of another report" in response.content.decode()
    report.refresh_from_db()
    assert (report.version, report.beneficiaries_new) == (1, None)


def test_a_template_made_before_the_last_save_is_refused(as_user):
    report = PilotReportFactory(open=True)
    client = as_user(grantee_admin(report.agreement))
    data = edited(download(client, report), filled_changes(report))
    save(report)

    response = send(client, report, data)

    assert response.status_code == 400
    assert "saved after this template was downloaded" in response.content.decode()
    report.refresh_from_db()
    assert (report.version, report.beneficiaries_new) == (2, 5)


@pytest.mark.parametrize("kind", ["pdf", "xlsx", "docx"])
def test_a_file_that_is_not_a_report_template_is_refused(as_user, kind):
    report = PilotReportFactory(open=True)
    client = as_user(grantee_admin(report.agreement))

    file = upload(kind)
    response = send(client, report, file.read(), name=file.name)

    assert response.status_code == 400
    assert "not a report template of the portal" in response.content.decode()


def test_a_file_refused_by_the_upload_checks_says_why(as_user):
    report = PilotReportFactory(open=True)
    client = as_user(grantee_admin(report.agreement))

    response = send(client, report, b"MZ\x90\x00" + b"\x00" * 60, name="report.xlsx")

    assert response.status_code == 400
    assert not response.context["sheet_problems"]
    assert response.context["sheet_form"].errors["file"]


def test_a_submitted_report_takes_no_template(as_user):
    report = PilotReportFactory(submitted=True)
    client = as_user(grantee_admin(report.agreement))
    data = report_template(report)

    assert client.get(url("report_template", report.pk)).status_code == 302
    response = send(client, report, data)

    assert response.status_code == 302
    assert messages_of(client.get(url("report", report.pk))) == [
        "This report cannot be changed in its present state.",
        "This report cannot be changed in its present state.",
    ]


def test_a_returned_report_is_filled_in_from_its_template(as_user):
    report = PilotReportFactory(returned=True)
    client = as_user(grantee_admin(report.agreement))

    data = edited(download(client, report), {(layout.REPORT, "C7"): 9})

    assert send(client, report, data).status_code == 302
    report.refresh_from_db()
    assert report.cases_closed == 9


def test_the_page_gives_the_template_and_its_problems_in_the_readers_language(as_user):
    report = PilotReportFactory(open=True)
    admin = grantee_admin(report.agreement)
    client = as_user(admin)
    type(admin).objects.filter(pk=admin.pk).update(language="tk")

    data = download(client, report)
    type(admin).objects.filter(pk=admin.pk).update(language="ru")
    changes = {(layout.REPORT, "C3"): -1, (layout.BENEFICIARIES, "A3"): "Nobody"}
    changes[(layout.BENEFICIARIES, "E3")] = 1
    response = send(client, report, edited(data, changes))

    with translation.override("tk"):
        turkmen = [str(title) for title in layout.SHEET_TITLES]
    assert load_workbook(BytesIO(data)).sheetnames[:4] == turkmen
    assert [problem.sheet for problem in response.context["sheet_problems"]] == turkmen[:2]
    page = response.content.decode()
    assert "Выберите одну из целевых групп соглашения." in page
    assert "Шаблон не загружен" in page


def test_a_file_with_very_many_problems_lists_the_first_hundred_and_counts_the_rest(as_user):
    report = PilotReportFactory(open=True)
    client = as_user(grantee_admin(report.agreement))
    data = download(client, report)
    rows = range(layout.FIRST_ROW, layout.FIRST_ROW + 120)
    changes = {(layout.BENEFICIARIES, f"E{row}"): -1 for row in rows}
    before = held(report)

    response = send(client, report, edited(data, changes))

    assert response.status_code == 400
    assert len(response.context["sheet_problems"]) == 100
    assert response.context["sheet_problems_more"] >= 20
    more = response.context["sheet_problems_more"]
    assert f"And {more} more problems. Correct these and upload the file again" in (
        response.content.decode()
    )
    assert held(report) == before
