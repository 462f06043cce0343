"""The scale programme: built by ``populate_scale`` in proportion, in valid states, with an
audit chain that verifies, and every page the benchmark measures answering its user."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from bench.pages import pages
from grants.models import (
    GrantAgreement,
    PilotReport,
    ReportBeneficiaryCount,
    ReportState,
    Tranche,
    TrancheCondition,
)
from portal.models import User, Velayat
from portal.scale import Plan
from portal.scale.tenders import FACTORY_STATE
from providers.models import Provider, ProviderState
from tenders.models import Bid, Evaluation, Score, ScoreSheet, Screening, Tender
from tenders.services.bid_receipt import bid_digest
from tenders.services.opening import opening_entry
from tests.conftest import sign_in
from workflows import verification
from workflows.audit import history
from workflows.models import OutboxMessage

FACTOR = 0.005

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(postgres):
    call_command("populate_scale", factor=FACTOR, stdout=io.StringIO())


def test_the_programme_is_built_in_every_state_in_proportion_with_a_verified_audit(programme):
    assert set(Tender.objects.values_list("state", flat=True)) == {
        "draft",
        "published",
        "cancelled",
        "unsuccessful",
        "closed",
    }
    assert Provider.objects.filter(state=ProviderState.VERIFIED).count() == 4
    assert Provider.objects.values("velayat").distinct().count() > 1
    assert Tender.objects.values("velayat").distinct().count() == Velayat.objects.count()
    assert set(Bid.objects.values_list("state", flat=True)) == {"draft", "submitted"}
    assert not Bid.objects.filter(state="submitted", content_sha256="").exists()
    assert set(Evaluation.objects.values_list("state", flat=True)) == {"scoring", "completed"}
    assert Score.objects.exists()
    agreements = GrantAgreement.objects.count()
    assert agreements == 10
    assert PilotReport.objects.count() == 25 * agreements
    accepted = PilotReport.objects.filter(state=ReportState.ACCEPTED)
    assert accepted.exists()
    assert ReportBeneficiaryCount.objects.filter(report__in=accepted).exists()
    for report in PilotReport.objects.exclude(beneficiaries_new=None):
        cells = report.beneficiary_counts.all()
        assert report.beneficiaries_new == sum(cell.new for cell in cells)
        assert report.beneficiaries_continuing == sum(cell.continuing for cell in cells)
    result = verification.verify()
    assert result.ok
    assert result.count > 0
    with pytest.raises(CommandError, match="already holds"):
        call_command("populate_scale", factor=FACTOR)


def test_the_audit_chain_of_the_programme_verifies_as_the_command_reports(programme):
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert out.getvalue().startswith("OK ")


def test_tenders_and_evaluations_are_in_the_states_the_plan_asks_for(programme):
    plan = Plan.at(FACTOR)
    wanted = Counter()
    for kind, count in plan.tenders.items():
        wanted[FACTORY_STATE[kind]] += count
    assert Counter(Tender.objects.values_list("state", flat=True)) == wanted
    assert Counter(Evaluation.objects.values_list("state", flat=True)) == {
        "scoring": plan.tenders["scoring"],
        "completed": plan.tenders["completed"],
    }


def test_every_submitted_bid_carries_the_digest_of_its_content_and_is_in_its_opening_record(
    programme,
):
    for bid in Bid.objects.filter(state="submitted").select_related("tender"):
        digest, _text = bid_digest(bid, bid.tender)
        assert bid.content_sha256 == digest
        assert bid.documents.count() == 1
    for tender in Tender.objects.filter(state="closed"):
        record = opening_entry(tender).data["bids"]
        submitted = tender.bids.filter(state="submitted").order_by("id")
        assert [(b["bid_id"], b["sha256"]) for b in record] == [
            (bid.pk, bid.content_sha256) for bid in submitted
        ]


def test_each_evaluation_screened_every_bid_and_scored_it_as_the_services_do(programme):
    for evaluation in Evaluation.objects.select_related("tender"):
        tender = evaluation.tender
        bids = tender.bids.filter(state="submitted").count()
        screenings = Screening.objects.filter(evaluation=evaluation)
        assert screenings.count() == bids
        assert not screenings.exclude(eligible=True).exists()
        assert not screenings.exclude(decided_by=tender.created_by).exists()
        actions = Counter(entry.action for entry in history(evaluation))
        assert actions["create"] == 1
        assert actions["screening_decided"] == bids
        assert actions["start_scoring"] == 1
        sheets = ScoreSheet.objects.filter(evaluation=evaluation)
        assert sheets.count() == 3
        completed = evaluation.state == "completed"
        assert actions["complete"] == int(completed)
        assert set(sheets.values_list("state", flat=True)) == {
            "submitted" if completed else "draft"
        }
        scores = Score.objects.filter(sheet__evaluation=evaluation)
        assert scores.count() == 3 * bids * tender.criteria.count()
        assert not scores.filter(justification="").exists()


def test_notices_are_written_to_the_outbox_and_left_for_the_relay(programme):
    messages = OutboxMessage.objects.all()
    assert messages.filter(event="tenders.bid_opened").exists()
    assert not messages.filter(published_at__isnull=False).exists()


def test_tranches_paid_on_a_report_point_at_their_report(programme):
    tranches = Tranche.objects.exclude(condition=TrancheCondition.SIGNING)
    assert tranches.exists()
    assert not tranches.filter(report=None).exists()
    for tranche in tranches.select_related("report"):
        assert tranche.report.agreement_id == tranche.agreement_id


@override_settings(ROOT_URLCONF="bench.urls")
def test_every_page_the_benchmark_measures_answers_its_user(programme, client):
    for page in pages():
        client.logout()
        if page.username:
            sign_in(client, User.objects.get(username=page.username))
        response = client.get(page.path, secure=True)
        assert response.status_code == 200, page.name
