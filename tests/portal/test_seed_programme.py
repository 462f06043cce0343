"""The seed programme as ``load_demo`` writes it: the Ashgabat pilot tenders awarded this year
and their grants six months into service, read the way the monitoring dashboard reads them."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone, translation

from grants.dashboard import figures
from grants.models import (
    AgeBand,
    AgreementState,
    GrantAgreement,
    PilotReport,
    ReportBeneficiaryCount,
    ReportState,
    TrancheState,
)
from portal.models import User
from providers.models import MemberRole, Provider
from tenders.demo_evaluation import history_available
from tenders.models import AwardLine, Bid, Evaluation, Tender
from tenders.services.bid import (
    bid_budget_line_add,
    bid_create,
    bid_proposal_save,
    bid_staff_assign,
)
from tenders.services.bid_submission import bid_submit
from tests.conftest import sign_in
from workflows.models import AuditEntry, Notification, OutboxMessage

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not history_available(), reason="the history needs time-machine and SQLite"),
]

WINNERS = {
    "chronic-illness-support": "DEMO-NS-0001",
    "disability-support": "DEMO-PA-0002",
    "elderly-home-care": "DEMO-NS-0001",
}


@pytest.fixture
def programme(seeded):
    return figures.dashboard_agreements(User.objects.get(username="grants"))


def today():
    return timezone.localdate()


def test_the_programme_reaches_more_than_2500_people(programme):
    totals = figures.totals(programme, today())

    assert totals["agreements"] == 3
    assert totals["reached"] > 2500
    assert (
        sum(row.reached for row in figures.beneficiaries_by_target_group(programme))
        == (totals["reached"])
    )


def test_about_40_percent_of_the_people_reached_are_children_and_9_percent_elderly(programme):
    # The dashboard has no breakdown by age; its rule for which reports count does apply.
    cells = ReportBeneficiaryCount.objects.filter(
        figures.counted(), report__agreement__in=programme
    )
    reached = figures.totals(programme, today())["reached"]

    children = cells.filter(age_band=AgeBand.CHILD).aggregate(n=Sum("new"))["n"]
    elderly = cells.filter(age_band=AgeBand.OLDER).aggregate(n=Sum("new"))["n"]

    assert 35 <= 100 * children / reached <= 45
    assert 7 <= 100 * elderly / reached <= 11


def test_more_than_500_cases_were_opened(programme):
    reports = PilotReport.objects.filter(figures.counted(prefix=""), agreement__in=programme)

    assert reports.aggregate(n=Sum("cases_opened"))["n"] > 500


def test_people_are_reached_across_four_etraps_and_every_month(programme):
    etraps = figures.beneficiaries_by_etrap(programme)
    months = list(figures.beneficiaries_over_time(programme))

    assert {row.name_tk for row in etraps if row.reached} == {
        "Bagtyýarlyk",
        "Berkararlyk",
        "Büzmeýin",
        "Köpetdag",
    }
    assert len(months) == 6
    assert months[-1]["cumulative"] == figures.totals(programme, today())["reached"]


def test_spending_runs_at_about_half_the_budget_after_half_a_year(programme):
    totals = figures.totals(programme, today())

    assert 40 < totals["burn_rate"] < 60
    assert totals["reports_overdue"] == 0


def test_the_signing_and_second_tranches_are_paid(programme):
    tranches = figures.tranche_figures(programme)

    assert tranches["paid_count"] == 6
    for agreement in programme:
        states = dict(agreement.tranches.values_list("position", "state"))
        assert states == {1: TrancheState.PAID, 2: TrancheState.PAID, 3: TrancheState.SCHEDULED}


def test_the_grant_officer_sees_the_programme_on_the_monitoring_dashboard(client, programme):
    sign_in(client, User.objects.get(username="grants"))

    with translation.override(None):  # the page switches to the user's language
        response = client.get(reverse("grants:dashboard"))

    assert response.status_code == 200
    reached = figures.totals(programme, today())["reached"]
    # Numbers are grouped the Turkmen way, with a no-break space: 2 610.
    assert f"{reached:,}".replace(",", "\xa0") in response.content.decode()


def test_the_three_pilot_tenders_were_awarded_to_the_seed_winners(seeded):
    tenders = Tender.objects.filter(service_type__code__in=WINNERS)

    assert {t.state for t in tenders} == {Tender.State.AWARDED}
    for tender in tenders:
        awarded = AwardLine.objects.get(decision__tender=tender, outcome=AwardLine.Outcome.AWARDED)
        assert awarded.bid.provider.registration_number == WINNERS[tender.service_type.code]
        assert tender.bids.filter(state=Bid.State.SUBMITTED).count() == 2
        assert tender.submission_deadline < timezone.now() - datetime.timedelta(days=60)


def test_each_evaluation_was_completed_by_the_three_evaluators_without_conflict(seeded):
    for evaluation in Evaluation.objects.filter(tender__service_type__code__in=WINNERS):
        assert evaluation.state == Evaluation.State.COMPLETED
        sheets = evaluation.sheets.select_related("member__user")
        assert {s.member.user.username for s in sheets} == {
            "evaluator1",
            "evaluator2",
            "evaluator3",
        }
        assert all(not seat.declaration.has_conflict for seat in evaluation.members.all())
        for sheet in sheets:
            assert sheet.scores.count() == 2 * evaluation.tender.criteria.count()
            assert all(score.justification for score in sheet.scores.all())


def test_the_grants_are_active_with_six_accepted_monthly_reports(seeded):
    agreements = GrantAgreement.objects.all()

    assert agreements.count() == 3
    for agreement in agreements:
        assert agreement.state == AgreementState.ACTIVE
        assert agreement.documents.exists()
        assert agreement.officer_confirmed_by and agreement.grantee_confirmed_by
        accepted = agreement.reports.filter(state=ReportState.ACCEPTED)
        assert list(accepted.values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6]


def test_the_history_is_told_on_the_days_it_happened(seeded):
    tender = Tender.objects.get(service_type__code="disability-support")
    opened = AuditEntry.objects.filter(action="bids_opened", object_id=str(tender.pk)).get()

    assert opened.created_at > tender.submission_deadline
    assert opened.created_at < timezone.now() - datetime.timedelta(days=60)


def test_the_open_tender_accepts_a_complete_bid(seeded):
    tender = Tender.objects.get(service_type__code="family-crisis-support")
    provider = Provider.objects.get(registration_number="DEMO-NS-0001")
    admin = provider.memberships.get(role=MemberRole.ADMIN).user

    bid = bid_create(actor=admin, tender=tender)
    bid_proposal_save(
        actor=admin,
        bid=bid,
        answers={c.pk: "Crisis visits within a day." for c in tender.criteria.all()},
    )
    for member in provider.staff.all()[:3]:
        bid_staff_assign(actor=admin, bid=bid, staff_member=member)
    bid_budget_line_add(
        actor=admin, bid=bid, category="staff", description="Social workers", amount=150000
    )
    bid = bid_submit(actor=admin, bid=bid)

    assert tender.state == Tender.State.PUBLISHED
    assert bid.state == Bid.State.SUBMITTED


def test_loading_the_demo_again_changes_nothing(seeded):
    counts = (AuditEntry.objects.count(), Bid.objects.count(), PilotReport.objects.count())

    call_command("load_demo", force=True, stdout=io.StringIO())

    assert (AuditEntry.objects.count(), Bid.objects.count(), PilotReport.objects.count()) == (
        counts
    )


def test_the_history_notices_are_delivered_rather_than_left_as_a_backlog(seeded):
    start_of_today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    past = OutboxMessage.objects.filter(created_at__lt=start_of_today)

    assert past.exists()
    assert not past.filter(delivered_at__isnull=True).exists()
    assert Notification.objects.filter(recipient__username="yenme").exists()
