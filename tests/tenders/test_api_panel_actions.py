"""The officer forms the panel, screens bids and starts scoring over the API; panel members
declare their conflicts of interest; each through the page's form and service."""

import pytest
from django.core.cache import cache

from tenders.models import Declaration, Evaluation, PanelMember, Screening, Tender
from tests.factories.portal import UserFactory
from tests.factories.tenders import (
    BidFactory,
    PanelMemberFactory,
    TenderFactory,
    evaluation_of,
    scoring_evaluation,
)
from tests.portal.api_support import token_client
from workflows.audit import history
from workflows.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()


def speaking(user, language):
    user.language = language
    user.save(update_fields=["language"])
    return token_client(user)


def post(client, evaluation, path, sent):
    return client.post(f"/api/evaluations/{evaluation.pk}/{path}/", sent, format="json")


# Naming the panel.


def test_the_officer_names_an_evaluator_who_is_told(django_capture_on_commit_callbacks):
    evaluation, *_rest = evaluation_of()
    newcomer = UserFactory(evaluator=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            token_client(evaluation.created_by),
            evaluation,
            "members",
            {"user": newcomer.pk, "role": "evaluator"},
        )
    assert response.status_code == 200, response.json()
    assert response.json()["user"] == newcomer.pk
    assert response.json()["declared"] is False
    assert history(evaluation).filter(action="panel_member_added").exists()
    assert OutboxMessage.objects.filter(event="tenders.panel_appointed").exists()


def test_a_member_without_a_role_is_refused_in_russian():
    evaluation, *_rest = evaluation_of()
    client = speaking(evaluation.created_by, "ru")
    response = post(client, evaluation, "members", {"user": UserFactory(evaluator=True).pk})
    assert response.status_code == 400
    assert response.json()["errors"]["role"] == ["Обязательное поле."]


def test_the_panel_no_longer_changes_once_scored():
    evaluation, *_rest = scoring_evaluation()
    Evaluation.objects.filter(pk=evaluation.pk).update(state=Evaluation.State.COMPLETED)
    response = post(
        token_client(evaluation.created_by),
        evaluation,
        "members",
        {"user": UserFactory(evaluator=True).pk, "role": "evaluator"},
    )
    assert response.status_code == 409
    assert response.json()["code"] == "panel_closed"


def test_the_chair_may_not_name_members():
    evaluation, chair, *_rest = evaluation_of()
    response = post(
        token_client(chair),
        evaluation,
        "members",
        {"user": UserFactory(evaluator=True).pk, "role": "evaluator"},
    )
    assert response.status_code == 403
    assert evaluation.members.count() == 4


@pytest.mark.parametrize("path", ["members", "members/replace", "members/invite", "start", "end"])
def test_another_officer_finds_no_evaluation(path):
    evaluation, *_rest = evaluation_of()
    response = post(token_client(UserFactory(procurement_officer=True)), evaluation, path, {})
    assert response.status_code == 404
    assert set(response.json()) == {"code", "detail"}


def test_the_officer_replaces_a_recused_member():
    evaluation, *_rest = evaluation_of()
    recused = PanelMemberFactory(evaluation=evaluation, conflicted=True)
    newcomer = UserFactory(evaluator=True)
    client = token_client(evaluation.created_by)
    missing = post(client, evaluation, "members/replace", {"member": recused.pk})
    assert missing.status_code == 400
    assert list(missing.json()["errors"]) == ["user"]
    response = post(
        client, evaluation, "members/replace", {"member": recused.pk, "user": newcomer.pk}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["user"] == newcomer.pk


def test_the_officer_invites_a_person_without_an_account():
    evaluation, *_rest = evaluation_of()
    client = speaking(evaluation.created_by, "tk")
    sent = {"full_name": "Aýna Berdiýewa", "role": "evaluator", "language": "tk"}
    missing = post(client, evaluation, "members/invite", sent)
    assert missing.status_code == 400
    assert missing.json()["errors"]["email"] == ["Bu meýdança hökman gerekli."]
    response = post(client, evaluation, "members/invite", {**sent, "email": "ayna@example.tm"})
    assert response.status_code == 200, response.json()
    assert PanelMember.objects.filter(evaluation=evaluation, user__email="ayna@example.tm")


# Declarations.


def test_a_member_declares_no_conflict_and_may_then_read_the_bids():
    evaluation, *_rest = evaluation_of()
    seat = PanelMemberFactory(evaluation=evaluation)
    response = post(token_client(seat.user), evaluation, "declare", {"answer": "no"})
    assert response.status_code == 200, response.json()
    assert response.json()["declared"] is True
    assert Declaration.objects.get(member=seat).has_conflict is False
    assert history(evaluation).get(action="coi_declared").actor == seat.user


def test_a_conflict_without_details_is_refused_in_russian():
    evaluation, *_rest = evaluation_of()
    seat = PanelMemberFactory(evaluation=evaluation)
    response = post(speaking(seat.user, "ru"), evaluation, "declare", {"answer": "yes"})
    assert response.status_code == 400
    assert response.json()["errors"]["details"] == ["Опишите конфликт интересов."]
    assert not Declaration.objects.filter(member=seat).exists()


def test_a_second_different_declaration_is_a_conflict():
    evaluation, chair, *_rest = evaluation_of()
    response = post(
        token_client(chair), evaluation, "declare", {"answer": "yes", "details": "My cousin."}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "already_declared"


def test_the_officer_has_no_seat_to_declare_for():
    evaluation, *_rest = evaluation_of()
    response = post(token_client(evaluation.created_by), evaluation, "declare", {"answer": "no"})
    assert response.status_code == 404


def test_an_evaluator_of_another_panel_finds_nothing_to_declare_on():
    evaluation, *_rest = evaluation_of()
    response = post(
        token_client(UserFactory(evaluator=True)), evaluation, "declare", {"answer": "no"}
    )
    assert response.status_code == 404


# Screening.


def decisions(screening, passed="yes"):
    return {
        str(line.pk): {"passed": passed, "reason": "Checked on paper."}
        for line in screening.lines.all()
    }


def test_the_officer_screens_a_bid_out(django_capture_on_commit_callbacks):
    evaluation, chair, evaluators, bids = evaluation_of()
    screening = Screening.objects.get(bid=bids[0])
    response = post(
        token_client(evaluation.created_by),
        evaluation,
        "screening",
        {"bid": bids[0].pk, "lines": decisions(screening, "no")},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["eligible"] is False
    assert history(evaluation).filter(action="screening_decided").count() == 3


def test_a_line_left_undecided_is_refused_in_turkmen():
    evaluation, chair, evaluators, bids = evaluation_of()
    screening = Screening.objects.get(bid=bids[0])
    line = screening.lines.first()
    response = post(
        speaking(evaluation.created_by, "tk"),
        evaluation,
        "screening",
        {"bid": bids[0].pk, "lines": {}},
    )
    assert response.status_code == 400
    assert response.json()["errors"][f"passed_{line.pk}"] == ["Bu meýdança hökman gerekli."]


def test_screening_after_scoring_started_is_a_conflict():
    evaluation, chair, evaluators, bids = scoring_evaluation()
    screening = Screening.objects.get(bid=bids[0])
    response = post(
        token_client(evaluation.created_by),
        evaluation,
        "screening",
        {"bid": bids[0].pk, "lines": decisions(screening)},
    )
    assert response.status_code == 409


def test_an_evaluator_finds_no_screening():
    evaluation, chair, evaluators, bids = evaluation_of()
    screening = Screening.objects.get(bid=bids[0])
    response = post(
        token_client(evaluators[0]),
        evaluation,
        "screening",
        {"bid": bids[0].pk, "lines": decisions(screening, "no")},
    )
    assert response.status_code == 404
    assert Screening.objects.get(pk=screening.pk).eligible is True


# Starting and ending.


def test_the_officer_starts_scoring_and_the_panel_is_told(django_capture_on_commit_callbacks):
    evaluation, *_rest = evaluation_of()
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            token_client(evaluation.created_by), evaluation, "start", {"seen_state": "screening"}
        )
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "scoring"
    assert history(evaluation).get(action="start_scoring").actor == evaluation.created_by
    assert OutboxMessage.objects.filter(event="tenders.scoring_started").exists()


def test_starting_without_the_state_read_is_refused_in_russian():
    evaluation, *_rest = evaluation_of()
    response = post(speaking(evaluation.created_by, "ru"), evaluation, "start", {})
    assert response.status_code == 400
    assert response.json()["errors"]["seen_state"] == ["Обязательное поле."]


def test_starting_an_evaluation_read_in_another_state_is_a_conflict():
    evaluation, *_rest = evaluation_of()
    response = post(
        token_client(evaluation.created_by), evaluation, "start", {"seen_state": "completed"}
    )
    assert response.status_code == 409


def test_the_chair_may_not_start_or_end_scoring():
    evaluation, chair, *_rest = evaluation_of()
    client = token_client(chair)
    for path in ("start", "end"):
        assert post(client, evaluation, path, {"seen_state": "screening"}).status_code == 403
    assert Evaluation.objects.get(pk=evaluation.pk).state == Evaluation.State.SCREENING


def test_the_officer_ends_a_tender_whose_every_bid_was_screened_out():
    evaluation, chair, evaluators, bids = evaluation_of(bids=1)
    client = token_client(evaluation.created_by)
    early = post(client, evaluation, "end", {"seen_state": "screening"})
    assert early.status_code == 409
    assert early.json()["code"] == "award_possible"
    screening = Screening.objects.get(bid=bids[0])
    post(client, evaluation, "screening", {"bid": bids[0].pk, "lines": decisions(screening, "no")})
    response = post(client, evaluation, "end", {"seen_state": "screening"})
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "unsuccessful"
    assert OutboxMessage.objects.filter(event="tenders.evaluation_unsuccessful").exists()


# Opening the evaluation.


def opening(tender, **fields):
    return {
        "tender": tender.pk,
        "deadline": "2099-01-15T18:00",
        "min_evaluators": 3,
        "divergence_percent": 30,
        "standstill_days": 10,
        **fields,
    }


@pytest.fixture
def closed_tender():
    tender = TenderFactory(closed=True)
    BidFactory(tender=tender, submitted=True)
    return tender


def test_the_officer_opens_the_evaluation_and_its_bids_are_screened(closed_tender):
    client = token_client(closed_tender.created_by)
    response = client.post("/api/evaluations/", opening(closed_tender), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["state"] == "screening"
    evaluation = Evaluation.objects.get(tender=closed_tender)
    assert history(evaluation).get(action="create").actor == closed_tender.created_by
    assert Screening.objects.filter(evaluation=evaluation).count() == 1


def test_an_evaluation_without_a_deadline_is_refused_in_russian(closed_tender):
    client = speaking(closed_tender.created_by, "ru")
    response = client.post("/api/evaluations/", opening(closed_tender, deadline=""), format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["deadline"] == ["Обязательное поле."]
    assert not Evaluation.objects.exists()


def test_a_tender_still_open_for_bids_cannot_be_evaluated():
    tender = TenderFactory(published=True)
    response = token_client(tender.created_by).post(
        "/api/evaluations/", opening(tender), format="json"
    )
    assert response.status_code == 404
    assert not Evaluation.objects.exists()


def test_a_cancelled_tender_cannot_be_evaluated(closed_tender):
    Tender.objects.filter(pk=closed_tender.pk).update(state=Tender.State.CANCELLED)
    response = token_client(closed_tender.created_by).post(
        "/api/evaluations/", opening(closed_tender), format="json"
    )
    assert response.status_code == 409
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize("role", ["procurement_officer", "evaluator", "approver"])
def test_nobody_else_opens_the_evaluation(closed_tender, role):
    response = token_client(UserFactory(**{role: True})).post(
        "/api/evaluations/", opening(closed_tender), format="json"
    )
    assert response.status_code == 404
    assert not Evaluation.objects.exists()
