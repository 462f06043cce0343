"""The procurement-integrity page: each red flag shown with a link to its tender, a clean
tender flagged by none, the same as CSV, for procurement officers and approvers only."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tenders.models import Amendment, AwardLine
from tests.conftest import sign_in
from tests.factories.portal import UserFactory
from tests.factories.providers import ProviderFactory
from tests.factories.tenders import (
    AmendmentFactory,
    AwardDecisionFactory,
    BidFactory,
    EvaluationFactory,
    TenderFactory,
    days_from_now,
)

pytestmark = pytest.mark.django_db

PAGE = reverse("tenders:integrity")
CSV = reverse("tenders:integrity_csv")


def closed_tender(bids=2, **fields):
    """A tender past its deadline (published 30 days before it) with ``bids`` opened bids,
    received five days ago."""
    tender = TenderFactory(closed=True, **fields)
    for _ in range(bids):
        BidFactory(tender=tender, submitted=True, submitted_at=days_from_now(-5))
    return tender


def award(tender, amount, provider=None):
    """A final award of ``amount`` to the tender's first bid (or to a new bid of
    ``provider``)."""
    bid = (
        BidFactory(tender=tender, provider=provider, submitted=True)
        if provider
        else tender.bids.order_by("pk").first()
    )
    decision = AwardDecisionFactory(final=True, evaluation=EvaluationFactory(tender=tender))
    AwardLine.objects.create(
        decision=decision, bid=bid, eligible=True, proposed=True, amount=Decimal(amount)
    )
    return tender


def late_amendment(tender):
    amendment = AmendmentFactory(tender=tender, number=1)
    Amendment.objects.filter(pk=amendment.pk).update(made_at=days_from_now(-3))
    return tender


def clean_tender():
    """Two bids, a month to bid, an award at 80 % of the ceiling to a first-time winner, an
    amendment made before any bid arrived."""
    tender = award(closed_tender(), "360000.00")
    amendment = AmendmentFactory(tender=tender, number=1)
    Amendment.objects.filter(pk=amendment.pk).update(made_at=days_from_now(-20))
    return tender


@pytest.fixture
def officer_client(client):
    sign_in(client, UserFactory(procurement_officer=True))
    return client


def section(page, code):
    start = page.index(f'id="{code}"')
    return page[start : page.index("</section>", start)]


def flagged_in(page, code, tender):
    return f'href="{reverse("tenders:detail", args=[tender.pk])}"' in section(page, code)


def page_of(client):
    response = client.get(PAGE)
    assert response.status_code == 200
    return response.content.decode()


def test_a_tender_with_a_single_bid_is_flagged(officer_client):
    single = closed_tender(bids=1)
    clean = clean_tender()

    page = page_of(officer_client)

    assert flagged_in(page, "single-bid", single)
    assert not flagged_in(page, "single-bid", clean)
    indicator = next(
        i for i in officer_client.get(PAGE).context["indicators"] if i.code == "single-bid"
    )
    assert (indicator.considered, indicator.flagged, indicator.share) == (2, 1, 50.0)


def test_a_bidding_period_shorter_than_the_standard_ten_days_is_flagged(officer_client):
    short = closed_tender(
        min_bidding_days=3,
        published_at=days_from_now(-6),
        questions_deadline=days_from_now(-3),
        submission_deadline=days_from_now(-1),
    )
    clean = clean_tender()

    page = page_of(officer_client)

    assert flagged_in(page, "short-bidding", short)
    assert "5.0 days" in section(page, "short-bidding")
    assert not flagged_in(page, "short-bidding", clean)


def test_an_award_within_two_percent_of_the_ceiling_is_flagged(officer_client):
    near = award(closed_tender(), "445000.00")
    clean = clean_tender()

    page = page_of(officer_client)

    assert flagged_in(page, "near-ceiling", near)
    assert "98.9 % of the ceiling" in section(page, "near-ceiling")
    assert not flagged_in(page, "near-ceiling", clean)


def test_an_organisation_winning_twice_in_one_service_type_is_flagged_on_both_tenders(
    officer_client,
):
    winner = ProviderFactory(verified=True, name_en="Repeat Winner NGO")
    first = award(closed_tender(), "300000.00", provider=winner)
    second = award(closed_tender(), "310000.00", provider=winner)
    clean = clean_tender()

    page = page_of(officer_client)

    assert flagged_in(page, "repeat-winners", first)
    assert flagged_in(page, "repeat-winners", second)
    assert "2 awards in" in section(page, "repeat-winners")
    assert not flagged_in(page, "repeat-winners", clean)


def test_an_amendment_made_after_a_bid_arrived_is_flagged(officer_client):
    late = late_amendment(closed_tender())
    clean = clean_tender()

    page = page_of(officer_client)

    assert flagged_in(page, "late-amendments", late)
    assert not flagged_in(page, "late-amendments", clean)


def test_a_clean_tender_is_flagged_by_no_indicator(officer_client):
    clean_tender()

    response = officer_client.get(PAGE)

    assert [indicator.flagged for indicator in response.context["indicators"]] == [0] * 5
    assert response.content.decode().count("No tender is flagged.") == 5


def test_bids_of_a_tender_still_open_count_for_nothing(officer_client):
    tender = TenderFactory(published=True, published_at=days_from_now(-12))
    BidFactory(tender=tender, submitted=True, submitted_at=days_from_now(-5))
    late_amendment(tender)

    response = officer_client.get(PAGE)

    counts = {i.code: (i.considered, i.flagged) for i in response.context["indicators"]}
    assert counts["single-bid"] == (0, 0)
    assert counts["late-amendments"] == (0, 0)


def test_the_csv_has_a_row_per_flag_with_its_tender_address(officer_client):
    single = closed_tender(bids=1)
    near = award(closed_tender(), "449000.00")

    response = officer_client.get(CSV)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    header, *rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert header[:5] == ["Indicator", "Considered", "Flagged", "Share (%)", "Tender"]
    flags = {(row[0], row[4]) for row in rows if row[4]}
    assert flags == {
        ("Tenders with a single bid", single.reference),
        ("Awards within 2 per cent of the ceiling", near.reference),
    }
    single_row = next(row for row in rows if row[4] == single.reference)
    assert single_row[1:4] == ["2", "1", "50.0"]
    assert single_row[7].endswith(reverse("tenders:detail", args=[single.pk]))
    assert len(rows) == 2 + 3  # the indicators that flag nothing still give their counts


@pytest.mark.parametrize("role", ["procurement_officer", "approver"])
def test_officers_and_approvers_read_the_page_and_the_csv(client, role):
    sign_in(client, UserFactory(**{role: True}))

    assert client.get(PAGE).status_code == 200
    assert client.get(CSV).status_code == 200


@pytest.mark.parametrize("role", ["evaluator", "grant_officer", None])
def test_other_signed_in_users_are_refused(client, role):
    sign_in(client, UserFactory(**({role: True} if role else {})))

    assert client.get(PAGE).status_code == 403
    assert client.get(CSV).status_code == 403


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def every_flag():
    winner = ProviderFactory(verified=True)
    closed_tender(bids=1)
    closed_tender(
        published_at=days_from_now(-6), questions_deadline=days_from_now(-3), min_bidding_days=3
    )
    award(closed_tender(), "449000.00", provider=winner)
    award(closed_tender(), "300000.00", provider=winner)
    late_amendment(closed_tender())


def queries(client):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(PAGE).status_code == 200
    return len(captured)


def test_the_page_takes_as_many_queries_for_many_tenders_as_for_few(officer_client):
    every_flag()
    few = queries(officer_client)
    for _ in range(3):
        every_flag()

    many = queries(officer_client)

    assert many == few
    assert len(officer_client.get(PAGE).context["indicators"][0].flags) == 4
