"""An organisation submitted for verification and decided on over the API, through the review
page's form and services."""

import pytest
from django.core.cache import cache

from providers.models import MemberRole, ProviderState
from tests.factories.portal import UserFactory
from tests.factories.providers import ProviderFactory, admin_of, member_of
from tests.portal.api_support import token_client
from workflows.audit import history
from workflows.models import OutboxMessage

pytestmark = pytest.mark.django_db

# action, starting state, target state, text, event
DECISIONS = [
    ("verify", "submitted", "verified", "", "providers.verified"),
    ("return", "submitted", "returned", "Attach the bank details.", "providers.returned"),
    ("reject", "submitted", "rejected", "Not an NGO.", "providers.rejected"),
    ("suspend", "verified", "suspended", "Audit report overdue.", "providers.suspended"),
    ("reinstate", "suspended", "verified", "", "providers.reinstated"),
]
ids = [case[0] for case in DECISIONS]


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()


def decide(user, provider, name, **sent):
    return token_client(user).post(f"/api/providers/{provider.pk}/{name}/", sent, format="json")


@pytest.mark.parametrize("name, source, target, text, event", DECISIONS, ids=ids)
def test_an_officer_decides_and_the_organisation_is_told(
    officer, name, source, target, text, event, django_capture_on_commit_callbacks
):
    provider = ProviderFactory(**{source: True})
    with django_capture_on_commit_callbacks(execute=True):
        response = decide(officer, provider, name, seen_state=source, text=text)
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == target
    entry = history(provider).get(target_state=target)
    assert entry.actor == officer
    assert OutboxMessage.objects.filter(event=event).exists()


@pytest.mark.parametrize("name, source, target, text, event", DECISIONS, ids=ids)
def test_a_decision_on_a_draft_is_a_conflict(officer, name, source, target, text, event):
    provider = ProviderFactory(draft=True)
    response = decide(officer, provider, name, seen_state="draft", text="Because.")
    assert response.status_code == 409
    assert response.json()["code"] == "not_allowed"
    provider.refresh_from_db()
    assert provider.state == ProviderState.DRAFT


def test_an_organisation_read_in_another_state_is_a_conflict(officer):
    provider = ProviderFactory(submitted=True)
    response = decide(officer, provider, "verify", seen_state="returned")
    assert response.status_code == 409
    provider.refresh_from_db()
    assert provider.state == ProviderState.SUBMITTED


def test_a_rejection_without_a_reason_is_refused_in_russian(officer):
    officer.language = "ru"
    officer.save(update_fields=["language"])
    provider = ProviderFactory(submitted=True)
    response = decide(officer, provider, "reject", seen_state="submitted")
    assert response.status_code == 400
    assert response.json()["errors"]["text"] == ["Обязательное поле."]
    provider.refresh_from_db()
    assert provider.state == ProviderState.SUBMITTED


def test_an_officer_who_belongs_to_the_organisation_may_not_decide_on_it():
    provider = ProviderFactory(submitted=True)
    insider = member_of(provider, MemberRole.VIEWER, roles=["procurement_officer"])
    response = decide(insider, provider, "verify", seen_state="submitted")
    assert response.status_code == 403
    provider.refresh_from_db()
    assert provider.state == ProviderState.SUBMITTED


@pytest.mark.parametrize("role", ["evaluator", "approver", "grant_officer"])
def test_other_staff_find_no_organisation_to_decide_on(role):
    provider = ProviderFactory(submitted=True)
    client = token_client(UserFactory(**{role: True}))
    assert client.get(f"/api/providers/{provider.pk}/").status_code == 404
    response = client.post(
        f"/api/providers/{provider.pk}/verify/", {"seen_state": "submitted"}, format="json"
    )
    assert response.status_code == 404
    assert "name" not in response.json()


def test_another_organisation_s_admin_finds_it_not(officer):
    provider = ProviderFactory(submitted=True)
    other = admin_of(ProviderFactory(verified=True))
    assert decide(other, provider, "verify", seen_state="submitted").status_code == 404
    assert decide(other, provider, "submit", seen_state="submitted").status_code == 404


def test_the_admin_submits_a_complete_organisation_and_the_officers_are_told(officer):
    provider = ProviderFactory(draft=True, complete=True)
    response = decide(admin_of(provider), provider, "submit", seen_state="draft")
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "submitted"
    assert history(provider).get(target_state="submitted").actor == admin_of(provider)


def test_an_incomplete_organisation_is_refused_with_what_is_missing():
    provider = ProviderFactory(draft=True)
    response = decide(admin_of(provider), provider, "submit", seen_state="draft")
    assert response.status_code == 400
    provider.refresh_from_db()
    assert provider.state == ProviderState.DRAFT


def test_a_viewer_may_not_submit_the_organisation():
    provider = ProviderFactory(draft=True, complete=True)
    viewer = member_of(provider, MemberRole.VIEWER)
    assert decide(viewer, provider, "submit", seen_state="draft").status_code == 403
    provider.refresh_from_db()
    assert provider.state == ProviderState.DRAFT


def test_a_submission_without_the_state_read_is_refused_in_turkmen():
    provider = ProviderFactory(draft=True, complete=True)
    admin = admin_of(provider)
    admin.language = "tk"
    admin.save(update_fields=["language"])
    response = decide(admin, provider, "submit")
    assert response.status_code == 400
    assert response.json()["errors"]["seen_state"] == ["Bu meýdança hökman gerekli."]
