"""Evaluations, score sheets and award decisions over the API: panel members only, with the
blind rule of the panel pages, and the approver's decision through the page's service."""

import pytest
from django.core.cache import cache

from tenders.models import AwardDecision, ScoreSheet
from tenders.services.award import award_propose
from tests.factories.portal import UserFactory
from tests.factories.providers import admin_of
from tests.factories.tenders import completed_evaluation, score_all, scoring_evaluation
from tests.portal.api_support import token_client
from workflows.audit import history
from workflows.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()


def sheet_ids(client):
    return {row["id"] for row in client.get("/api/score-sheets/").json()["results"]}


def sheet_of(evaluation, user):
    return ScoreSheet.objects.get(evaluation=evaluation, member__user=user)


def test_an_evaluator_reads_only_their_own_sheet_until_it_is_submitted():
    evaluation, chair, (first, second, third), bids = scoring_evaluation()
    criteria = evaluation.tender.criteria.count()
    score_all(evaluation, {second: {bid: [5] * criteria for bid in bids}})
    mine = sheet_of(evaluation, first)
    client = token_client(first)
    assert sheet_ids(client) == {mine.pk}
    assert client.get(f"/api/score-sheets/{sheet_of(evaluation, second).pk}/").status_code == 404

    score_all(evaluation, {first: {bid: [6] * criteria for bid in bids}})
    assert sheet_ids(client) == {mine.pk, sheet_of(evaluation, second).pk}
    assert sheet_of(evaluation, third).pk not in sheet_ids(client)


def test_an_evaluator_submits_their_sheet_over_the_api():
    evaluation, chair, (first, *_others), bids = scoring_evaluation()
    criteria = evaluation.tender.criteria.count()
    score_all(evaluation, {first: {bid: [7] * criteria for bid in bids}}, submit=False)
    client = token_client(first)
    sheet = client.get(f"/api/score-sheets/{sheet_of(evaluation, first).pk}/").json()
    assert sheet["own"] is True
    response = client.post(
        f"/api/score-sheets/{sheet['id']}/submit/",
        {"seen_state": "draft", "seen": sheet["fingerprint"]},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["state"] == "submitted"
    assert history(sheet_of(evaluation, first)).filter(action="submit").exists()


def test_the_chair_reads_submitted_sheets_and_returns_one_with_a_reason():
    evaluation, chair, (first, *_others), bids = scoring_evaluation()
    criteria = evaluation.tender.criteria.count()
    score_all(evaluation, {first: {bid: [7] * criteria for bid in bids}})
    sheet = sheet_of(evaluation, first)
    client = token_client(chair)
    assert sheet.pk in sheet_ids(client)
    missing = client.post(
        f"/api/score-sheets/{sheet.pk}/return/", {"seen_state": "submitted"}, format="json"
    )
    assert missing.status_code == 400
    assert "reason" in missing.json()["errors"]
    returned = client.post(
        f"/api/score-sheets/{sheet.pk}/return/",
        {"seen_state": "submitted", "reason": "Justify the second criterion."},
        format="json",
    )
    assert returned.json()["state"] == "draft"


def test_another_evaluator_cannot_submit_someone_else_s_sheet_it_cannot_see():
    evaluation, chair, (first, second, _third), bids = scoring_evaluation()
    response = token_client(second).post(
        f"/api/score-sheets/{sheet_of(evaluation, first).pk}/submit/",
        {"seen_state": "draft", "seen": "v1"},
        format="json",
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    "outsider",
    ["an evaluator of no panel", "another officer", "an approver", "a bidder's admin"],
)
def test_people_off_the_panel_find_no_evaluation_or_sheet(outsider):
    evaluation, chair, evaluators, bids = scoring_evaluation()
    user = {
        "an evaluator of no panel": lambda: UserFactory(evaluator=True),
        "another officer": lambda: UserFactory(procurement_officer=True),
        "an approver": lambda: UserFactory(approver=True),
        "a bidder's admin": lambda: admin_of(bids[0].provider),
    }[outsider]()
    client = token_client(user)
    assert client.get(f"/api/evaluations/{evaluation.pk}/").status_code == 404
    assert client.get("/api/score-sheets/").json()["results"] == []
    sheet = sheet_of(evaluation, evaluators[0])
    assert client.get(f"/api/score-sheets/{sheet.pk}/").status_code == 404


def test_the_tender_s_officer_reads_the_evaluation_but_no_sheet():
    evaluation, chair, evaluators, bids = scoring_evaluation()
    client = token_client(evaluation.tender.created_by)
    assert client.get(f"/api/evaluations/{evaluation.pk}/").json()["state"] == "scoring"
    assert client.get("/api/score-sheets/").json()["results"] == []
    sheet = sheet_of(evaluation, evaluators[0])
    assert client.get(f"/api/score-sheets/{sheet.pk}/").status_code == 404


def test_panel_members_list_their_evaluation():
    evaluation, chair, evaluators, bids = scoring_evaluation()
    body = token_client(evaluators[0]).get("/api/evaluations/").json()
    assert [row["id"] for row in body["results"]] == [evaluation.pk]
    assert body["results"][0]["state"] == "scoring"


@pytest.fixture
def proposed():
    evaluation, chair, evaluators, bids = completed_evaluation()
    return award_propose(actor=evaluation.created_by, evaluation=evaluation)


def test_an_approver_approves_the_proposed_award(proposed, django_capture_on_commit_callbacks):
    approver = UserFactory(approver=True)
    client = token_client(approver)
    decision = client.get(f"/api/awards/{proposed.pk}/").json()
    assert decision["lines"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/awards/{proposed.pk}/approve/",
            {"seen_state": "proposed", "seen": decision["fingerprint"]},
            format="json",
        )
    assert response.status_code == 200
    assert response.json()["state"] == "approved"
    assert history(proposed).get(action="approve").actor == approver
    assert OutboxMessage.objects.filter(event__startswith="tenders.award").exists()


def test_the_tender_s_officer_reads_the_decision_but_may_not_approve_it(proposed):
    client = token_client(proposed.tender.created_by)
    assert client.get(f"/api/awards/{proposed.pk}/").status_code == 200
    response = client.post(
        f"/api/awards/{proposed.pk}/approve/", {"seen_state": "proposed"}, format="json"
    )
    assert response.status_code == 403
    assert AwardDecision.objects.get(pk=proposed.pk).state == AwardDecision.State.PROPOSED


def test_a_send_back_without_a_reason_is_refused_and_changes_nothing(proposed):
    response = token_client(UserFactory(approver=True)).post(
        f"/api/awards/{proposed.pk}/send-back/", {"seen_state": "proposed"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["reason"]
    assert AwardDecision.objects.get(pk=proposed.pk).state == AwardDecision.State.PROPOSED


@pytest.mark.parametrize("who", ["another procurement officer", "an evaluator", "a bidder"])
def test_others_find_no_award_decision(proposed, who):
    user = {
        "another procurement officer": lambda: UserFactory(procurement_officer=True),
        "an evaluator": lambda: UserFactory(evaluator=True),
        "a bidder": lambda: admin_of(proposed.lines.first().bid.provider),
    }[who]()
    client = token_client(user)
    assert client.get(f"/api/awards/{proposed.pk}/").status_code == 404
    assert client.post(f"/api/awards/{proposed.pk}/approve/").status_code == 404


def test_the_chair_completes_the_evaluation_once_every_sheet_is_in():
    evaluation, chair, evaluators, bids = scoring_evaluation()
    criteria = evaluation.tender.criteria.count()
    chair_api = token_client(chair)
    early = chair_api.post(
        f"/api/evaluations/{evaluation.pk}/complete/", {"seen_state": "scoring"}, format="json"
    )
    assert early.status_code in (400, 409)
    score_all(evaluation, {user: {bid: [8] * criteria for bid in bids} for user in evaluators})
    assert (
        token_client(evaluators[0])
        .post(
            f"/api/evaluations/{evaluation.pk}/complete/", {"seen_state": "scoring"}, format="json"
        )
        .status_code
        == 403
    )
    done = chair_api.post(
        f"/api/evaluations/{evaluation.pk}/complete/", {"seen_state": "scoring"}, format="json"
    )
    assert done.status_code == 200
    assert done.json()["state"] == "completed"
    assert history(evaluation).filter(action="complete").get().actor == chair


def scores_of(evaluation, bids, points, justification="The plan is sound."):
    criteria = evaluation.tender.criteria.all()
    return {
        "scores": [
            {"bid": bid.pk, "criterion": c.pk, "points": points, "justification": justification}
            for bid in bids
            for c in criteria
        ]
    }


def test_an_evaluator_saves_draft_scores_over_the_api():
    evaluation, chair, (first, *_others), bids = scoring_evaluation()
    sheet = sheet_of(evaluation, first)
    response = token_client(first).post(
        f"/api/score-sheets/{sheet.pk}/scores/",
        scores_of(evaluation, bids[:1], "6.5"),
        format="json",
    )
    assert response.status_code == 200, response.json()
    saved = response.json()["scores"]
    assert {row["points"] for row in saved} == {"6.5"}
    assert {row["bid"] for row in saved} == {bids[0].pk}
    assert response.json()["state"] == "draft"


def test_points_above_the_maximum_are_refused_in_russian():
    evaluation, chair, (first, *_others), bids = scoring_evaluation()
    first.language = "ru"
    first.save(update_fields=["language"])
    sheet = sheet_of(evaluation, first)
    criterion = evaluation.tender.criteria.first()
    response = token_client(first).post(
        f"/api/score-sheets/{sheet.pk}/scores/",
        {"scores": [{"bid": bids[0].pk, "criterion": criterion.pk, "points": "99"}]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][f"points_{bids[0].pk}_{criterion.pk}"] == [
        f"Убедитесь, что это значение меньше либо равно {criterion.max_points}."
    ]


def test_scores_on_a_submitted_sheet_are_a_conflict():
    evaluation, chair, (first, *_others), bids = scoring_evaluation()
    criteria = evaluation.tender.criteria.count()
    score_all(evaluation, {first: {bid: [5] * criteria for bid in bids}})
    sheet = sheet_of(evaluation, first)
    response = token_client(first).post(
        f"/api/score-sheets/{sheet.pk}/scores/", scores_of(evaluation, bids, "7"), format="json"
    )
    assert response.status_code == 409


def test_an_evaluator_may_not_score_on_a_sheet_it_reads():
    evaluation, chair, (first, second, _third), bids = scoring_evaluation()
    criteria = evaluation.tender.criteria.count()
    score_all(evaluation, {u: {bid: [5] * criteria for bid in bids} for u in (first, second)})
    response = token_client(first).post(
        f"/api/score-sheets/{sheet_of(evaluation, second).pk}/scores/",
        scores_of(evaluation, bids, "1"),
        format="json",
    )
    assert response.status_code == 403
    assert {s.points for s in sheet_of(evaluation, second).scores.all()} == {5}


def test_another_evaluator_s_draft_sheet_is_not_found():
    evaluation, chair, (first, second, _third), bids = scoring_evaluation()
    response = token_client(second).post(
        f"/api/score-sheets/{sheet_of(evaluation, first).pk}/scores/",
        scores_of(evaluation, bids, "1"),
        format="json",
    )
    assert response.status_code == 404
    assert not sheet_of(evaluation, first).scores.exists()
