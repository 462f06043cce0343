"""The benchmark's pages run as many queries, and send about as much HTML, for a programme five
times larger: lists show a page of rows and every figure is summed in the database.

The programme is built once for the module at each size by the scale builders (factories and
domain services, as ``manage.py populate_scale`` does), each in a savepoint rolled back after
its pages are measured. The pages and the home page's lists are made short (three rows) so
both sizes fill them. The evaluation report is the one page that grows: it is the committee's
record of one tender's evaluation and lists every bid of it (the programme's larger tenders
have five times the bids), so only its queries are held constant."""

import uuid
from dataclasses import dataclass
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core import signals
from django.db import close_old_connections, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.pages import pages
from portal import page_cache
from portal.scale import Plan
from portal.scale.grants import build_grants
from portal.scale.people import build_people
from portal.scale.providers import build_providers
from portal.scale.tenders import build_tenders
from tests.conftest import sign_in

# The tests themselves only read the measures; the mark has the test database set up.
pytestmark = pytest.mark.django_db

ROWS_PER_PAGE = 3
KINDS = ("draft", "published", "cancelled", "unsuccessful", "opened", "scoring", "completed")
# How much a page may grow when the programme does: other names and figures, more etraps and
# months reached on the dashboard, but not five times the rows.
SLACK = 1.5
# Enough of the listed things for a full page at the small size.
LISTED = {"published": 4, "completed": 2}


def plan(scale):
    """A programme whose every list is longer than a page, ``scale`` times over."""
    return Plan(
        providers=5 * scale,
        tenders={kind: LISTED.get(kind, 1) * scale for kind in KINDS},
        bids_per_tender=4 * scale,
        grants=4 * scale,
        reports_per_grant=25,
    )


SMALL, LARGE = plan(1), plan(5)


@dataclass(frozen=True)
class Measure:
    status: int
    queries: int
    size: int


def measure_pages(chosen):
    """Build the programme ``chosen`` and measure each benchmark page on it (the second
    request, once the session and caches are warm, the cached pages of this programme's own);
    the rows are rolled back afterwards."""
    fresh_pages = mock.patch.object(page_cache, "PREFIX", f"pages:{uuid.uuid4().hex}")
    with fresh_pages, transaction.atomic():
        people = build_people(0.01)
        providers = build_providers(chosen, _quietly)
        winners = build_tenders(chosen, people, providers, _quietly)
        build_grants(chosen, winners, people, _quietly)
        measures = {page.name: _measure(page) for page in pages() if page.name != "floor"}
        transaction.set_rollback(True)
    return measures


def _measure(page):
    client = Client()
    if page.username:
        sign_in(client, get_user_model().objects.get(username=page.username))
    client.get(page.path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(page.path)
    return Measure(response.status_code, len(captured), len(response.content))


def _quietly(what, done, total):
    pass


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker):
    # Outside a test case the end of a request closes the connection, and the savepoint
    # with it; Django's own test cases keep it open the same way.
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    try:
        with (
            django_db_blocker.unblock(),
            mock.patch("portal.pagination.PAGE_SIZE", ROWS_PER_PAGE),
            mock.patch("tenders.views.public.PAGE_SIZE", ROWS_PER_PAGE),
            mock.patch("tenders.views.evaluation_panel.SHEET_BIDS", ROWS_PER_PAGE),
            mock.patch("portal.homes.ngo.LIST_LENGTH", ROWS_PER_PAGE),
        ):
            return {"small": measure_pages(SMALL), "large": measure_pages(LARGE)}
    finally:
        for signal in (signals.request_started, signals.request_finished):
            signal.connect(close_old_connections)


PAGE_NAMES = [
    "public tender list",
    "tender notice",
    "NGO home",
    "bid form",
    "officer bid list",
    "opening record",
    "score sheet",
    "evaluation report",
    "grant list",
    "report review",
    "dashboard",
    "dashboard, one velayat",
]


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_a_page_runs_as_many_queries_on_a_programme_five_times_larger(measured, name):
    small, large = measured["small"][name], measured["large"][name]

    assert (small.status, large.status) == (200, 200)
    assert large.queries == small.queries


@pytest.mark.parametrize("name", [name for name in PAGE_NAMES if name != "evaluation report"])
def test_a_page_sends_about_as_much_html_on_a_programme_five_times_larger(measured, name):
    small, large = measured["small"][name], measured["large"][name]

    assert large.size <= small.size * SLACK
