"""Proposing the award and the ministry approver's decision."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tenders.models import AwardDecision, AwardLine
from tenders.services.award import award_approve, award_propose, award_send_back
from tenders.services.evaluation import (
    evaluation_complete,
    evaluation_start_scoring,
    screening_decide,
)
from tenders.services.fingerprints import decision_fingerprint
from tests.conftest import sign_in
from tests.factories.portal import UserFactory
from tests.factories.providers import admin_of
from tests.factories.tenders import (
    BidFactory,
    TenderFactory,
    completed_evaluation,
    evaluation_of,
    score_all,
    set_budget,
)
from tests.tenders.tender_support import recipients
from workflows.audit import history
from workflows.errors import DomainError
from workflows.models import OutboxMessage

pytestmark = pytest.mark.django_db


def _three_bid_tender(**kwargs):
    tender = TenderFactory(closed=True, **kwargs)
    bids = [BidFactory(tender=tender, submitted=True) for _ in range(3)]
    for bid, amount in zip(bids, ("200000", "150000", "120000"), strict=True):
        set_budget(bid, amount)
    return tender


def _proposed_bids(decision):
    return list(decision.lines.filter(proposed=True).order_by("rank").values_list("bid", flat=True))


def test_the_officer_proposes_the_best_ranked_bid(django_capture_on_commit_callbacks):
    evaluation, _chair, _evaluators, bids = completed_evaluation(points=[7, 9])
    approver = UserFactory(approver=True)
    with django_capture_on_commit_callbacks() as callbacks:
        decision = award_propose(actor=evaluation.created_by, evaluation=evaluation)
        assert not OutboxMessage.objects.filter(published_at__isnull=False).exists()
    assert callbacks
    assert decision.state == AwardDecision.State.PROPOSED
    assert _proposed_bids(decision) == [bids[1].pk]
    assert decision.lines.count() == 2
    assert recipients("tenders.award_proposed") == {approver.pk}
    entry = history(decision).get(action="propose")
    assert entry.data["proposed"] == [
        {"bid": bids[1].pk, "amount": "120000.00", "rank": 1},
    ]


def test_several_awards_stay_within_the_budget_ceiling():
    # Ranked 1, 2, 3 costing 200 000, 150 000, 120 000 under a 330 000 ceiling: the second
    # would break the ceiling, so the first and third are proposed.
    tender = _three_bid_tender(awards_count=2, budget_ceiling=Decimal("330000"))
    evaluation, _chair, _evaluators, bids = completed_evaluation(tender, points=[9, 8, 7])
    decision = award_propose(actor=tender.created_by, evaluation=evaluation)
    assert _proposed_bids(decision) == [bids[0].pk, bids[2].pk]
    total = sum(line.amount for line in decision.lines.filter(proposed=True))
    assert total == Decimal("320000.00") <= tender.budget_ceiling


def test_a_bid_below_the_minimum_is_not_proposed():
    tender = _three_bid_tender(awards_count=2, min_technical_score=Decimal("75"))
    evaluation, *_rest, bids = completed_evaluation(tender, points=[9, 8, 7])
    decision = award_propose(actor=tender.created_by, evaluation=evaluation)
    assert _proposed_bids(decision) == [bids[0].pk, bids[1].pk]
    third = decision.lines.get(bid=bids[2])
    assert (third.rank, third.passes_minimum, third.proposed) == (3, False, False)


def test_an_ineligible_bid_has_a_line_without_a_rank():
    evaluation, chair, evaluators, (eligible, ineligible) = evaluation_of()
    screening = evaluation.screenings.get(bid=ineligible)
    screening_decide(
        actor=evaluation.created_by,
        screening=screening,
        decisions={line.pk: (False, "Forged certificate.") for line in screening.lines.all()},
    )
    evaluation = evaluation_start_scoring(actor=evaluation.created_by, evaluation=evaluation)
    score_all(evaluation, {user: {eligible: [8, 8]} for user in evaluators})
    evaluation = evaluation_complete(actor=chair, evaluation=evaluation)
    decision = award_propose(actor=evaluation.created_by, evaluation=evaluation)
    line = decision.lines.get(bid=ineligible)
    assert (line.eligible, line.rank, line.proposed) == (False, None, False)
    assert _proposed_bids(decision) == [eligible.pk]


def test_proposing_twice_gives_the_same_proposal():
    evaluation, *_rest = completed_evaluation()
    first = award_propose(actor=evaluation.created_by, evaluation=evaluation)
    second = award_propose(actor=evaluation.created_by, evaluation=evaluation)
    assert first.pk == second.pk
    assert AwardDecision.objects.count() == 1
    assert AwardLine.objects.count() == 2


def test_only_the_officer_proposes_and_only_after_completion():
    evaluation, chair, *_rest = completed_evaluation()
    with pytest.raises(DomainError) as refused:
        award_propose(actor=chair, evaluation=evaluation)
    assert refused.value.code == "forbidden"
    unfinished, *_rest = evaluation_of()
    with pytest.raises(DomainError) as refused:
        award_propose(actor=unfinished.created_by, evaluation=unfinished)
    assert refused.value.code == "not_allowed"


def test_no_proposal_when_no_bid_reaches_the_minimum():
    tender = TenderFactory(closed=True, min_technical_score=Decimal("95"))
    evaluation, *_rest = completed_evaluation(tender)
    with pytest.raises(DomainError) as refused:
        award_propose(actor=tender.created_by, evaluation=evaluation)
    assert refused.value.code == "no_winner"
    assert not AwardDecision.objects.exists()


@pytest.fixture
def proposed():
    evaluation, _chair, _evaluators, bids = completed_evaluation(points=[9, 7])
    decision = award_propose(actor=evaluation.created_by, evaluation=evaluation)
    return decision, bids


def test_the_approver_approves_and_the_standstill_starts(
    proposed, django_capture_on_commit_callbacks
):
    decision, (winner, loser) = proposed
    approver = UserFactory(approver=True)
    before = timezone.now()
    with django_capture_on_commit_callbacks() as callbacks:
        approved = award_approve(actor=approver, decision=decision)
        assert not OutboxMessage.objects.filter(published_at__isnull=False).exists()
    assert callbacks
    assert approved.state == AwardDecision.State.APPROVED
    assert approved.decided_by == approver
    ends = approved.standstill_ends_at - before
    assert timedelta(days=10) <= ends < timedelta(days=10, minutes=1)
    entry = history(approved).get(action="approve")
    assert (entry.actor, entry.source_state, entry.target_state) == (
        approver,
        "proposed",
        "approved",
    )
    outcome = OutboxMessage.objects.filter(event="tenders.award_outcome", channel="email")
    told = {message.recipient_id: message for message in outcome}
    assert told[admin_of(winner.provider).pk].context["proposed"] is True
    assert told[admin_of(loser.provider).pk].context["proposed"] is False
    assert told[admin_of(winner.provider).pk].url == reverse(
        "tenders:bid_outcome", args=[winner.pk]
    )
    assert decision.tender.created_by.pk in recipients("tenders.award_approved")


def test_the_standstill_length_comes_from_the_evaluation():
    evaluation, *_rest = completed_evaluation(standstill_days=3)
    decision = award_propose(actor=evaluation.created_by, evaluation=evaluation)
    approved = award_approve(actor=UserFactory(approver=True), decision=decision)
    assert approved.standstill_ends_at - approved.decided_at == timedelta(days=3)


def test_approving_twice_changes_nothing_more(proposed):
    decision, _bids = proposed
    approver = UserFactory(approver=True)
    first = award_approve(actor=approver, decision=decision)
    second = award_approve(actor=approver, decision=decision)
    assert first.standstill_ends_at == second.standstill_ends_at
    assert history(decision).filter(action="approve").count() == 1


def test_only_an_approver_other_than_the_proposer_approves(proposed, settings):
    decision, _bids = proposed
    for user in (decision.tender.created_by, UserFactory(evaluator=True)):
        with pytest.raises(DomainError) as refused:
            award_approve(actor=user, decision=decision)
        assert refused.value.code == "forbidden"
    decision.tender.created_by.groups.add(*UserFactory(approver=True).groups.all())
    proposer = type(decision.tender.created_by).objects.get(pk=decision.tender.created_by_id)
    with pytest.raises(DomainError) as refused:
        award_approve(actor=proposer, decision=decision)
    assert refused.value.code == "four_eyes"
    settings.FOUR_EYES = False
    with pytest.raises(DomainError) as refused:
        award_approve(actor=proposer, decision=decision)
    assert refused.value.code == "own_proposal"


def test_the_approver_sends_a_proposal_back_with_a_reason(proposed):
    decision, _bids = proposed
    approver = UserFactory(approver=True)
    with pytest.raises(DomainError) as refused:
        award_send_back(actor=approver, decision=decision, reason=" ")
    assert refused.value.code == "reason_required"
    returned = award_send_back(actor=approver, decision=decision, reason="Check the amounts.")
    assert returned.state == AwardDecision.State.RETURNED
    assert returned.return_reason == "Check the amounts."
    assert recipients("tenders.award_sent_back") == {decision.tender.created_by_id}
    assert award_send_back(actor=approver, decision=returned, reason="again").return_reason == (
        "Check the amounts."
    )
    with pytest.raises(DomainError) as refused:
        award_approve(actor=approver, decision=returned)
    assert refused.value.code == "not_allowed"
    again = award_propose(actor=decision.tender.created_by, evaluation=decision.evaluation)
    assert again.pk != decision.pk and again.state == AwardDecision.State.PROPOSED


def test_the_approver_decides_on_the_decision_page(client, proposed):
    decision, _bids = proposed
    approver = UserFactory(approver=True)
    sign_in(client, approver)
    page = client.get(reverse("tenders:award_decision", args=[decision.pk]))
    assert page.status_code == 200 and "Approve the award" in page.content.decode()
    response = client.post(
        reverse("tenders:award_approve", args=[decision.pk]),
        {"seen_state": "proposed", "seen": decision_fingerprint(decision)},
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.state == AwardDecision.State.APPROVED


def test_the_decision_page_is_not_found_for_bidders_and_evaluators(client, proposed):
    decision, (winner, _loser) = proposed
    for user in (admin_of(winner.provider), UserFactory(evaluator=True), UserFactory()):
        sign_in(client, user)
        assert client.get(reverse("tenders:award_decision", args=[decision.pk])).status_code == 404
        response = client.post(
            reverse("tenders:award_approve", args=[decision.pk]), {"seen_state": "proposed"}
        )
        assert response.status_code == 404
    decision.refresh_from_db()
    assert decision.state == AwardDecision.State.PROPOSED
