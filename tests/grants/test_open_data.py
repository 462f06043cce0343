"""The grant stage in the open data: the signed agreement as the contract of its award, each
paid tranche as a transaction, each accepted report as a met milestone (its totals only), and
the agreement's end."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from grants.services import agreement_confirm_signature, agreement_terminate
from tenders.models import Release
from tests.factories.grants import GrantAgreementFactory, grantee_admin, officer
from tests.tenders.open_data_support import lifecycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def process():
    return lifecycle()


def contract_of(tags):
    (contract,) = Release.objects.filter(tags=tags).order_by("date", "id").last().data["contracts"]
    return contract


def test_a_signed_agreement_is_published_as_the_active_contract_of_its_award(process):
    release = Release.objects.get(tags=["contract"]).data
    (contract,) = release["contracts"]
    (award,) = Release.objects.get(tags=["award"]).data["awards"]
    agreement = process.agreement

    assert contract["id"] == agreement.reference
    assert contract["awardID"] == award["id"]
    assert contract["status"] == "active"
    assert contract["value"] == {"amount": float(agreement.amount), "currency": "TMT"}
    assert contract["title_tk"] == process.tender.title_tk
    assert "dateSigned" in contract and "implementation" not in contract


def test_a_paid_tranche_is_a_transaction_from_the_ministry_to_the_grantee(process):
    (transaction,) = contract_of(["implementation"])["implementation"]["transactions"]
    grantee = process.agreement.grantee

    assert transaction["value"] == {"amount": float(process.tranche.amount), "currency": "TMT"}
    assert transaction["payer"]["id"] == "ministry"
    assert transaction["payee"]["id"] == f"TM-SRN-{grantee.registration_number}"
    midnight = datetime.datetime.combine(
        process.tranche.paid_on, datetime.time.min, tzinfo=ZoneInfo("Asia/Ashgabat")
    )
    assert transaction["date"] == midnight.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_an_accepted_report_is_a_met_milestone_telling_its_totals_only(process):
    (milestone,) = contract_of(["implementation"])["implementation"]["milestones"]

    assert (milestone["type"], milestone["status"]) == ("reporting", "met")
    assert "7 new, 4 continuing" in milestone["description"]
    assert milestone["title"] == "Report 1"
    assert {"title_tk", "title_ru", "description_tk", "description_ru"} <= set(milestone)
    assert set(milestone) <= {
        "id",
        "title",
        "title_tk",
        "title_ru",
        "type",
        "status",
        "dueDate",
        "dateMet",
        "description",
        "description_tk",
        "description_ru",
    }


def test_a_terminated_agreement_ends_its_contract(process):
    agreement_terminate(
        actor=officer(), agreement=process.agreement, reason="The organisation closed."
    )

    contract = contract_of(["contractTermination"])
    assert contract["status"] == "terminated"
    assert contract["implementation"]["transactions"]


def test_an_agreement_that_stems_from_no_final_award_is_not_published():
    agreement = GrantAgreementFactory(ready=True)

    agreement_confirm_signature(actor=officer(), agreement=agreement)
    agreement_confirm_signature(actor=grantee_admin(agreement), agreement=agreement)

    agreement.refresh_from_db()
    assert agreement.state == "signed"
    assert not Release.objects.exists()
