"""Signed grants published in the 360Giving Data Standard: the JSON package at
``/data/360giving/``, the spreadsheet at ``/data/360giving/grants.xlsx``, valid against the
standard's own schemas, and nothing personal or sealed in either."""

import datetime
import json
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from grants.models import GrantAgreement
from grants.opendata.giving import validation
from grants.services import agreement_confirm_signature
from tenders.services.award import award_approve, award_finalise, award_propose
from tests.factories.grants import GrantAgreementFactory, grantee_admin, officer
from tests.factories.portal import UserFactory
from tests.factories.tenders import completed_evaluation
from tests.tenders.open_data_support import lifecycle, open_bids, published_tender, secret_bid

pytestmark = pytest.mark.django_db

PACKAGE = reverse("giving:package")
SPREADSHEET = reverse("giving:spreadsheet")


@pytest.fixture
def process():
    return lifecycle()


def served(client):
    response = client.get(PACKAGE)
    assert response.status_code == 200
    return response.json()


def awarded_draft_agreement():
    """A tender taken to a final award, its agreement created but not signed."""
    tender = published_tender()
    secret_bid(tender, "118000.00")
    secret_bid(tender, "99000.00")
    tender = open_bids(tender)
    evaluation, _chair, _evaluators, _bids = completed_evaluation(tender)
    decision = award_propose(actor=tender.created_by, evaluation=evaluation)
    decision = award_approve(actor=UserFactory(approver=True), decision=decision)
    award_finalise(
        decision=decision, now=decision.standstill_ends_at + datetime.timedelta(seconds=1)
    )
    return GrantAgreement.objects.get(bid__tender=tender)


def test_a_signed_grant_with_a_paid_tranche_is_published_and_valid(client, process):
    package = served(client)
    (grant,) = package["grants"]
    agreement = process.agreement

    assert validation.errors(package) == []
    assert grant["id"] == f"360G-xxxxxx-{agreement.reference}"
    assert grant["currency"] == "TMT"
    assert grant["amountAwarded"] == float(agreement.amount)
    assert grant["recipientOrganization"][0]["id"] == (
        f"TM-SRN-{agreement.grantee.registration_number}"
    )
    assert grant["fundingOrganization"][0]["name"] == (
        "Ministry of Labour and Social Protection of Population of Turkmenistan"
    )
    assert grant["plannedDates"] == [
        {"startDate": agreement.start_date.isoformat(), "endDate": agreement.end_date.isoformat()}
    ]
    (disbursement,) = grant["disbursementTransaction"]
    assert disbursement["value"] == float(process.tranche.amount)
    assert disbursement["transactionDate"] == process.tranche.paid_on.isoformat()
    assert grant["amountDisbursed"] == float(process.tranche.amount)


def test_the_beneficiary_location_is_the_agreements_velayat_with_its_iso_code(client, process):
    (grant,) = served(client)["grants"]
    velayat = process.agreement.velayat

    assert grant["beneficiaryLocation"][0] == {
        "id": velayat.code,
        "name": velayat.name_en,
        "countryCode": "TM",
        "geoCode": velayat.code,
        "geoCodeType": "ISO 3166-2",
    }
    etraps = {etrap.name_en for etrap in process.agreement.etraps.all()}
    assert {location["name"] for location in grant["beneficiaryLocation"][1:]} == etraps


def test_the_package_carries_the_metadata_the_standard_asks_for(client, process):
    package = served(client)

    assert package["version"] == "1.4"
    assert package["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert package["publisher"]["website"].endswith(reverse("opendata:publisher"))


def test_an_unsigned_agreement_of_a_final_award_is_not_published(client):
    agreement = awarded_draft_agreement()

    assert agreement.state == "draft"
    assert served(client)["grants"] == []


def test_a_signed_agreement_that_stems_from_no_final_award_is_not_published(client):
    agreement = GrantAgreementFactory(ready=True)
    agreement_confirm_signature(actor=officer(), agreement=agreement)
    agreement_confirm_signature(actor=grantee_admin(agreement), agreement=agreement)

    agreement.refresh_from_db()
    assert agreement.state == "signed"
    assert served(client)["grants"] == []


def test_no_bank_reference_nor_anything_about_the_people_served_is_published(client, process):
    text = client.get(PACKAGE).content.decode()
    sheet = load_workbook(BytesIO(client.get(SPREADSHEET).content)).active
    cells = " ".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row)

    for published in (text, cells):
        assert "PP-SECRET-77" not in published
        assert "Our secret approach" not in published
    (grant,) = json.loads(text)["grants"]
    assert "recipientIndividual" not in grant and "toIndividualsDetails" not in grant
    assert set(grant["disbursementTransaction"][0]) == {
        "id",
        "transactionDate",
        "currency",
        "value",
        "provider",
        "recipient",
    }


def test_the_spreadsheet_has_the_standards_column_titles_and_one_row_per_grant(client, process):
    lifecycle()
    response = client.get(SPREADSHEET)

    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    header, *rows = load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True)
    assert header[:3] == ("Identifier", "Title", "Description")
    assert {"Amount Awarded", "Recipient Org:Identifier", "Funding Org:Name"} <= set(header)
    identifiers = {row[0] for row in rows}
    assert identifiers == {grant["id"] for grant in served(client)["grants"]}
    assert len(rows) == 2
    row = dict(zip(header, rows[0], strict=True))
    assert row["Amount Awarded"] == float(process.agreement.amount)
    assert row["Beneficiary Location:Geographic Code"] == process.agreement.velayat.code


@pytest.mark.parametrize("path", [PACKAGE, SPREADSHEET])
def test_the_360giving_data_is_read_only(client, path):
    assert client.post(path).status_code == 405


@pytest.mark.parametrize("path", [PACKAGE, SPREADSHEET])
def test_the_360giving_data_takes_the_same_queries_for_one_grant_and_for_two(
    client, django_assert_num_queries, path
):
    lifecycle()
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    lifecycle()
    with django_assert_num_queries(len(queries)):
        client.get(path)


def test_the_publisher_page_links_the_360giving_package_and_spreadsheet(client):
    page = client.get(reverse("opendata:publisher")).content.decode()

    assert PACKAGE in page and SPREADSHEET in page


def test_the_360giving_schemas_are_the_projects_own_copy_with_their_licence():
    assert sorted(path.name for path in validation.SCHEMAS.glob("*.json")) == [
        "360-giving-package-schema.json",
        "360-giving-schema.json",
    ]
    assert "CC BY 4.0" in (validation.SCHEMAS / "README.md").read_text()


def test_a_grant_breaking_the_standard_is_named_by_the_validation(client, process):
    package = served(client)
    package["grants"][0]["awardDate"] = "yesterday"
    del package["grants"][0]["recipientOrganization"]

    problems = " ".join(validation.errors(package))

    assert "grants/0" in problems


def test_the_package_is_dated_now(client, process):
    modified = datetime.datetime.fromisoformat(served(client)["modified"])

    assert abs(modified - timezone.now()) < datetime.timedelta(minutes=1)


def test_the_grant_identifier_starts_with_the_publishers_360giving_prefix(
    client, process, settings
):
    settings.GIVING_PREFIX = "360G-mlsp"

    (grant,) = served(client)["grants"]

    assert grant["id"] == f"360G-mlsp-{process.agreement.reference}"
    assert grant["fundingOrganization"][0]["id"] == "360G-mlsp-ministry"
