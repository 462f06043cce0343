"""Every public event of a tender writes one immutable OCDS release, in its own transaction,
telling what is public and nothing sealed or personal."""

import json

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from tenders.models import Release
from tenders.opendata.packages import process_releases, record_package
from tenders.services.award import award_approve, award_propose, objection_uphold
from tenders.services.tender import tender_cancel, tender_publish
from tests.factories.portal import UserFactory
from tests.factories.tenders import ObjectionFactory, TenderFactory, completed_evaluation
from tests.tenders.open_data_support import (
    AMENDED_TITLE,
    BID_SECRETS,
    FIRST_TITLE,
    lifecycle,
    open_bids,
    published_tender,
    secret_bid,
)

pytestmark = pytest.mark.django_db


def tags(tender=None):
    rows = (
        Release.objects.all()
        if tender is None
        else Release.objects.filter(ocid__endswith=tender.reference)
    )
    return [row.tags for row in rows.order_by("date", "id")]


def text_of(rows):
    return json.dumps([row.data for row in rows], ensure_ascii=False)


@pytest.fixture
def process():
    return lifecycle()


def test_every_public_event_of_the_lifecycle_writes_one_release_with_its_tag(process):
    assert tags() == [
        ["tender"],
        ["tenderAmendment"],
        ["tenderUpdate"],
        ["award"],
        ["awardUpdate"],
        ["contract"],
        ["implementation"],
        ["implementation"],
    ]


def test_a_cancelled_tender_ends_with_a_cancellation_release_and_its_status():
    tender = published_tender()
    bid = secret_bid(tender, "1000.00")
    tender = tender_cancel(
        actor=tender.created_by, tender=tender, reason="The etrap now provides the service."
    )

    releases = list(Release.objects.order_by("date", "id"))
    assert [row.tags for row in releases] == [["tender"], ["tenderCancellation"]]
    section = releases[-1].data["tender"]
    assert section["status"] == "cancelled"
    assert {document["documentType"] for document in section["documents"]} >= {
        "cancellationDetails"
    }
    assert tender.cancel_reason in text_of(releases)
    assert bid.provider.registration_number not in text_of(releases)
    assert "numberOfTenderers" not in section


def test_a_cancelled_draft_publishes_nothing():
    tender = TenderFactory()

    tender_cancel(actor=tender.created_by, tender=tender, reason="Written by mistake.")

    assert not Release.objects.exists()


def test_a_tender_without_bids_ends_unsuccessful_in_its_last_release():
    tender = open_bids(published_tender())

    assert tags(tender) == [["tender"], ["tenderUpdate"], ["tenderCancellation"]]
    last = Release.objects.order_by("date", "id").last().data["tender"]
    assert (last["status"], last["numberOfTenderers"]) == ("unsuccessful", 0)


@override_settings(OCDS_PREFIX="ocds-213czf")
def test_the_ocid_is_the_publishers_prefix_and_the_tender_reference():
    tender = published_tender()

    release = Release.objects.get()
    assert release.ocid == f"ocds-213czf-{tender.reference}"
    assert release.data["ocid"] == release.ocid
    assert release.data["id"] == release.release_id
    assert release.release_id.startswith(f"{release.ocid}-")


def test_a_release_is_written_in_the_transaction_of_its_event():
    tender = TenderFactory()

    with pytest.raises(RuntimeError), transaction.atomic():
        tender_publish(actor=tender.created_by, tender=tender)
        assert Release.objects.count() == 1
        raise RuntimeError("the publication failed later in the same transaction")

    assert not Release.objects.exists()


def test_publishing_twice_writes_one_release():
    tender = published_tender()

    tender_publish(actor=tender.created_by, tender=tender)

    assert Release.objects.count() == 1


def test_a_release_cannot_be_changed_or_deleted():
    published_tender()
    release = Release.objects.get()

    release.data = {"rewritten": True}
    with pytest.raises(PermissionError):
        release.save()
    with pytest.raises(PermissionError):
        release.delete()
    with pytest.raises(PermissionError):
        Release.objects.update(tags=["tenderUpdate"])
    with pytest.raises(PermissionError):
        Release.objects.all().delete()
    assert Release.objects.get().tags == ["tender"]


def test_postgresql_refuses_raw_updates_and_deletes_of_releases(postgres):
    published_tender()

    for statement in ("UPDATE tenders_release SET tags = '[]'", "DELETE FROM tenders_release"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(statement)

    assert Release.objects.get().tags == ["tender"]


def test_the_ministry_is_buyer_and_procuring_entity_and_each_bidder_a_party_with_its_identifier(
    process,
):
    last = Release.objects.order_by("date", "id").last().data
    parties = {party["id"]: party for party in last["parties"]}
    assert parties["ministry"]["roles"][:2] == ["buyer", "procuringEntity"]
    assert last["buyer"]["id"] == "ministry"
    for bid in process.bids:
        provider = bid.provider
        party = parties[f"TM-SRN-{provider.registration_number}"]
        assert party["identifier"] == {
            "scheme": "TM-SRN",
            "id": provider.registration_number,
            "legalName_tk": provider.name_tk,
            "legalName_ru": provider.name_ru,
            **({"legalName": provider.name_en} if provider.name_en else {}),
        }
        assert "tenderer" in party["roles"]
    winner = parties[f"TM-SRN-{process.winner.provider.registration_number}"]
    assert {"tenderer", "supplier", "payee"} <= set(winner["roles"])


def test_titles_and_descriptions_carry_turkmen_and_russian_variants(process):
    tender = process.tender
    section = Release.objects.order_by("date", "id").first().data["tender"]

    assert (section["title"], section["title_tk"], section["title_ru"]) == (
        FIRST_TITLE,
        tender.title_tk,
        tender.title_ru,
    )
    assert section["description_tk"] == tender.description_tk
    assert section["description_ru"] == tender.description_ru
    assert Release.objects.order_by("date", "id").first().data["language"] == "en"


def test_amounts_are_in_manats(process):
    award = Release.objects.get(tags=["award"]).data["awards"][0]
    line = process.winner.award_lines.get(proposed=True)

    assert award["value"] == {"amount": float(line.amount), "currency": "TMT"}
    budget = Release.objects.order_by("date", "id").first().data["tender"]["value"]
    assert budget == {"amount": float(process.tender.budget_ceiling), "currency": "TMT"}


def test_no_release_before_opening_tells_of_a_bid(process):
    before = Release.objects.filter(tags__in=[["tender"], ["tenderAmendment"]])
    text = text_of(before)

    assert before.count() == 2
    for bid in process.bids:
        assert bid.provider.registration_number not in text
        assert bid.provider.name_tk not in text
        amount = str(bid.budget_lines.get().amount)
        assert amount not in text and str(float(amount)) not in text
    assert all(len(row.data["parties"]) == 1 for row in before)


def test_the_opening_names_the_bidders_and_counts_the_bids_and_nothing_else(process):
    opening = Release.objects.get(tags=["tenderUpdate"]).data

    assert opening["bids"]["statistics"][0]["value"] == 2
    assert opening["tender"]["numberOfTenderers"] == 2
    assert {tenderer["name"] for tenderer in opening["tender"]["tenderers"]} == {
        bid.provider.name_en or bid.provider.name_tk for bid in process.bids
    }
    assert "awards" not in opening and list(opening["bids"]) == ["statistics"]
    text = json.dumps(opening)
    for bid in process.bids:
        assert str(float(bid.budget_lines.get().amount)) not in text


def test_no_release_ever_holds_bid_content_beneficiary_data_or_an_evaluators_scores(process):
    text = text_of(Release.objects.all())

    for secret in BID_SECRETS:
        assert secret not in text
    for bid in process.bids:
        for member in bid.staff.all():
            assert member.full_name not in text
    # The scores' justifications, the report's narrative and breakdown, the bank reference.
    assert "Justified by" not in text
    assert process.report.achievements not in text
    assert process.report.changes_observed not in text
    assert "60_plus" not in text and "female" not in text
    assert "PP-SECRET-77" not in text
    assert "technical" not in text.lower() and "score" not in text.lower()


def test_the_compiled_record_shows_the_latest_tender_title_after_an_amendment(process):
    rows = process_releases(Release.objects.first().ocid)
    compiled = record_package(rows[0].ocid, rows, uri="x")["records"][0]["compiledRelease"]

    assert rows[0].data["tender"]["title"] == FIRST_TITLE
    assert compiled["tender"]["title"] == AMENDED_TITLE
    assert compiled["tag"] == ["compiled"]
    assert [amendment["rationale"] for amendment in compiled["tender"]["amendments"]] == [
        "The title names the city."
    ]


def test_the_compiled_record_holds_the_final_award_the_contract_and_its_implementation(process):
    rows = process_releases(Release.objects.first().ocid)
    compiled = record_package(rows[0].ocid, rows, uri="x")["records"][0]["compiledRelease"]

    (award,) = compiled["awards"]
    (contract,) = compiled["contracts"]
    assert (award["status"], compiled["tender"]["status"]) == ("active", "complete")
    assert (contract["id"], contract["awardID"], contract["status"]) == (
        process.agreement.reference,
        award["id"],
        "active",
    )
    assert [item["value"]["amount"] for item in contract["implementation"]["transactions"]] == [
        float(process.tranche.amount)
    ]
    assert [milestone["status"] for milestone in contract["implementation"]["milestones"]] == [
        "met"
    ]


def test_a_bid_submitted_before_opening_appears_only_once_bids_are_opened():
    tender = published_tender()
    bid = secret_bid(tender, "1000.00")
    assert bid.provider.registration_number not in text_of(Release.objects.all())

    open_bids(tender)

    assert bid.provider.registration_number in text_of(Release.objects.all())


def test_an_award_set_aside_after_an_objection_is_published_cancelled():
    tender = published_tender()
    secret_bid(tender, "100000.00")
    secret_bid(tender, "90000.00")
    evaluation, _chair, _evaluators, bids = completed_evaluation(open_bids(tender))
    decision = award_propose(actor=tender.created_by, evaluation=evaluation)
    decision = award_approve(actor=UserFactory(approver=True), decision=decision)
    loser = next(bid for bid in bids if not decision.lines.get(bid=bid).proposed)
    objection = ObjectionFactory(decision=decision, bid=loser)

    objection_uphold(
        actor=tender.created_by,
        objection=objection,
        reason="The panel misread the proposal.",
        remedy="reevaluate",
    )

    approved = Release.objects.get(tags=["award"]).data["awards"]
    cancelled = Release.objects.get(tags=["awardCancellation"]).data["awards"]
    assert [award["id"] for award in cancelled] == [award["id"] for award in approved]
    assert [award["status"] for award in approved] == ["pending"]
    assert [award["status"] for award in cancelled] == ["cancelled"]
