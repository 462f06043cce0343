"""The demo tenders: the three Ashgabat pilot tenders and one more open to new bidders."""

import io

import pytest
from django.utils import timezone

from tenders.demo import build_demo_tenders
from tenders.models import Tender

pytestmark = pytest.mark.django_db


def test_the_demo_publishes_the_pilot_tenders_and_an_open_one_once():
    build_demo_tenders(io.StringIO())
    build_demo_tenders(io.StringIO())

    tenders = Tender.objects.order_by("submission_deadline", "id")
    assert tenders.count() == 4
    assert set(tenders.values_list("state", flat=True)) == {"published"}
    assert {t.velayat.code for t in tenders} == {"TM-S"}
    assert {t.service_type.code for t in tenders} == {
        "chronic-illness-support",
        "disability-support",
        "elderly-home-care",
        "family-crisis-support",
    }
    latest = tenders.last()
    days_left = (latest.submission_deadline - timezone.now()).days
    assert latest.service_type.code == "family-crisis-support" and 19 <= days_left <= 21
    for tender in tenders:
        weights = sum(c.weight for c in tender.criteria.all()) + tender.price_weight
        assert weights == 100
        assert tender.documents.count() == 1


def test_the_demo_reports_each_tender():
    out = io.StringIO()

    build_demo_tenders(out)

    assert out.getvalue().count(": published") == 4
