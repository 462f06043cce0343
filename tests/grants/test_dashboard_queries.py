"""The dashboard's pages run as many queries for twelve grants as for two: every figure is
computed in the database, none per grant or per report."""

import pytest
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import forget_cached_pages
from tests.factories.grants import GrantAgreementFactory, PilotReportFactory
from tests.workflows.file_jobs import started_job
from workflows.models import FileJob
from workflows.tasks import run_file_job

# A sanity bound on the constant: the site shell, the filters and about ten figure queries.
MOST_QUERIES = 30


def add_reports(agreement, numbers):
    """Accepted reports with complete content (breakdown, targets, spending) and an overdue
    one after them."""
    for number in numbers:
        PilotReportFactory(agreement=agreement, number=number, accepted=True)
    PilotReportFactory(agreement=agreement, number=max(numbers) + 1, overdue=True)


def add_pilots(count):
    """``count`` active grants (budget, targets, tranches) with three accepted reports each."""
    pilots = [GrantAgreementFactory(active=True, reports=False) for _n in range(count)]
    for agreement in pilots:
        add_reports(agreement, [1, 2, 3])
    return pilots


def queries(client, url):
    """How many queries a successful request to ``url`` runs."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def prepare(client, url):
    """What to count for ``url``: showing the page, or running the job of an export started
    beforehand (starting it runs the same few queries whatever the figures)."""
    if url == reverse("grants:dashboard"):
        return lambda: client.get(url).status_code == 200
    job = started_job(client.post(url))
    # The query log holds at most 9,000 queries and only a request empties it; a full log
    # would count nothing.
    reset_queries()

    def run():
        run_file_job(job.pk)
        job.refresh_from_db()
        return job.state == FileJob.State.DONE

    return run


@pytest.mark.parametrize(
    "url",
    [
        reverse("grants:dashboard"),
        reverse("grants:dashboard_xlsx"),
        reverse("grants:dashboard_csv", args=["grants"]),
    ],
    ids=["page", "xlsx", "csv"],
)
def test_the_dashboard_runs_as_many_queries_for_twelve_grants_as_for_two(
    officer_client, django_assert_num_queries, url, monkeypatch
):
    add_pilots(2)
    assert prepare(officer_client, url)()
    # Each count is of the figures computed afresh, not read from the cache.
    forget_cached_pages(monkeypatch)
    load = prepare(officer_client, url)
    with CaptureQueriesContext(connection) as captured:
        assert load()
    # Counted now: the captured queries are read from the log, which the next start empties.
    two = len(captured)
    assert two <= MOST_QUERIES

    forget_cached_pages(monkeypatch)
    load = prepare(officer_client, url)
    with django_assert_num_queries(two):
        assert load()
    add_pilots(10)
    forget_cached_pages(monkeypatch)
    load = prepare(officer_client, url)
    with django_assert_num_queries(two):
        assert load()


def test_the_filtered_dashboard_runs_as_many_queries_for_twelve_grants_as_for_two(
    officer_client, django_assert_num_queries, monkeypatch
):
    first = add_pilots(2)[0]
    url = f"{reverse('grants:dashboard')}?provider={first.grantee_id}&velayat={first.velayat_id}"
    small = queries(officer_client, url)

    add_pilots(10)
    forget_cached_pages(monkeypatch)
    with django_assert_num_queries(small):
        response = officer_client.get(url)

    assert response.context["board"].summary.rows[0][1].value == 1


def test_the_grant_page_runs_as_many_queries_for_eight_reports_as_for_two(
    officer_client, django_assert_num_queries
):
    agreement = GrantAgreementFactory(active=True, reports=False)
    add_reports(agreement, [1, 2])
    url = reverse("grants:dashboard_grant", args=[agreement.pk])
    queries(officer_client, url)
    small = queries(officer_client, url)
    assert small <= MOST_QUERIES

    with django_assert_num_queries(small):
        assert officer_client.get(url).status_code == 200
    add_reports(agreement, [4, 5, 6, 7, 8, 9])
    add_pilots(3)
    with django_assert_num_queries(small):
        response = officer_client.get(url)

    indicators = response.context["page"].table("indicators")
    assert len(indicators.rows) == 8 * agreement.targets.count()
