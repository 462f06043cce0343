"""The award page says why fewer awards than planned were made."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from tenders.services.award import award_propose
from tenders.services.award.shortfall import award_shortfall
from tests.conftest import sign_in
from tests.factories.portal import UserFactory
from tests.factories.tenders import BidFactory, TenderFactory, completed_evaluation, set_budget

pytestmark = pytest.mark.django_db


def _decision(amounts, **tender_fields):
    tender = TenderFactory(closed=True, **tender_fields)
    for amount in amounts:
        set_budget(BidFactory(tender=tender, submitted=True), amount)
    evaluation, *_rest = completed_evaluation(tender, points=[9 - n for n in range(len(amounts))])
    return award_propose(actor=tender.created_by, evaluation=evaluation)


def test_two_bids_together_above_the_ceiling_explain_the_single_award():
    decision = _decision(["300000", "180000"], awards_count=2, budget_ceiling=Decimal("400000"))
    shortfall = award_shortfall(decision)
    assert (shortfall.planned, shortfall.made, shortfall.best_total) == (2, 1, Decimal("480000"))
    with translation.override("en"):
        assert shortfall.text == (
            "2 awards were planned. The 2 best-ranked bids together ask 480,000.00 TMT, more "
            "than the ceiling of 400,000.00 TMT. So 1 award was made."
        )


def test_a_full_award_needs_no_explanation():
    decision = _decision(
        ["200000", "150000", "120000"], awards_count=2, budget_ceiling=Decimal("330000")
    )
    assert award_shortfall(decision) is None


def test_too_few_bids_above_the_minimum_are_named_as_the_reason():
    decision = _decision(["100000", "100000"], awards_count=3, budget_ceiling=Decimal("900000"))
    with translation.override("en"):
        text = award_shortfall(decision).text
    assert text.startswith("3 awards were planned. Only 2 bids can be awarded")
    assert "ceiling" not in text
    assert text.endswith("So 2 awards were made.")


def test_the_approver_reads_the_reason_in_russian_on_the_decision_page(client):
    decision = _decision(["300000", "180000"], awards_count=2, budget_ceiling=Decimal("400000"))
    sign_in(client, UserFactory(approver=True, language="ru"))
    page = client.get(
        reverse("tenders:award_decision", args=[decision.pk]), HTTP_ACCEPT_LANGUAGE="ru"
    ).content.decode()
    assert "480\xa0000,00" in page
    assert "400\xa0000,00" in page
    assert "Планировалось присудить грантов: 2." in page
    assert "Поэтому присуждено грантов: 1." in page


def test_the_officer_sees_the_same_reason_on_the_decision_page(client):
    decision = _decision(["300000", "180000"], awards_count=2, budget_ceiling=Decimal("400000"))
    sign_in(client, decision.tender.created_by)
    page = client.get(reverse("tenders:award_decision", args=[decision.pk])).content.decode()
    assert "2 awards were planned." in page
