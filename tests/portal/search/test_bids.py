"""Searching bids: nobody finds a sealed bid's words before its committee opens it; after,
the bid's own organisation and procurement officers do, and nobody else.

These tests commit (``transaction=True``) as the sealing tests do: on PostgreSQL the deadline
trigger judges each submission at its own commit.
"""

import uuid

import pytest

from tenders.models import Bid
from tenders.services.bid_submission import bid_submit
from tenders.services.tender import tender_publish
from tests.conftest import sign_in
from tests.factories.portal import UserFactory
from tests.factories.providers import ProviderFactory, admin_of, member_of
from tests.factories.tenders import (
    BidFactory,
    TenderFactory,
    eligible_provider,
    open_through_committee,
)
from tests.portal.search.support import search

pytestmark = pytest.mark.django_db(transaction=True)


def sealed_bid(word):
    tender = TenderFactory(min_trained_staff=0)
    tender = tender_publish(actor=tender.created_by, tender=tender)
    bid = BidFactory(
        tender=tender,
        provider=eligible_provider(tender),
        complete=True,
        complete__text=f"Proposal {word}",
    )
    return bid_submit(actor=admin_of(bid.provider), bid=Bid.objects.get(pk=bid.pk))


def bid_results(client, user, word):
    """What ``user`` is shown for ``word``: the bid results, and the page without the places
    that repeat the query (the search box, the language switcher's return address)."""
    client.logout()
    if user is not None:
        sign_in(client, user)
    page = search(client, word)
    groups = {group["kind"].NAME: group["results"] for group in page.context["groups"]}
    shown = page.content.decode().replace(f'value="{word}"', "").replace(f"q={word}", "")
    return groups.get("bids", []), shown


def test_a_sealed_bids_text_never_appears_in_anyones_results_before_opening(client):
    word = f"Zq{uuid.uuid4().hex[:10]}"
    bid = sealed_bid(word)
    tender = bid.tender
    everyone = [
        None,
        admin_of(bid.provider),
        member_of(bid.provider),
        tender.created_by,
        *tender.committee.all(),
        UserFactory(procurement_officer=True),
        UserFactory(system_admin=True),
        UserFactory(grant_officer=True),
        member_of(ProviderFactory(verified=True)),
    ]

    for user in everyone:
        results, page = bid_results(client, user, word)
        assert results == [], user
        assert word not in page, user


def test_after_opening_the_bidder_and_procurement_officers_find_the_bid(client):
    word = f"Zq{uuid.uuid4().hex[:10]}"
    bid = sealed_bid(word)
    open_through_committee(bid.tender)

    for user in (admin_of(bid.provider), bid.tender.created_by):
        results, page = bid_results(client, user, word)
        assert {result["link"] for result in results} == {f"/tenders/bids/{bid.pk}/"}
        assert word in page
    for user in (None, UserFactory(grant_officer=True), member_of(ProviderFactory(verified=True))):
        results, page = bid_results(client, user, word)
        assert results == []
        assert word not in page
