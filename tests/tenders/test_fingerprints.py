"""A confirmation acts only on what its page showed: a bid, a score sheet, an award decision
and a draft tender changed in another tab are refused as stale, naming what changed."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from tenders.models import Bid, BidBudgetLine
from tenders.services.bid import bid_budget_line_add
from tenders.services.bid_submission import bid_submit
from tenders.services.fingerprints import bid_fingerprint
from tests.factories.providers import admin_of
from tests.factories.tenders import BidFactory, bid_ready_tender, eligible_provider
from workflows.errors import DomainError
from workflows.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def bid():
    tender = bid_ready_tender()
    return BidFactory(tender=tender, provider=eligible_provider(tender), complete=True)


def _signed_in(client, user, language="en"):
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)
    return client


def _add_line(bid, amount="5000.00"):
    return bid_budget_line_add(
        actor=admin_of(bid.provider),
        bid=bid,
        category=BidBudgetLine.Category.OTHER,
        description="Transport",
        amount=Decimal(amount),
    )


def _submit_page(client, bid, data):
    return client.post(reverse("tenders:bid_submit", args=[bid.pk]), data)


def test_a_bid_submits_when_its_content_is_what_the_page_showed(bid):
    submitted = bid_submit(actor=admin_of(bid.provider), bid=bid, seen=bid_fingerprint(bid))
    assert submitted.state == Bid.State.SUBMITTED


def test_a_bid_changed_after_its_submit_page_opened_is_not_sealed(bid):
    seen = bid_fingerprint(bid)
    _add_line(bid)
    with pytest.raises(DomainError) as refused, translation.override("en"):
        bid_submit(actor=admin_of(bid.provider), bid=bid, seen=seen)
    with translation.override("en"):
        message = str(refused.value.message)
    assert refused.value.code == "stale"
    assert message == (
        "The bid changed after you opened this page: budget lines changed; the total is now "
        "125,000.00 TMT. Check it and submit again."
    )
    bid.refresh_from_db()
    assert (bid.state, bid.content_sha256, bid.submitted_at) == (Bid.State.DRAFT, "", None)
    assert not AuditEntry.objects.filter(action="submit").exists()


def test_each_changed_part_of_a_bid_is_named(bid):
    seen = bid_fingerprint(bid)
    section = bid.sections.first()
    section.text = "Another approach"
    section.save()
    bid.documents.update(title="Another charter")
    with pytest.raises(DomainError) as refused:
        bid_submit(actor=admin_of(bid.provider), bid=bid, seen=seen)
    with translation.override("en"):
        message = str(refused.value.message)
    assert "the technical proposal changed; the documents changed; the total is now" in message
    assert "budget lines" not in message


def test_a_stale_submit_page_is_shown_again_with_the_new_total_in_the_users_language(client, bid):
    client = _signed_in(client, admin_of(bid.provider), "ru")
    seen = bid_fingerprint(bid)
    _add_line(bid)
    response = _submit_page(client, bid, {"seen_state": "draft", "seen": seen})
    text = response.content.decode()
    assert response.status_code == 200
    assert "Заявка изменилась после того, как вы открыли эту страницу" in text
    assert "125\xa0000,00 TMT" in text or "125 000,00 TMT" in text
    assert "Transport" in text
    assert response.context["form"]["seen"].value() == bid_fingerprint(bid)
    bid.refresh_from_db()
    assert bid.state == Bid.State.DRAFT


def test_submitting_again_from_the_page_shown_after_a_refusal_seals_the_bid(client, bid):
    client = _signed_in(client, admin_of(bid.provider))
    seen = bid_fingerprint(bid)
    _add_line(bid)
    refused = _submit_page(client, bid, {"seen_state": "draft", "seen": seen})
    fresh = refused.context["form"]["seen"].value()
    response = _submit_page(client, bid, {"seen_state": "draft", "seen": fresh})
    assert response.status_code == 302
    bid.refresh_from_db()
    assert bid.state == Bid.State.SUBMITTED
    assert bid.budget_lines.count() == 2


@pytest.mark.parametrize("seen", [None, "", "v1.0000000000000000", "not a fingerprint"])
def test_a_missing_or_forged_bid_fingerprint_is_refused_as_stale(client, bid, seen):
    client = _signed_in(client, admin_of(bid.provider))
    data = {"seen_state": "draft"} if seen is None else {"seen_state": "draft", "seen": seen}
    response = _submit_page(client, bid, data)
    assert response.status_code == 200
    assert "The bid changed after you opened this page" in response.content.decode()
    bid.refresh_from_db()
    assert bid.state == Bid.State.DRAFT


def test_the_submit_page_shows_what_it_fingerprints(client, bid):
    client = _signed_in(client, admin_of(bid.provider))
    response = client.get(reverse("tenders:bid_submit", args=[bid.pk]))
    text = response.content.decode()
    assert f'name="seen" value="{bid_fingerprint(bid)}"' in text
    assert bid.sections.first().text in text
    assert bid.budget_lines.get().description in text
    assert bid.documents.get().sha256 in text
    assert bid.staff.get().staff_member.full_name in text


def test_a_second_click_after_the_bid_is_sealed_changes_nothing(client, bid):
    client = _signed_in(client, admin_of(bid.provider))
    data = {"seen_state": "draft", "seen": bid_fingerprint(bid)}
    assert _submit_page(client, bid, data).status_code == 302
    bid.refresh_from_db()
    sealed = (bid.content_sha256, bid.submitted_at)
    again = _submit_page(client, bid, data)
    bid.refresh_from_db()
    assert again.status_code == 302
    assert (bid.content_sha256, bid.submitted_at) == sealed
    assert AuditEntry.objects.filter(action="submit").count() == 1
