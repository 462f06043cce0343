"""A tender's officer amends the published tender over the API, through the page's form and
service: the amendment is published and the bidders are told."""

import pytest
from django.core.cache import cache

from tenders.models import Tender
from tests.factories.portal import UserFactory
from tests.factories.tenders import BidFactory, TenderFactory
from tests.portal.api_support import token_client
from workflows.audit import history
from workflows.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()


@pytest.fixture
def officer():
    return UserFactory(procurement_officer=True)


def amend(client, tender, **fields):
    read = client.get(f"/api/tenders/{tender.pk}/").json()
    sent = {"reason": "The budget grew.", "seen_amendments": read["amendments"], **fields}
    return client.post(f"/api/tenders/{tender.pk}/amend/", sent, format="json")


def test_the_officer_amends_the_budget_and_the_bidders_are_told(
    officer, django_capture_on_commit_callbacks
):
    tender = TenderFactory(published=True, created_by=officer)
    BidFactory(tender=tender, submitted=True)
    new_ceiling = tender.budget_ceiling + 1000
    with django_capture_on_commit_callbacks(execute=True):
        response = amend(token_client(officer), tender, budget_ceiling=str(new_ceiling))
    assert response.status_code == 200, response.json()
    assert response.json()["amendments"] == 1
    tender.refresh_from_db()
    assert tender.budget_ceiling == new_ceiling
    assert tender.title_tk == response.json()["title_tk"]
    assert history(tender).get(action="amend").actor == officer
    assert OutboxMessage.objects.filter(event__startswith="tenders.tender_amended").exists()


def test_an_amendment_made_meanwhile_is_a_conflict(officer):
    tender = TenderFactory(published=True, created_by=officer)
    client = token_client(officer)
    stale = client.get(f"/api/tenders/{tender.pk}/").json()["amendments"]
    assert amend(client, tender, budget_ceiling=str(tender.budget_ceiling + 1)).status_code == 200
    response = amend(
        client, tender, budget_ceiling=str(tender.budget_ceiling + 2), seen_amendments=stale
    )
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"


def test_a_closed_tender_cannot_be_amended(officer):
    tender = TenderFactory(closed=True, created_by=officer)
    response = amend(token_client(officer), tender, budget_ceiling="1.00")
    assert response.status_code == 409
    tender.refresh_from_db()
    assert tender.state == Tender.State.CLOSED


def test_an_amendment_without_a_reason_is_refused_in_russian(officer):
    tender = TenderFactory(published=True, created_by=officer)
    officer.language = "ru"
    officer.save(update_fields=["language"])
    client = token_client(officer)
    response = amend(client, tender, reason="")
    assert response.status_code == 400
    assert response.json()["errors"]["reason"] == ["Обязательное поле."]
    assert not tender.amendments.exists()


def test_another_officer_may_not_amend_the_tender(officer):
    tender = TenderFactory(published=True, created_by=officer)
    response = amend(token_client(UserFactory(procurement_officer=True)), tender)
    assert response.status_code == 403
    assert not tender.amendments.exists()


@pytest.mark.parametrize("role", ["approver", "grant_officer", "evaluator"])
def test_nobody_else_finds_an_officer_s_draft_to_amend(officer, role):
    draft = TenderFactory(created_by=officer)
    response = token_client(UserFactory(**{role: True})).post(
        f"/api/tenders/{draft.pk}/amend/", {"reason": "No."}, format="json"
    )
    assert response.status_code == 404
    assert "title_tk" not in response.json()
