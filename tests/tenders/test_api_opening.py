"""A sealed tender's opening over the API: the officer names the committee of a draft, members
set their passphrase, and after the deadline they give their shares until the bids open.

Transactional: on PostgreSQL the deadline trigger judges each submission at its own commit."""

import pytest
from django.core.cache import cache

from tenders.models import Bid, Tender
from tenders.services.bid_deadline import database_now
from tenders.services.opening import opening_entry
from tests.factories.portal import UserFactory
from tests.factories.providers import ProviderFactory, admin_of
from tests.factories.tenders import (
    COMMITTEE_PASSPHRASE,
    TenderFactory,
    committee_member,
    eligible_provider,
)
from tests.portal.api_support import token_client
from tests.tenders.test_api_bids import fill_over_the_api, submit
from tests.tenders.test_committee_notices import sealed_tender_with_a_bid
from workflows.audit import history

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSPHRASE = "a brand new opening passphrase"


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()


def speaking(user, language):
    user.language = language
    user.save(update_fields=["language"])
    return token_client(user)


def pass_deadline(tender):
    Tender.objects.filter(pk=tender.pk).update(submission_deadline=database_now())


def give(user, tender, passphrase=COMMITTEE_PASSPHRASE, client=None):
    client = client or token_client(user)
    return client.post(
        f"/api/tenders/{tender.pk}/opening/", {"passphrase": passphrase}, format="json"
    )


def test_members_give_their_shares_until_the_bids_open():
    tender = sealed_tender_with_a_bid()
    pass_deadline(tender)
    first, second, _third = tender.committee.order_by("pk")
    response = give(first, tender)
    assert response.status_code == 200, response.json()
    assert response.json() == {"needed": 2, "given": 1, "still_needed": 1, "opened": False}
    assert COMMITTEE_PASSPHRASE not in response.content.decode()
    assert history(tender).filter(action="opening_share_given").get().actor == first
    response = give(second, tender)
    assert response.json() == {"needed": 2, "given": 0, "still_needed": 0, "opened": True}
    assert opening_entry(Tender.objects.get(pk=tender.pk)) is not None


def test_a_share_given_again_is_counted_once():
    tender = sealed_tender_with_a_bid()
    pass_deadline(tender)
    first = tender.committee.order_by("pk").first()
    give(first, tender)
    response = give(first, tender)
    assert response.status_code == 200
    assert response.json()["given"] == 1
    assert response.json()["still_needed"] == 1


def test_a_share_before_the_deadline_is_a_conflict_and_nothing_is_taken():
    tender = sealed_tender_with_a_bid()
    response = give(tender.committee.first(), tender)
    assert response.status_code == 409
    assert response.json()["code"] == "before_deadline"
    assert not history(tender).filter(action="opening_share_given").exists()


def test_a_wrong_passphrase_is_refused_in_russian_and_the_refusal_audited():
    tender = sealed_tender_with_a_bid()
    pass_deadline(tender)
    member = tender.committee.first()
    response = give(member, tender, "not my passphrase", client=speaking(member, "ru"))
    assert response.status_code == 400
    assert response.json()["errors"]["passphrase"] == ["Парольная фраза неверна."]
    assert history(tender).get(action="opening_share_refused").actor == member


def test_the_officer_follows_the_opening_but_has_no_share():
    tender = sealed_tender_with_a_bid()
    pass_deadline(tender)
    client = token_client(tender.created_by)
    assert client.get(f"/api/tenders/{tender.pk}/opening/").json()["still_needed"] == 2
    assert give(tender.created_by, tender, client=client).status_code == 403


def test_someone_off_the_committee_finds_no_opening():
    tender = sealed_tender_with_a_bid()
    pass_deadline(tender)
    for outsider in (committee_member(), admin_of(ProviderFactory(verified=True))):
        client = token_client(outsider)
        assert client.get(f"/api/tenders/{tender.pk}/opening/").status_code == 404
        assert give(outsider, tender, client=client).status_code == 404
    assert not history(tender).filter(action="opening_share_refused").exists()


def test_the_officer_names_the_committee_of_a_draft():
    officer = UserFactory(procurement_officer=True)
    draft = TenderFactory(draft=True, created_by=officer, committee=[])
    members = [committee_member(), committee_member()]
    response = token_client(officer).post(
        f"/api/tenders/{draft.pk}/committee/",
        {"members": [member.pk for member in members], "quorum": 2},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json() == {"members": sorted(m.pk for m in members), "quorum": 2}
    assert history(draft).get(action="committee_named").actor == officer


def test_the_committee_of_a_published_tender_cannot_be_changed():
    tender = sealed_tender_with_a_bid()
    response = token_client(tender.created_by).post(
        f"/api/tenders/{tender.pk}/committee/",
        {"members": [committee_member().pk], "quorum": 1},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "not_draft"


def test_another_officer_finds_no_draft_to_name_a_committee_for():
    draft = TenderFactory(draft=True)
    response = token_client(UserFactory(procurement_officer=True)).post(
        f"/api/tenders/{draft.pk}/committee/",
        {"members": [committee_member().pk], "quorum": 1},
        format="json",
    )
    assert response.status_code == 404


def test_an_organisation_s_admin_cannot_sit_on_a_committee_in_turkmen():
    officer = UserFactory(procurement_officer=True)
    draft = TenderFactory(draft=True, created_by=officer, committee=[])
    outsider = admin_of(ProviderFactory(verified=True))
    response = speaking(officer, "tk").post(
        f"/api/tenders/{draft.pk}/committee/",
        {"members": [outsider.pk], "quorum": 1},
        format="json",
    )
    assert response.status_code == 400
    [message] = response.json()["errors"]["members"]
    assert str(outsider.pk) in message
    assert "Select a valid choice" not in message


def test_an_evaluator_sets_and_changes_their_passphrase_without_it_coming_back():
    evaluator = UserFactory(evaluator=True)
    client = token_client(evaluator)
    first = client.post(
        "/api/opening-passphrase/",
        {"passphrase": COMMITTEE_PASSPHRASE, "confirm": COMMITTEE_PASSPHRASE},
        format="json",
    )
    assert first.status_code == 200, first.json()
    assert first.json() == {"has_key": True}
    changed = client.post(
        "/api/opening-passphrase/",
        {"current": COMMITTEE_PASSPHRASE, "passphrase": NEW_PASSPHRASE, "confirm": NEW_PASSPHRASE},
        format="json",
    )
    assert changed.status_code == 200
    assert NEW_PASSPHRASE not in changed.content.decode()
    assert [entry.action for entry in history(evaluator)] == [
        "opening_passphrase_set",
        "opening_passphrase_changed",
    ]


def test_a_wrong_current_passphrase_is_refused_in_russian():
    evaluator = committee_member()
    response = speaking(evaluator, "ru").post(
        "/api/opening-passphrase/",
        {"current": "not the one", "passphrase": NEW_PASSPHRASE, "confirm": NEW_PASSPHRASE},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["passphrase"] == ["Парольная фраза неверна."]


def test_two_different_passphrases_are_refused_in_turkmen():
    response = speaking(UserFactory(evaluator=True), "tk").post(
        "/api/opening-passphrase/",
        {"passphrase": NEW_PASSPHRASE, "confirm": COMMITTEE_PASSPHRASE},
        format="json",
    )
    assert response.status_code == 400
    assert "confirm" in response.json()["errors"]
    assert response.json()["errors"]["confirm"] != ["The two passphrases differ."]


def test_an_organisation_s_admin_has_no_opening_passphrase():
    client = token_client(admin_of(ProviderFactory(verified=True)))
    response = client.post(
        "/api/opening-passphrase/",
        {"passphrase": NEW_PASSPHRASE, "confirm": NEW_PASSPHRASE},
        format="json",
    )
    assert response.status_code == 403


def test_passphrases_are_write_only_in_the_schema():
    schema = token_client(UserFactory()).get("/api/schema/", HTTP_ACCEPT="application/json")
    components = schema.json()["components"]["schemas"]
    assert components["ShareBodyRequest"]["properties"]["passphrase"]["writeOnly"] is True
    for name in ("current", "passphrase", "confirm"):
        assert components["PassphraseBodyRequest"]["properties"][name]["writeOnly"] is True


def test_a_sealed_tender_walks_from_its_committee_to_its_opening_over_the_api():
    officer = UserFactory(procurement_officer=True)
    draft = TenderFactory(
        draft=True,
        created_by=officer,
        committee=[],
        required_document_types=["charter"],
        min_trained_staff=1,
    )
    members = [UserFactory(evaluator=True) for _ in range(2)]
    for member in members:
        response = token_client(member).post(
            "/api/opening-passphrase/",
            {"passphrase": COMMITTEE_PASSPHRASE, "confirm": COMMITTEE_PASSPHRASE},
            format="json",
        )
        assert response.status_code == 200
    officer_api = token_client(officer)
    named = officer_api.post(
        f"/api/tenders/{draft.pk}/committee/",
        {"members": [member.pk for member in members], "quorum": 2},
        format="json",
    )
    assert named.status_code == 200, named.json()
    read = officer_api.get(f"/api/tenders/{draft.pk}/").json()
    published = officer_api.post(
        f"/api/tenders/{draft.pk}/publish/",
        {"seen_state": "draft", "seen": read["fingerprint"]},
        format="json",
    )
    assert published.json()["state"] == "published", published.json()

    tender = Tender.objects.get(pk=draft.pk)
    provider = eligible_provider(tender)
    bidder = token_client(admin_of(provider))
    bid_id = bidder.post("/api/bids/", {"tender": tender.pk}, format="json").json()["id"]
    fill_over_the_api(bidder, bid_id, tender, provider)
    assert submit(bidder, bid_id).json()["state"] == "submitted"

    early = give(members[0], tender)
    assert early.status_code == 409
    pass_deadline(tender)
    assert give(members[0], tender).json()["still_needed"] == 1
    assert give(members[1], tender).json()["opened"] is True

    tender.refresh_from_db()
    assert tender.state == Tender.State.CLOSED
    opened = officer_api.get(f"/api/bids/{bid_id}/").json()
    assert opened["sections"] and opened["budget_lines"]
    assert Bid.objects.get(pk=bid_id).state == Bid.State.SUBMITTED
