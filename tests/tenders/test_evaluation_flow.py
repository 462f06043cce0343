"""One tender from opened bids to a final award, through the services and the sweeps."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tenders.models import AwardDecision, AwardLine, Evaluation, Tender
from tenders.services.award import award_approve, award_propose
from tenders.services.evaluation import evaluation_complete, evaluation_start_scoring
from tests.factories.portal import UserFactory
from tests.factories.tenders import TenderFactory, evaluation_of, score_all, set_budget
from workflows import sweeps
from workflows.models import OutboxMessage

pytestmark = pytest.mark.django_db


def test_a_tender_goes_from_opened_bids_to_a_final_award():
    tender = TenderFactory(closed=True, criteria=[50, 30], price_weight=20)
    evaluation, chair, evaluators, (first, second) = evaluation_of(tender)
    set_budget(first, "100000")
    set_budget(second, "125000")
    officer = tender.created_by
    evaluation = evaluation_start_scoring(actor=officer, evaluation=evaluation)
    score_all(
        evaluation,
        {
            evaluators[0]: {first: [8, 8], second: [9, 9]},
            evaluators[1]: {first: [8, 8], second: [9, 9]},
            evaluators[2]: {first: [8, 8], second: [9, 9]},
        },
    )
    evaluation = evaluation_complete(actor=chair, evaluation=evaluation)
    assert evaluation.state == Evaluation.State.COMPLETED

    decision = award_propose(actor=officer, evaluation=evaluation)
    lines = {line.bid_id: line for line in decision.lines.all()}
    # first: 8/10*50 + 8/10*30 = 64, price 20 -> 84; second: 72, price 16 -> 88
    assert (lines[second.pk].rank, lines[second.pk].total_score) == (1, Decimal("88.00"))
    assert (lines[first.pk].rank, lines[first.pk].total_score) == (2, Decimal("84.00"))
    assert [bid for bid, line in lines.items() if line.proposed] == [second.pk]

    approver = UserFactory(approver=True)
    decision = award_approve(actor=approver, decision=decision)
    assert decision.state == AwardDecision.State.APPROVED
    assert OutboxMessage.objects.filter(event="tenders.award_outcome").count() > 0

    later = decision.standstill_ends_at + timedelta(seconds=1)
    handled = sweeps.run(sweeps.registered()["tenders.award_finalise"], later)
    assert handled == 1
    decision.refresh_from_db()
    tender.refresh_from_db()
    assert decision.state == AwardDecision.State.FINAL
    assert tender.state == Tender.State.AWARDED
    outcomes = dict(decision.lines.values_list("bid_id", "outcome"))
    assert outcomes == {
        second.pk: AwardLine.Outcome.AWARDED,
        first.pk: AwardLine.Outcome.NOT_AWARDED,
    }
    assert decision.finalised_at <= timezone.now() + timedelta(days=30)
