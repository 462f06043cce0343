"""Starting scoring, moderating divergent scores, completing, and ending without award."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tenders.models import Evaluation, ModerationNote, ScoreSheet, Screening, Tender
from tenders.services.evaluation import (
    declaration_make,
    evaluation_complete,
    evaluation_end_unsuccessful,
    evaluation_start_scoring,
    moderation_note_save,
    panel_member_add,
    screening_decide,
)
from tenders.services.evaluation.results import unmoderated
from tests.factories.portal import UserFactory
from tests.factories.providers import admin_of
from tests.factories.tenders import (
    PanelMemberFactory,
    TenderFactory,
    completed_evaluation,
    evaluation_of,
    score_all,
    scoring_evaluation,
)
from tests.tenders.tender_support import recipients
from workflows.audit import history
from workflows.errors import DomainError
from workflows.models import OutboxMessage

pytestmark = pytest.mark.django_db


# Starting scoring.


def test_the_officer_starts_scoring_and_each_evaluator_gets_a_sheet(
    django_capture_on_commit_callbacks,
):
    evaluation, chair, evaluators, _bids = evaluation_of()
    with django_capture_on_commit_callbacks() as callbacks:
        started = evaluation_start_scoring(actor=evaluation.created_by, evaluation=evaluation)
        assert OutboxMessage.objects.filter(event="tenders.scoring_started").exists()
        assert not OutboxMessage.objects.filter(published_at__isnull=False).exists()
    assert callbacks
    assert started.state == Evaluation.State.SCORING
    assert ScoreSheet.objects.filter(evaluation=evaluation).count() == 3
    assert recipients("tenders.scoring_started") == {chair.pk, *(u.pk for u in evaluators)}
    entry = history(evaluation).get(action="start_scoring")
    assert (entry.source_state, entry.target_state) == ("screening", "scoring")


def test_starting_twice_changes_nothing_more():
    evaluation, *_rest = evaluation_of()
    evaluation_start_scoring(actor=evaluation.created_by, evaluation=evaluation)
    evaluation_start_scoring(actor=evaluation.created_by, evaluation=evaluation)
    assert history(evaluation).filter(action="start_scoring").count() == 1


def test_only_the_officer_starts_scoring():
    evaluation, chair, *_rest = evaluation_of()
    for user in (chair, UserFactory(procurement_officer=True)):
        with pytest.raises(DomainError) as refused:
            evaluation_start_scoring(actor=user, evaluation=evaluation)
        assert refused.value.code == "forbidden"


def test_scoring_needs_a_chair_and_enough_cleared_evaluators():
    evaluation, _chair, _evaluators, _bids = evaluation_of(evaluators=2)
    with pytest.raises(DomainError) as refused:
        evaluation_start_scoring(actor=evaluation.created_by, evaluation=evaluation)
    assert "at least 3 evaluators" in str(refused.value.message)
    panel_member_add(
        actor=evaluation.created_by,
        evaluation=evaluation,
        user=(late := UserFactory(evaluator=True)),
        role="evaluator",
    )
    with pytest.raises(DomainError) as refused:
        evaluation_start_scoring(actor=evaluation.created_by, evaluation=evaluation)
    assert "declare" in str(refused.value.message)
    declaration_make(actor=late, evaluation=evaluation, has_conflict=False)
    assert evaluation_start_scoring(actor=evaluation.created_by, evaluation=evaluation).state == (
        Evaluation.State.SCORING
    )


def test_a_recused_evaluator_does_not_count_towards_the_minimum():
    evaluation, _chair, evaluators, _bids = evaluation_of(evaluators=3)
    PanelMemberFactory(evaluation=evaluation, conflicted=True)
    member = evaluation.members.get(user=evaluators[0])
    member.recused_at = timezone.now()
    member.save()
    with pytest.raises(DomainError):
        evaluation_start_scoring(actor=evaluation.created_by, evaluation=evaluation)


def test_scoring_waits_for_every_screening():
    tender = TenderFactory(closed=True)
    evaluation, *_rest = evaluation_of(tender)
    Screening.objects.filter(evaluation=evaluation).update(eligible=None)
    with pytest.raises(DomainError) as refused:
        evaluation_start_scoring(actor=evaluation.created_by, evaluation=evaluation)
    assert "screening" in str(refused.value.message)


def test_a_passed_deadline_must_be_replaced_when_starting():
    evaluation, *_rest = evaluation_of()
    Evaluation.objects.filter(pk=evaluation.pk).update(deadline=timezone.now() - timedelta(days=1))
    evaluation.refresh_from_db()
    with pytest.raises(DomainError) as refused:
        evaluation_start_scoring(actor=evaluation.created_by, evaluation=evaluation)
    assert refused.value.field == "deadline"
    new = timezone.now() + timedelta(days=5)
    started = evaluation_start_scoring(
        actor=evaluation.created_by, evaluation=evaluation, deadline=new
    )
    assert started.deadline == new


# Divergence and moderation.


@pytest.fixture
def diverging():
    evaluation, chair, evaluators, (first, second) = scoring_evaluation()
    # On the first criterion (max 10), the first bid gets 2, 6 and 5: a spread of 4 > 3.
    score_all(
        evaluation,
        {
            evaluators[0]: {first: [2, 7], second: [8, 8]},
            evaluators[1]: {first: [6, 7], second: [8, 8]},
            evaluators[2]: {first: [5, 7], second: [8, 8]},
        },
    )
    return evaluation, chair, first, evaluation.tender.criteria.first()


def test_a_divergent_score_blocks_completion_until_the_chair_moderates_it(diverging):
    evaluation, chair, bid, criterion = diverging
    assert unmoderated(evaluation) == [(bid.pk, criterion.pk)]
    with pytest.raises(DomainError) as refused:
        evaluation_complete(actor=chair, evaluation=evaluation)
    assert "moderation note" in str(refused.value.message)
    moderation_note_save(
        actor=chair,
        evaluation=evaluation,
        bid_id=bid.pk,
        criterion_id=criterion.pk,
        note="Discussed: the low score overlooked the outreach plan; scores stand.",
    )
    assert unmoderated(evaluation) == []
    entry = history(evaluation).get(action="moderation_note")
    assert entry.data == {"bid": bid.pk, "criterion": criterion.pk}
    assert evaluation_complete(actor=chair, evaluation=evaluation).state == "completed"


def test_moderation_notes_are_for_flagged_scores_and_the_chair_only(diverging):
    evaluation, chair, bid, criterion = diverging
    other = evaluation.tender.criteria.last()
    with pytest.raises(DomainError) as refused:
        moderation_note_save(
            actor=chair, evaluation=evaluation, bid_id=bid.pk, criterion_id=other.pk, note="x"
        )
    assert refused.value.code == "not_divergent"
    evaluator = evaluation.members.filter(role="evaluator").first().user
    with pytest.raises(DomainError) as refused:
        moderation_note_save(
            actor=evaluator,
            evaluation=evaluation,
            bid_id=bid.pk,
            criterion_id=criterion.pk,
            note="x",
        )
    assert refused.value.code == "forbidden"
    assert not ModerationNote.objects.exists()


def test_the_same_note_twice_writes_one_audit_entry(diverging):
    evaluation, chair, bid, criterion = diverging
    for _ in range(2):
        moderation_note_save(
            actor=chair, evaluation=evaluation, bid_id=bid.pk, criterion_id=criterion.pk, note="ok"
        )
    assert history(evaluation).filter(action="moderation_note").count() == 1


def test_the_divergence_threshold_is_set_per_evaluation():
    evaluation, chair, evaluators, (first, second) = scoring_evaluation(
        divergence_share=Decimal("0.50")
    )
    score_all(
        evaluation,
        {
            evaluators[0]: {first: [2, 7], second: [8, 8]},
            evaluators[1]: {first: [6, 7], second: [8, 8]},
            evaluators[2]: {first: [5, 7], second: [8, 8]},
        },
    )
    assert unmoderated(evaluation) == []


# Completing.


def test_completion_waits_for_every_sheet():
    evaluation, chair, evaluators, bids = scoring_evaluation()
    score_all(evaluation, {user: {b: [7, 7] for b in bids} for user in evaluators[:2]})
    with pytest.raises(DomainError) as refused:
        evaluation_complete(actor=chair, evaluation=evaluation)
    assert "submit" in str(refused.value.message)


def test_the_chair_completes_and_the_officer_is_told(django_capture_on_commit_callbacks):
    evaluation, chair, evaluators, bids = scoring_evaluation()
    score_all(evaluation, {user: {b: [7, 7] for b in bids} for user in evaluators})
    with pytest.raises(DomainError) as refused:
        evaluation_complete(actor=evaluators[0], evaluation=evaluation)
    assert refused.value.code == "forbidden"
    with django_capture_on_commit_callbacks() as callbacks:
        completed = evaluation_complete(actor=chair, evaluation=evaluation)
    assert callbacks
    assert completed.state == Evaluation.State.COMPLETED
    assert evaluation.created_by.pk in recipients("tenders.evaluation_completed")
    entry = history(evaluation).get(action="complete")
    assert [row["rank"] for row in entry.data["ranking"]] == [1, 2]
    assert evaluation_complete(actor=chair, evaluation=completed).state == "completed"
    assert history(evaluation).filter(action="complete").count() == 1


def test_completing_before_scoring_is_refused():
    evaluation, chair, *_rest = evaluation_of()
    with pytest.raises(DomainError) as refused:
        evaluation_complete(actor=chair, evaluation=evaluation)
    assert refused.value.code == "not_allowed"


# Ending without award.


def test_a_tender_with_no_eligible_bid_ends_unsuccessful_and_everyone_is_told():
    evaluation, chair, _evaluators, bids = evaluation_of()
    for screening in evaluation.screenings.all():
        line = screening.lines.get(code="verified")
        screening_decide(
            actor=evaluation.created_by,
            screening=screening,
            decisions={line.pk: (False, "Registration was revoked before the deadline.")},
        )
    with pytest.raises(DomainError):
        evaluation_start_scoring(actor=evaluation.created_by, evaluation=evaluation)
    ended = evaluation_end_unsuccessful(actor=evaluation.created_by, evaluation=evaluation)
    assert ended.state == Evaluation.State.UNSUCCESSFUL
    assert ended.end_reason == "no_eligible_bid"
    tender = Tender.objects.get(pk=evaluation.tender_id)
    assert tender.state == Tender.State.UNSUCCESSFUL
    told = recipients("tenders.evaluation_unsuccessful")
    assert {evaluation.created_by.pk, chair.pk, *(admin_of(b.provider).pk for b in bids)} <= told
    assert history(tender).get(action="end_unsuccessful").actor == evaluation.created_by


def test_a_tender_with_no_bid_above_the_minimum_ends_unsuccessful():
    tender = TenderFactory(closed=True, min_technical_score=Decimal("80"))
    evaluation, *_rest = completed_evaluation(tender, points=[7, 6])
    ended = evaluation_end_unsuccessful(actor=evaluation.created_by, evaluation=evaluation)
    assert ended.end_reason == "none_above_minimum"
    tender.refresh_from_db()
    assert tender.state == Tender.State.UNSUCCESSFUL


def test_a_tender_that_can_still_be_awarded_does_not_end_unsuccessful():
    evaluation, *_rest = completed_evaluation()
    with pytest.raises(DomainError) as refused:
        evaluation_end_unsuccessful(actor=evaluation.created_by, evaluation=evaluation)
    assert refused.value.code == "award_possible"
    with pytest.raises(DomainError) as refused:
        evaluation_end_unsuccessful(
            actor=UserFactory(procurement_officer=True), evaluation=evaluation
        )
    assert refused.value.code == "forbidden"
    assert Tender.objects.get(pk=evaluation.tender_id).state == Tender.State.CLOSED
