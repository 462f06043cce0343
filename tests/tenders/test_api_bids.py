"""A bid driven over the API, through the same forms, services and sealed reading as its pages."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from portal.models import TokenScope
from providers.models import MemberRole
from tenders.models import Bid
from tests.factories.portal import UserFactory
from tests.factories.providers import admin_of, member_of
from tests.factories.tenders import BidFactory, TenderFactory, bid_ready_tender, eligible_provider
from tests.portal.api_support import anonymous_client, token_client
from workflows.audit import history
from workflows.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()


@pytest.fixture
def tender():
    return bid_ready_tender()


@pytest.fixture
def provider(tender):
    return eligible_provider(tender)


@pytest.fixture
def api(provider):
    return token_client(admin_of(provider))


def fill_over_the_api(api, bid_id, tender, provider):
    answers = {str(c.pk): f"Our approach to {c.title}" for c in tender.criteria.all()}
    steps = [
        ("proposal", {"seen_state": "draft", "answers": answers}),
        (
            "staff",
            {
                "seen_state": "draft",
                "staff_member": provider.staff.first().pk,
                "role_in_project": "Team leader",
            },
        ),
        (
            "budget-lines",
            {
                "seen_state": "draft",
                "category": "staff",
                "description": "Two social workers",
                "amount": "120000.00",
            },
        ),
    ]
    for path, body in steps:
        response = api.post(f"/api/bids/{bid_id}/{path}/", body, format="json")
        assert response.status_code == 200, response.json()


def submit(api, bid_id):
    bid = api.get(f"/api/bids/{bid_id}/").json()
    return api.post(
        f"/api/bids/{bid_id}/submit/",
        {"seen_state": bid["state"], "seen": bid["fingerprint"]},
        format="json",
    )


def test_a_whole_bid_is_opened_filled_submitted_withdrawn_and_submitted_again(
    api, tender, provider, django_capture_on_commit_callbacks
):
    opened = api.post("/api/bids/", {"tender": tender.pk}, format="json")
    assert opened.status_code == 201
    bid_id = opened.json()["id"]
    assert opened.json()["state"] == "draft"
    fill_over_the_api(api, bid_id, tender, provider)

    with django_capture_on_commit_callbacks(execute=True):
        submitted = submit(api, bid_id)
    assert submitted.status_code == 200
    assert submitted.json()["state"] == "submitted"
    assert len(submitted.json()["content_sha256"]) == 64

    withdrawn = api.post(
        f"/api/bids/{bid_id}/withdraw/", {"seen_state": "submitted"}, format="json"
    )
    assert withdrawn.json()["state"] == "withdrawn"
    assert submit(api, bid_id).json()["state"] == "submitted"

    bid = Bid.objects.get(pk=bid_id)
    assert [entry.action for entry in history(bid)] == [
        "created",
        "proposal_saved",
        "staff_proposed",
        "budget_line_added",
        "submit",
        "withdraw",
        "submit",
    ]
    assert {entry.actor for entry in history(bid)} == {admin_of(provider)}
    events = list(OutboxMessage.objects.filter(channel="email").values_list("event", flat=True))
    assert events.count("tenders.bid_submitted") == 2
    assert events.count("tenders.bid_withdrawn") == 1


def test_a_submission_of_a_bid_changed_since_it_was_read_is_a_conflict(api, tender, provider):
    bid = BidFactory(tender=tender, provider=provider, complete=True)
    read = api.get(f"/api/bids/{bid.pk}/").json()
    bid.sections.update(text="Changed meanwhile")
    admin_of(provider).__class__.objects.filter(pk=admin_of(provider).pk).update(language="ru")
    response = api.post(
        f"/api/bids/{bid.pk}/submit/",
        {"seen_state": "draft", "seen": read["fingerprint"]},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "stale"
    assert "предложение" in response.json()["detail"].lower()
    assert Bid.objects.get(pk=bid.pk).state == Bid.State.DRAFT


def test_an_incomplete_bid_is_refused_with_every_reason(api, tender, provider):
    bid = BidFactory(tender=tender, provider=provider)
    response = submit(api, bid.pk)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "incomplete"
    assert len(body["failures"]) >= 3
    assert Bid.objects.get(pk=bid.pk).state == Bid.State.DRAFT


def test_a_withdrawal_from_a_state_not_seen_is_a_conflict(api, tender, provider):
    bid = BidFactory(tender=tender, provider=provider, submitted=True)
    response = api.post(f"/api/bids/{bid.pk}/withdraw/", {"seen_state": "draft"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert Bid.objects.get(pk=bid.pk).state == Bid.State.SUBMITTED


def test_a_withdrawal_of_a_draft_is_a_conflict_with_its_state(api, tender, provider):
    bid = BidFactory(tender=tender, provider=provider)
    response = api.post(f"/api/bids/{bid.pk}/withdraw/", {"seen_state": "draft"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "not_allowed"


def test_a_missing_field_is_a_400_in_the_user_s_language(tender, provider):
    admin = admin_of(provider)
    admin.language = "tk"
    admin.save(update_fields=["language"])
    bid = BidFactory(tender=tender, provider=provider, submitted=True)
    response = token_client(admin).post(f"/api/bids/{bid.pk}/withdraw/", {}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["seen_state"] == ["Bu meýdança hökman gerekli."]


def test_a_budget_line_above_the_ceiling_names_the_amount_field(api, tender, provider):
    bid = BidFactory(tender=tender, provider=provider)
    response = api.post(
        f"/api/bids/{bid.pk}/budget-lines/",
        {
            "seen_state": "draft",
            "category": "staff",
            "description": "Too much",
            "amount": str(tender.budget_ceiling + 1),
        },
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["amount"]
    assert not bid.budget_lines.exists()


def test_a_late_submission_is_a_conflict_and_stores_nothing(provider):
    tender = TenderFactory(published=True, submission_deadline=timezone.now() + timedelta(days=1))
    bid = BidFactory(tender=tender, provider=provider, complete=True)
    read = token_client(admin_of(provider)).get(f"/api/bids/{bid.pk}/").json()
    tender.__class__.objects.filter(pk=tender.pk).update(
        submission_deadline=timezone.now() - timedelta(minutes=1)
    )
    response = token_client(admin_of(provider)).post(
        f"/api/bids/{bid.pk}/submit/",
        {"seen_state": "draft", "seen": read["fingerprint"]},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "deadline_passed"


def test_a_viewer_reads_the_bid_but_may_not_submit_it(tender, provider):
    bid = BidFactory(tender=tender, provider=provider, complete=True)
    viewer = token_client(member_of(provider, MemberRole.VIEWER))
    assert viewer.get(f"/api/bids/{bid.pk}/").status_code == 200
    response = submit(viewer, bid.pk)
    assert response.status_code == 403
    assert Bid.objects.get(pk=bid.pk).state == Bid.State.DRAFT


def test_a_read_only_token_cannot_submit(tender, provider):
    bid = BidFactory(tender=tender, provider=provider, complete=True)
    reader = token_client(admin_of(provider), TokenScope.READ)
    assert submit(reader, bid.pk).status_code == 403
    assert reader.post("/api/bids/", {"tender": tender.pk}, format="json").status_code == 403
    assert Bid.objects.get(pk=bid.pk).state == Bid.State.DRAFT


SEALED_READERS = {
    "another organisation's admin": lambda tender: admin_of(eligible_provider(tender)),
    "the tender's officer": lambda tender: tender.created_by,
    "a procurement officer": lambda tender: UserFactory(procurement_officer=True),
    "an evaluator": lambda tender: UserFactory(evaluator=True),
    "an approver": lambda tender: UserFactory(approver=True),
    "a grant officer": lambda tender: UserFactory(grant_officer=True),
    "a system administrator": lambda tender: UserFactory(system_admin=True),
}


@pytest.mark.parametrize("role", SEALED_READERS)
def test_a_sealed_bid_is_not_found_by_anyone_outside_its_organisation(role, tender, provider):
    bid = BidFactory(tender=tender, provider=provider, submitted=True)
    client = token_client(SEALED_READERS[role](tender))
    assert client.get(f"/api/bids/{bid.pk}/").status_code == 404
    assert bid.pk not in [row["id"] for row in client.get("/api/bids/").json()["results"]]
    for path in ("submit", "withdraw", "reconfirm", "proposal", "staff", "budget-lines"):
        response = client.post(f"/api/bids/{bid.pk}/{path}/", {"seen_state": "submitted"})
        assert response.status_code == 404, path
    assert Bid.objects.get(pk=bid.pk).state == Bid.State.SUBMITTED


def test_a_visitor_is_asked_to_sign_in():
    bid = BidFactory(submitted=True)
    assert anonymous_client().get(f"/api/bids/{bid.pk}/").status_code == 401


def test_once_the_tender_is_opened_procurement_officers_read_its_submitted_bids(provider):
    tender = TenderFactory(closed=True)
    submitted = BidFactory(tender=tender, provider=provider, submitted=True)
    discarded = BidFactory(tender=tender, state="discarded")
    client = token_client(UserFactory(procurement_officer=True))
    body = client.get(f"/api/bids/{submitted.pk}/").json()
    assert body["sections"] and body["budget_lines"]
    assert client.get(f"/api/bids/{discarded.pk}/").status_code == 404
    assert client.post(f"/api/bids/{submitted.pk}/withdraw/").status_code == 403


def test_a_bid_on_a_draft_tender_cannot_be_opened(api):
    draft = TenderFactory(draft=True)
    response = api.post("/api/bids/", {"tender": draft.pk}, format="json")
    assert response.status_code == 404
    assert not Bid.objects.exists()


def test_a_tender_id_that_is_not_a_number_is_refused_in_the_user_s_language(provider):
    admin = admin_of(provider)
    admin.language = "ru"
    admin.save(update_fields=["language"])
    response = token_client(admin).post("/api/bids/", {"tender": "first"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["tender"] == ["Введите целое число."]
    assert not Bid.objects.exists()
