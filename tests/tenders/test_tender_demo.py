"""The demo tenders: the three Ashgabat pilot tenders and one more open to new bidders."""

import datetime
import io

import pytest
from django.utils import timezone, translation

from portal.demo import DemoData, build_staff_accounts
from providers.demo import build_demo_providers
from tenders import demo_evaluation
from tenders.demo import build, build_demo_tenders
from tenders.models import Bid, Tender

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

    with translation.override("en"):
        build_demo_tenders(out)

    assert out.getvalue().count(": published") == 4


def test_without_a_movable_clock_the_builder_publishes_all_four_tenders_today(monkeypatch):
    monkeypatch.setattr(demo_evaluation, "history_available", lambda: False)
    out = io.StringIO()

    build(DemoData(stdout=out))

    assert set(Tender.objects.values_list("state", flat=True)) == {"published"}
    assert Tender.objects.count() == 4
    assert demo_evaluation.NO_HISTORY in out.getvalue()


def test_the_timeline_ends_six_full_months_at_least_twelve_days_ago():
    timeline = demo_evaluation.Timeline.of()

    today = timezone.localdate()
    last_end = timeline.start
    for _ in range(demo_evaluation.PERIODS):
        last_end = (last_end + datetime.timedelta(days=32)).replace(day=1)
    last_end -= datetime.timedelta(days=1)
    assert timeline.start.day == 1
    assert today - datetime.timedelta(days=43) <= last_end <= today - datetime.timedelta(days=12)
    assert timeline.published < timeline.day(0, 18) < demo_evaluation.moment(timeline.start, 0)


@pytest.mark.skipif(
    not demo_evaluation.history_available(), reason="the history needs time-machine and SQLite"
)
def test_the_pilot_tenders_become_this_years_history_and_the_family_tender_stays_open():
    data = DemoData()
    build_staff_accounts(data)
    build_demo_providers(io.StringIO())

    build(data)

    states = dict(Tender.objects.values_list("service_type__code", "state"))
    assert states == {
        "chronic-illness-support": "awarded",
        "disability-support": "awarded",
        "elderly-home-care": "awarded",
        "family-crisis-support": "published",
    }
    pilot = Tender.objects.get(service_type__code="elderly-home-care")
    assert pilot.published_at < pilot.submission_deadline < timezone.now()
    yenme = Bid.objects.get(
        tender__service_type__code="disability-support", provider__name_en__contains="Yenme"
    )
    assert yenme.staff.filter(
        staff_member__full_name="Guljahan Tanalova", role_in_project="Hyzmatyň utgaşdyryjysy"
    ).exists()


@pytest.mark.skipif(
    not demo_evaluation.history_available(), reason="the history needs time-machine and SQLite"
)
def test_pilot_tenders_already_open_for_bids_today_are_left_to_run():
    data = DemoData()
    build_staff_accounts(data)
    build_demo_providers(io.StringIO())
    build_demo_tenders(io.StringIO())

    build(data)

    assert set(Tender.objects.values_list("state", flat=True)) == {"published"}
    assert not Bid.objects.exists()
