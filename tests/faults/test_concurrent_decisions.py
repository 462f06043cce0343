"""Decisions taken at the same moment on separate connections, on PostgreSQL: exactly one wins
each race, the loser is told why, and the audit log holds exactly what happened."""

import time
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from grants.models import PilotReport, ReportReviewComment, ReportState
from grants.services import report_accept, report_return
from tenders.models import Bid, Evaluation, ScoreSheet, Tender
from tenders.services.bid_deadline import DEADLINE_PASSED, database_now
from tenders.services.bid_submission import bid_submit, bid_withdraw
from tenders.services.evaluation import evaluation_complete, sheet_submit
from tenders.services.opening import opening_entry
from tests.conftest import sign_in
from tests.factories.grants import PilotReportFactory, officer
from tests.factories.providers import admin_of
from tests.factories.tenders import (
    BidFactory,
    bid_ready_tender,
    eligible_provider,
    score_all,
    scoring_evaluation,
)
from tests.races import race
from workflows import sweeps
from workflows.audit import history
from workflows.errors import ConflictError, DomainError
from workflows.models import AuditEntry, OutboxMessage

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = range(1, 6)
# How long after the evaluators the chair clicks, each round: from at once to after both.
CHAIR_DELAYS = [0.0, 0.0, 0.1, 0.3, 1.0]
LEADS = [0.0, 0.1, 0.2, 0.35, 0.6]
CHANGED = "This item was changed by someone else; reload the page and try again."
CHANGED_RU = "Эту запись изменил кто-то другой; обновите страницу и попробуйте снова."


def _actions(obj):
    return list(history(obj).order_by("sequence").values_list("action", flat=True))


# Two grant officers decide on the same submitted report.


@pytest.mark.parametrize("round_", ROUNDS)
def test_two_officers_accepting_and_returning_one_report_one_wins(postgres, round_):
    report = PilotReportFactory(submitted=True)
    first, second = officer(), officer()

    def accept():
        return report_accept(actor=first, report=PilotReport.objects.get(pk=report.pk))

    def give_back():
        return report_return(
            actor=second,
            report=PilotReport.objects.get(pk=report.pk),
            comments={"narrative": "Say how many families were visited."},
        )

    outcomes = race(accept, give_back)

    won = [o for o in outcomes if isinstance(o, PilotReport)]
    lost = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert isinstance(lost[0], ConflictError) and str(lost[0].message) == CHANGED
    with translation.override("ru"):
        assert str(lost[0].message) == CHANGED_RU
    stored = PilotReport.objects.get(pk=report.pk)
    accepted = stored.state == ReportState.ACCEPTED
    assert stored.state == (ReportState.ACCEPTED if accepted else ReportState.RETURNED)
    winner = "accept" if accepted else "return_for_revision"
    assert _actions(stored)[-1:] == [winner]
    assert _actions(stored).count("accept") + _actions(stored).count("return_for_revision") == 1
    assert ReportReviewComment.objects.filter(report=stored).count() == (0 if accepted else 1)
    event = "grants.report_accepted" if accepted else "grants.report_returned"
    assert set(OutboxMessage.objects.values_list("event", flat=True)) == {event}
    print(
        f"\nround {round_}: {'accept' if accepted else 'return'} won, "
        f"the other officer was told {CHANGED!r}"
    )


def test_the_officer_who_loses_the_race_on_the_page_is_told_it_changed(postgres):
    report = PilotReportFactory(submitted=True)
    browsers = []
    for user in (officer(), officer()):
        browser = Client()
        sign_in(browser, user)
        browsers.append(browser)

    def review(browser, action, data):
        url = reverse("grants:report_review", args=[report.pk, action])
        return lambda: browser.post(url, {f"{action}-seen_state": "submitted", **data})

    responses = race(
        review(browsers[0], "accept", {}),
        review(browsers[1], "return", {"return-narrative": "Say how many families."}),
    )

    assert sorted(response.status_code for response in responses) == [302, 400]
    (loser,) = [response for response in responses if response.status_code == 400]
    assert CHANGED in loser.content.decode()
    stored = PilotReport.objects.get(pk=report.pk)
    assert stored.state in {ReportState.ACCEPTED, ReportState.RETURNED}
    assert len(_actions(stored)) == 1


# Two evaluators submit their sheets while the chair completes the evaluation.


@pytest.mark.parametrize("round_", ROUNDS)
def test_two_sheets_submitted_as_the_chair_completes_count_once_each(postgres, round_):
    evaluation, chair, evaluators, bids = scoring_evaluation(evaluators=3)
    points = {bid: [8 - n] * evaluation.tender.criteria.count() for n, bid in enumerate(bids)}
    score_all(evaluation, {user: points for user in evaluators[:1]})
    score_all(evaluation, {user: points for user in evaluators[1:]}, submit=False)
    OutboxMessage.objects.all().delete()

    def submit(user):
        def job():
            sheet = ScoreSheet.objects.get(evaluation=evaluation, member__user=user)
            return sheet_submit(actor=user, sheet=sheet)

        return job

    def complete():
        time.sleep(CHAIR_DELAYS[round_ - 1])
        return evaluation_complete(actor=chair, evaluation=Evaluation.objects.get(pk=evaluation.pk))

    *sheets, completion = race(submit(evaluators[1]), submit(evaluators[2]), complete)

    assert all(isinstance(sheet, ScoreSheet) for sheet in sheets), sheets
    stored = Evaluation.objects.get(pk=evaluation.pk)
    assert all(
        sheet.state == ScoreSheet.State.SUBMITTED
        for sheet in ScoreSheet.objects.filter(evaluation=stored)
    )
    submits = AuditEntry.objects.filter(
        content_type__model="scoresheet", action="submit", object_id__in=[str(s.pk) for s in sheets]
    )
    assert submits.count() == 2
    if isinstance(completion, Evaluation):
        assert stored.state == Evaluation.State.COMPLETED
        ranking = history(stored).get(action="complete").data["ranking"]
        assert len(ranking) == len(bids)
        # The completion came after both sheets: it is later in the chain than either.
        assert history(stored).get(action="complete").sequence > max(
            submits.values_list("sequence", flat=True)
        )
        outcome = "completed after both sheets"
    else:
        assert isinstance(completion, DomainError), completion
        assert completion.code == "not_ready"
        assert str(completion.message) == "Every evaluator must submit their score sheet."
        assert stored.state == Evaluation.State.SCORING
        assert "complete" not in _actions(stored)
        outcome = "refused, sheets still missing"
    # However the submissions interleaved, the chair is told once, by the later of the two.
    told = OutboxMessage.objects.filter(event="tenders.sheets_complete")
    last = submits.order_by("sequence").last()
    assert {key.split(":")[1] for key in told.values_list("key", flat=True)} == {str(last.pk)}
    print(f"\nround {round_}: both sheets submitted; the chair's completion {outcome}")


# An organisation withdraws its bid while the sweep opens the bids at the deadline.


@pytest.mark.parametrize("round_", ROUNDS)
def test_a_withdrawal_racing_the_opening_sweep_either_withdraws_or_is_opened(postgres, round_):
    tender = bid_ready_tender(submission_deadline=database_now() + timedelta(days=1))
    bid = BidFactory(tender=tender, provider=eligible_provider(tender), complete=True)
    bid_submit(actor=admin_of(bid.provider), bid=bid)
    deadline = database_now() + timedelta(seconds=1)
    Tender.objects.filter(pk=tender.pk).update(submission_deadline=deadline)
    sweep = sweeps.registered()["tenders.open_bids"]
    # The withdrawal starts a little earlier each round before the deadline, the sweep right
    # at it: early ones commit in time, late ones meet the deadline or the closed tender.
    lead = LEADS[round_ - 1]

    def until(moment):
        time.sleep(max(0.0, (moment - database_now()).total_seconds()))

    def withdraw():
        until(deadline - timedelta(seconds=lead))
        return bid_withdraw(
            actor=admin_of(bid.provider), bid=Bid.objects.get(pk=bid.pk), seen_state="submitted"
        )

    def open_bids():
        until(deadline)
        return sweeps.run(sweep, database_now())

    withdrawal, _handled = race(withdraw, open_bids)
    # A tender the withdrawal still held was skipped; the next run opens it.
    sweeps.run(sweep, database_now())

    stored = Bid.objects.get(pk=bid.pk)
    opened = [row["bid_id"] for row in opening_entry(tender).data["bids"]]
    if isinstance(withdrawal, Bid):
        assert stored.state == Bid.State.DISCARDED
        assert opened == []
        assert _actions(stored) == ["submit", "withdraw", "discard"]
        assert Tender.objects.get(pk=tender.pk).state == Tender.State.UNSUCCESSFUL
        outcome = "the withdrawal won; the sweep discarded the withdrawn bid"
    else:
        assert isinstance(withdrawal, DomainError), withdrawal
        assert withdrawal.code in {"deadline_passed", "tender_not_open"}
        assert str(withdrawal.message) in {
            str(DEADLINE_PASSED),
            "This tender is not open for bids.",
        }
        assert stored.state == Bid.State.SUBMITTED
        assert opened == [bid.pk]
        assert _actions(stored) == ["submit"]
        assert Tender.objects.get(pk=tender.pk).state == Tender.State.CLOSED
        outcome = f"the sweep won; the organisation was told {str(withdrawal.message)!r}"
    assert _actions(Tender.objects.get(pk=tender.pk)).count("bids_opened") == 1
    print(f"\nround {round_}: {outcome}")
