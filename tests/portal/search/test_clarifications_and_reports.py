"""Searching published answers (everyone) and pilot service reports (the grantee's members and
the grant officers)."""

import pytest

from grants.models import PilotReport
from tests.conftest import sign_in
from tests.factories.grants import PilotReportFactory, grantee_member, officer
from tests.factories.providers import ProviderFactory, member_of
from tests.factories.tenders import ClarificationFactory
from tests.portal.search.support import found

pytestmark = pytest.mark.django_db


def test_anyone_finds_a_published_answer(client):
    clarification = ClarificationFactory(answered=True, answer="Transport costs are eligible.")

    assert found(client, "Transport", "clarifications") == [str(clarification.tender)]


def test_an_unanswered_question_is_not_found(client):
    ClarificationFactory(question="Is the kindergarten building insured?")
    sign_in(client, officer())

    assert found(client, "kindergarten", "clarifications") == []


def report_saying(text):
    report = PilotReportFactory(submitted=True)
    PilotReport.objects.filter(pk=report.pk).update(achievements=text)
    return report


def test_the_grantees_members_and_a_grant_officer_find_a_report(client):
    report = report_saying("Forty families received winter fuel.")

    sign_in(client, grantee_member(report.agreement))
    assert found(client, "winter fuel", "reports") == [str(report)]
    sign_in(client, officer())
    assert found(client, "winter fuel", "reports") == [str(report)]


def test_a_foreign_ngos_report_never_appears(client):
    report_saying("Forty families received winter fuel.")
    sign_in(client, member_of(ProviderFactory(verified=True)))

    assert found(client, "winter", "reports") == []


def test_a_visitor_searches_no_reports(client):
    report_saying("Forty families received winter fuel.")

    assert found(client, "winter", "reports") is None
