"""Questions about tenders and the own organisation over the API."""

import pytest
from django.core.cache import cache

from tenders.models import Clarification
from tests.factories.portal import UserFactory
from tests.factories.providers import ProviderFactory, admin_of
from tests.factories.tenders import ClarificationFactory, TenderFactory
from tests.portal.api_support import token_client
from workflows.audit import history

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()


def ids(client, path):
    return {row["id"] for row in client.get(path).json()["results"]}


def test_a_bidder_asks_a_question_and_the_officer_answers_it():
    tender = TenderFactory(published=True)
    asker = admin_of(ProviderFactory(verified=True))
    asked = token_client(asker).post(
        "/api/clarifications/",
        {"tender": tender.pk, "question": "May two organisations bid together?"},
        format="json",
    )
    assert asked.status_code == 201
    question = Clarification.objects.get(pk=asked.json()["id"])
    assert question.asked_by == asker

    answered = token_client(tender.created_by).post(
        f"/api/clarifications/{question.pk}/answer/", {"answer": "No."}, format="json"
    )
    assert answered.status_code == 200
    assert answered.json()["answer"] == "No."
    assert [entry.actor for entry in history(question)] == [asker, tender.created_by]


def test_an_empty_question_is_refused_in_the_user_s_language():
    tender = TenderFactory(published=True)
    asker = admin_of(ProviderFactory(verified=True))
    asker.language = "ru"
    asker.save(update_fields=["language"])
    response = token_client(asker).post(
        "/api/clarifications/", {"tender": tender.pk, "question": ""}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["question"] == ["Обязательное поле."]
    assert not Clarification.objects.exists()


def test_unanswered_questions_are_seen_by_the_asker_and_the_officer_only():
    question = ClarificationFactory()
    answered = ClarificationFactory(answered=True, tender=question.tender)
    asker = admin_of(question.provider)
    assert {question.pk, answered.pk} <= ids(token_client(asker), "/api/clarifications/")
    officer = token_client(question.tender.created_by)
    assert {question.pk, answered.pk} <= ids(officer, "/api/clarifications/")
    other = token_client(admin_of(ProviderFactory(verified=True)))
    assert ids(other, "/api/clarifications/") == {answered.pk}
    assert other.get(f"/api/clarifications/{question.pk}/").status_code == 404


def test_only_the_tender_s_officer_answers():
    question = ClarificationFactory()
    answered = ClarificationFactory(answered=True, tender=question.tender)
    other_officer = token_client(UserFactory(procurement_officer=True))
    assert (
        other_officer.post(
            f"/api/clarifications/{question.pk}/answer/", {"answer": "Yes."}, format="json"
        ).status_code
        == 404
    )
    assert (
        other_officer.post(
            f"/api/clarifications/{answered.pk}/answer/", {"answer": "Yes."}, format="json"
        ).status_code
        == 403
    )
    question.refresh_from_db()
    assert question.answer == ""


def test_a_member_reads_their_own_organisation_and_no_other():
    mine, other = ProviderFactory(verified=True), ProviderFactory(verified=True)
    client = token_client(admin_of(mine))
    assert ids(client, "/api/providers/") == {mine.pk}
    assert client.get(f"/api/providers/{mine.pk}/").json()["registration_number"] == (
        mine.registration_number
    )
    assert client.get(f"/api/providers/{other.pk}/").status_code == 404
    assert ids(token_client(UserFactory(evaluator=True)), "/api/providers/") == set()
    reviewer = token_client(UserFactory(procurement_officer=True))
    assert ids(reviewer, "/api/providers/") == {mine.pk, other.pk}
