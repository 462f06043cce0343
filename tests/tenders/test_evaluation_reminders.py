"""Reminders of unsubmitted score sheets, and the officer told once of a missed deadline."""

from datetime import timedelta

import pytest

from tenders.services.evaluation import evaluation_remind
from tests.factories.tenders import score_all, scoring_evaluation
from workflows import sweeps
from workflows.models import OutboxMessage

pytestmark = pytest.mark.django_db

SWEEP = "tenders.evaluation_reminders"


@pytest.fixture
def scene():
    evaluation, chair, evaluators, bids = scoring_evaluation()
    score_all(evaluation, {evaluators[0]: {b: [7, 7] for b in bids}})
    return evaluation, evaluators


def _sweep(now):
    return sweeps.run(sweeps.registered()[SWEEP], now)


def _emails(event):
    return OutboxMessage.objects.filter(event=event, channel="email")


def test_the_reminder_sweep_is_registered():
    assert SWEEP in sweeps.registered()
    assert "tenders.award_finalise" in sweeps.registered()


def test_nothing_is_sent_more_than_two_days_ahead(scene):
    evaluation, _evaluators = scene
    assert _sweep(evaluation.deadline - timedelta(days=2, seconds=1)) == 0
    assert not OutboxMessage.objects.filter(event__startswith="tenders.evaluation_").exists()


def test_evaluators_with_unsubmitted_sheets_are_reminded_two_days_and_one_day_before(scene):
    evaluation, evaluators = scene
    assert _sweep(evaluation.deadline - timedelta(days=2)) == 1
    reminders = _emails("tenders.evaluation_reminder")
    assert set(reminders.values_list("recipient", flat=True)) == {u.pk for u in evaluators[1:]}
    assert reminders.first().context["days"] == 2
    assert _sweep(evaluation.deadline - timedelta(days=2)) == 0
    assert _sweep(evaluation.deadline - timedelta(hours=23)) == 1
    assert sorted(set(reminders.values_list("context__days", flat=True))) == [1, 2]
    assert reminders.count() == 4


def test_the_officer_is_told_once_when_the_deadline_passes_with_sheets_missing(scene):
    evaluation, _evaluators = scene
    after = evaluation.deadline + timedelta(minutes=1)
    assert _sweep(after) == 1
    assert _sweep(after + timedelta(days=1)) == 0
    assert evaluation_remind(evaluation=evaluation, now=after) is None
    notice = _emails("tenders.evaluation_overdue").get()
    assert notice.recipient == evaluation.created_by
    assert len(notice.context["missing"]) == 2


def test_nobody_is_told_when_every_sheet_is_in():
    evaluation, _chair, evaluators, bids = scoring_evaluation()
    score_all(evaluation, {user: {b: [7, 7] for b in bids} for user in evaluators})
    assert _sweep(evaluation.deadline - timedelta(days=1)) == 1
    assert _sweep(evaluation.deadline + timedelta(minutes=1)) == 1
    assert not _emails("tenders.evaluation_reminder").exists()
    assert not _emails("tenders.evaluation_overdue").exists()
    assert _sweep(evaluation.deadline + timedelta(days=3)) == 0
