"""A tender's officer publishes and cancels it over the API; others find no draft."""

import pytest
from django.core.cache import cache

from portal.models import TokenScope
from tenders.models import Tender
from tests.factories.portal import UserFactory
from tests.factories.tenders import BidFactory, TenderFactory
from tests.portal.api_support import anonymous_client, token_client
from workflows.audit import history
from workflows.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()


@pytest.fixture
def officer():
    return UserFactory(procurement_officer=True)


def test_the_officer_publishes_the_draft_they_read(officer):
    draft = TenderFactory(created_by=officer)
    client = token_client(officer)
    read = client.get(f"/api/tenders/{draft.pk}/").json()
    assert read["state"] == "draft"
    response = client.post(
        f"/api/tenders/{draft.pk}/publish/",
        {"seen_state": "draft", "seen": read["fingerprint"]},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["state"] == "published"
    assert history(draft).get(action="publish").actor == officer
    assert anonymous_client().get(f"/api/tenders/{draft.pk}/").status_code == 200


def test_publishing_a_draft_changed_since_it_was_read_is_a_conflict(officer):
    draft = TenderFactory(created_by=officer)
    client = token_client(officer)
    read = client.get(f"/api/tenders/{draft.pk}/").json()
    Tender.objects.filter(pk=draft.pk).update(title_en="Changed meanwhile")
    response = client.post(
        f"/api/tenders/{draft.pk}/publish/",
        {"seen_state": "draft", "seen": read["fingerprint"]},
        format="json",
    )
    assert response.status_code == 409
    assert Tender.objects.get(pk=draft.pk).state == Tender.State.DRAFT


@pytest.mark.parametrize(
    "who", ["a visitor", "another procurement officer", "an approver", "a grant officer"]
)
def test_nobody_else_finds_a_draft(officer, who):
    draft = TenderFactory(created_by=officer)
    client = {
        "a visitor": anonymous_client,
        "another procurement officer": lambda: token_client(UserFactory(procurement_officer=True)),
        "an approver": lambda: token_client(UserFactory(approver=True)),
        "a grant officer": lambda: token_client(UserFactory(grant_officer=True)),
    }[who]()
    assert client.get(f"/api/tenders/{draft.pk}/").status_code == 404
    assert draft.pk not in [row["id"] for row in client.get("/api/tenders/").json()["results"]]
    response = client.post(f"/api/tenders/{draft.pk}/publish/", {"seen_state": "draft"})
    assert response.status_code in (401, 404)
    assert Tender.objects.get(pk=draft.pk).state == Tender.State.DRAFT


def test_another_officer_may_not_cancel_a_published_tender(officer):
    tender = TenderFactory(published=True, created_by=officer)
    response = token_client(UserFactory(procurement_officer=True)).post(
        f"/api/tenders/{tender.pk}/cancel/",
        {"seen_state": "published", "reason": "No."},
        format="json",
    )
    assert response.status_code == 403


def test_the_officer_cancels_with_a_reason_and_the_bidders_are_told(
    officer, django_capture_on_commit_callbacks
):
    tender = TenderFactory(published=True, created_by=officer)
    BidFactory(tender=tender, submitted=True)
    client = token_client(officer)
    without = client.post(
        f"/api/tenders/{tender.pk}/cancel/", {"seen_state": "published"}, format="json"
    )
    assert without.status_code == 400
    assert list(without.json()["errors"]) == ["reason"]
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = client.post(
            f"/api/tenders/{tender.pk}/cancel/",
            {"seen_state": "published", "reason": "The budget was withdrawn."},
            format="json",
        )
    assert cancelled.json()["state"] == "cancelled"
    assert history(tender).get(action="cancel").actor == officer
    assert OutboxMessage.objects.filter(event="tenders.tender_cancelled").exists()


def test_a_read_only_token_cannot_publish(officer):
    draft = TenderFactory(created_by=officer)
    response = token_client(officer, TokenScope.READ).post(
        f"/api/tenders/{draft.pk}/publish/", {"seen_state": "draft"}, format="json"
    )
    assert response.status_code == 403
    assert Tender.objects.get(pk=draft.pk).state == Tender.State.DRAFT
