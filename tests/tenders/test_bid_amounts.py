"""Refusals that name an amount write it as the reader's language writes it."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from tenders.models import BidBudgetLine
from tenders.services.bid import bid_budget_line_add
from tenders.services.bid_checks import IncompleteBid
from tenders.services.bid_submission import bid_submit
from tests.conftest import sign_in
from tests.factories.providers import admin_of
from tests.factories.tenders import BidFactory, bid_ready_tender, eligible_provider
from workflows.errors import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def bid():
    tender = bid_ready_tender(budget_ceiling=Decimal("250000"))
    return BidFactory(tender=tender, provider=eligible_provider(tender))


def _add_line(bid, amount):
    return bid_budget_line_add(
        actor=admin_of(bid.provider),
        bid=bid,
        category="staff",
        description="Salaries",
        amount=Decimal(amount),
    )


def test_a_line_above_the_ceiling_is_refused_with_russian_amounts(bid):
    with translation.override("ru"), pytest.raises(DomainError) as refused:
        _add_line(bid, "260000")
    with translation.override("ru"):
        message = str(refused.value.message)
    assert "260\xa0000,00 TMT" in message
    assert "250\xa0000,00 TMT" in message


def test_the_refusal_follows_the_language_it_is_read_in(bid):
    with translation.override("ru"), pytest.raises(DomainError) as refused:
        _add_line(bid, "260000")
    with translation.override("en"):
        assert "260,000.00 TMT" in str(refused.value.message)


def test_a_budget_above_the_ceiling_at_submission_names_turkmen_amounts():
    tender = bid_ready_tender(budget_ceiling=Decimal("250000"))
    bid = BidFactory(tender=tender, provider=eligible_provider(tender), complete=True)
    bid.budget_lines.all().delete()
    BidBudgetLine.objects.create(
        bid=bid, category="other", description="Vehicle", amount=Decimal("260000")
    )
    with pytest.raises(IncompleteBid) as refused:
        bid_submit(actor=admin_of(bid.provider), bid=bid)
    (failure,) = refused.value.failures
    with translation.override("tk"):
        assert "250\xa0000,00 TMT" in str(failure.message)


def test_the_budget_page_shows_the_refusal_in_the_users_language(client, bid):
    admin = admin_of(bid.provider)
    admin.language = "ru"
    admin.save(update_fields=["language"])
    sign_in(client, admin)
    response = client.post(
        reverse("tenders:bid_budget", args=[bid.pk]),
        {
            "seen_state": bid.state,
            "category": "staff",
            "description": "Salaries",
            "amount": "260000",
        },
    )
    assert response.status_code == 200
    assert "260\xa0000,00" in response.content.decode()
    assert not bid.budget_lines.exists()
