"""Grant references and the lists of an agreement read as people count: 2 before 10."""

import datetime

import pytest

from grants.dashboard import figures
from grants.models import GrantAgreement
from tests.factories.grants import GrantAgreementFactory

pytestmark = pytest.mark.django_db

# In the order people expect: the counter as a number within its year, then the next year.
REFERENCES = ["GA-2026-0002", "GA-2026-0010", "GA-2026-9999", "GA-2026-10000", "GA-2027-0001"]


def test_the_dashboard_lists_grants_by_reference_with_counters_as_numbers():
    for reference in reversed(REFERENCES):
        GrantAgreementFactory(active=True, reference=reference, plan=False, reports=False)

    rows = figures.agreement_figures(GrantAgreement.objects.all(), datetime.date(2026, 5, 20))

    assert [row.reference for row in rows] == REFERENCES


def test_a_reference_without_a_counter_still_sorts_without_error():
    for reference in ("PILOT", "GA-2026-0002"):
        GrantAgreementFactory(active=True, reference=reference, plan=False, reports=False)

    rows = figures.agreement_figures(GrantAgreement.objects.all(), datetime.date(2026, 5, 20))

    assert sorted(row.reference for row in rows) == ["GA-2026-0002", "PILOT"]
