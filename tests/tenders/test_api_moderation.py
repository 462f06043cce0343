"""The chair's moderation note on a flagged score over the API, through the moderation page's
form and service."""

import pytest
from django.core.cache import cache

from tenders.models import ModerationNote
from tests.factories.portal import UserFactory
from tests.portal.api_support import token_client
from tests.tenders.test_evaluation_lifecycle import diverging
from workflows.audit import history

pytestmark = pytest.mark.django_db

__all__ = ["diverging"]

NOTE = "Discussed: the low score overlooked the outreach plan; scores stand."


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()


def moderate(client, evaluation, bid, criterion, **sent):
    return client.post(
        f"/api/evaluations/{evaluation.pk}/moderation/",
        {"bid": bid.pk, "criterion": criterion.pk, "note": NOTE, **sent},
        format="json",
    )


def speaking(user, language):
    user.language = language
    user.save(update_fields=["language"])
    return token_client(user)


def test_the_chair_notes_the_moderation_and_it_is_audited(diverging):
    evaluation, chair, bid, criterion = diverging
    response = moderate(token_client(chair), evaluation, bid, criterion)
    assert response.status_code == 200, response.json()
    assert response.json() == {"bid": bid.pk, "criterion": criterion.pk, "note": NOTE}
    assert history(evaluation).get(action="moderation_note").actor == chair


def test_a_note_without_text_is_refused_in_turkmen(diverging):
    evaluation, chair, bid, criterion = diverging
    response = moderate(speaking(chair, "tk"), evaluation, bid, criterion, note="")
    assert response.status_code == 400
    [message] = response.json()["errors"]["note"]
    assert message != "This field is required."
    assert not ModerationNote.objects.exists()


def test_an_evaluator_may_not_moderate(diverging):
    evaluation, _chair, bid, criterion = diverging
    evaluator = evaluation.members.filter(role="evaluator").first().user
    assert moderate(token_client(evaluator), evaluation, bid, criterion).status_code == 403
    assert not ModerationNote.objects.exists()


def test_someone_off_the_panel_finds_no_evaluation(diverging):
    evaluation, _chair, bid, criterion = diverging
    outsider = token_client(UserFactory(evaluator=True))
    assert moderate(outsider, evaluation, bid, criterion).status_code == 404


def test_a_note_once_scoring_is_over_is_a_conflict(diverging):
    evaluation, chair, bid, criterion = diverging
    client = token_client(chair)
    assert moderate(client, evaluation, bid, criterion).status_code == 200
    completed = client.post(
        f"/api/evaluations/{evaluation.pk}/complete/", {"seen_state": "scoring"}, format="json"
    )
    assert completed.status_code == 200, completed.json()
    response = moderate(client, evaluation, bid, criterion, note="A later thought.")
    assert response.status_code == 409
    assert ModerationNote.objects.get().note == NOTE
