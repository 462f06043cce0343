"""The end of the standstill period: the award becomes final, once, and is announced."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from grants.models import GrantAgreement
from tenders.models import AwardDecision, AwardLine, Tender
from tenders.services.award import (
    AWARD_FINALISED,
    award_approve,
    award_finalise,
    award_propose,
    decisions_due_for_finalisation,
)
from tests.factories.portal import UserFactory
from tests.factories.providers import admin_of
from tests.factories.tenders import (
    AwardDecisionFactory,
    BidFactory,
    ObjectionFactory,
    TenderFactory,
    completed_evaluation,
    set_budget,
)
from tests.tenders.tender_support import recipients
from workflows import events, sweeps
from workflows.audit import history
from workflows.models import OutboxMessage

pytestmark = pytest.mark.django_db

SWEEP = "tenders.award_finalise"


@pytest.fixture
def emitted():
    """Every ``tenders.award_finalised`` payload, in order."""
    calls = []

    def record(**payload):
        calls.append(payload)

    events.subscribe(AWARD_FINALISED, record)
    yield calls
    events._subscribers[AWARD_FINALISED].remove(record)


def _approved(tender=None, points=None):
    evaluation, chair, evaluators, bids = completed_evaluation(tender, points=points)
    decision = award_propose(actor=evaluation.created_by, evaluation=evaluation)
    approver = UserFactory(approver=True)
    decision = award_approve(actor=approver, decision=decision)
    return decision, bids, chair, approver


def _sweep(decision, after=timedelta(seconds=1)):
    return sweeps.run(sweeps.registered()[SWEEP], decision.standstill_ends_at + after)


def test_due_are_approved_decisions_past_their_standstill_with_no_pending_objection():
    later = timezone.now() + timedelta(days=11)
    free = AwardDecisionFactory(approved=True)
    held = AwardDecisionFactory(approved=True)
    ObjectionFactory(decision=held)
    resolved = AwardDecisionFactory(approved=True)
    ObjectionFactory(decision=resolved, dismissed=True)
    for state in ("proposed", "returned", "final", "set_aside"):
        AwardDecisionFactory(**{state: True})
    assert set(decisions_due_for_finalisation(later)) == {free, resolved}
    assert not decisions_due_for_finalisation(timezone.now()).exists()


def test_nothing_becomes_final_before_the_standstill_ends(emitted):
    decision, *_rest = _approved()
    assert _sweep(decision, after=-timedelta(seconds=1)) == 0
    assert award_finalise(
        decision=decision, now=decision.standstill_ends_at - timedelta(1)
    ).state == (AwardDecision.State.APPROVED)
    assert emitted == []


def test_the_award_becomes_final_and_the_winner_is_announced_once(emitted):
    decision, (winner, loser), chair, approver = _approved(points=[9, 7])
    assert _sweep(decision) == 1
    decision.refresh_from_db()
    tender = Tender.objects.get(pk=decision.tender_id)
    assert decision.state == AwardDecision.State.FINAL
    assert tender.state == Tender.State.AWARDED
    assert history(tender).get(action="mark_awarded").actor is None
    assert dict(decision.lines.values_list("bid", "outcome")) == {
        winner.pk: AwardLine.Outcome.AWARDED,
        loser.pk: AwardLine.Outcome.NOT_AWARDED,
    }
    assert emitted == [{"award_bid": winner, "amount": Decimal("120000.00"), "actor": None}]
    assert GrantAgreement.objects.get().bid == winner
    told = recipients("tenders.award_final")
    assert {
        admin_of(winner.provider).pk,
        admin_of(loser.provider).pk,
        tender.created_by_id,
        approver.pk,
        chair.pk,
    } <= told


def test_running_the_finalisation_twice_changes_nothing_more(emitted):
    decision, *_rest = _approved()
    _sweep(decision)
    messages = OutboxMessage.objects.count()
    assert _sweep(decision) == 0
    assert award_finalise(decision=decision, now=decision.standstill_ends_at + timedelta(days=1))
    assert len(emitted) == 1
    assert OutboxMessage.objects.count() == messages
    assert history(decision).filter(action="finalise").count() == 1
    assert history(decision.tender).filter(action="mark_awarded").count() == 1
    assert GrantAgreement.objects.count() == 1


def test_each_winner_is_announced_with_its_own_amount(emitted):
    tender = TenderFactory(closed=True, awards_count=2, budget_ceiling=Decimal("400000"))
    bids = [BidFactory(tender=tender, submitted=True) for _ in range(3)]
    for bid, amount in zip(bids, ("150000", "130000", "110000"), strict=True):
        set_budget(bid, amount)
    decision, bids, *_rest = _approved(tender, points=[9, 8, 7])
    _sweep(decision)
    assert [(call["award_bid"], call["amount"]) for call in emitted] == [
        (bids[0], Decimal("150000.00")),
        (bids[1], Decimal("130000.00")),
    ]
    assert decision.lines.get(bid=bids[2]).outcome == AwardLine.Outcome.NOT_AWARDED


def test_a_failing_subscriber_rolls_the_whole_finalisation_back():
    decision, *_rest = _approved()

    def refuse(**payload):
        raise RuntimeError("no agreement")

    events.subscribe(AWARD_FINALISED, refuse)
    try:
        assert _sweep(decision) == 0
    finally:
        events._subscribers[AWARD_FINALISED].remove(refuse)
    decision.refresh_from_db()
    assert decision.state == AwardDecision.State.APPROVED
    assert Tender.objects.get(pk=decision.tender_id).state == Tender.State.CLOSED
    assert not decision.lines.exclude(outcome="").exists()


def test_the_public_award_notice_appears_only_once_the_award_is_final(client):
    decision, (winner, loser), *_rest = _approved(points=[9, 7])
    url = reverse("tenders:award_notice", args=[decision.tender_id])
    assert client.get(url).status_code == 404
    _sweep(decision)
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert winner.provider.name in text
    assert "120,000.00 TMT" in text
    assert loser.provider.name not in text
    decision.refresh_from_db()
    assert str(decision.finalised_at.year) in text


def test_an_awarded_tender_stays_public_and_links_to_its_award_notice(client):
    decision, (winner, _loser), *_rest = _approved(points=[9, 7])
    _sweep(decision)
    notice_url = reverse("tenders:award_notice", args=[decision.tender_id])
    page = client.get(reverse("tenders:detail", args=[decision.tender_id]))
    assert page.status_code == 200
    assert notice_url in page.content.decode()
    listed = client.get(reverse("tenders:list"), {"state": Tender.State.AWARDED})
    assert decision.tender.reference in listed.content.decode()
