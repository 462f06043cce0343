"""The dashboard's figures against numbers worked out by hand from a small fixed set of pilots.

On 20 May 2026 (Ashgabat) there are three pilots and a draft:

* A1 — Balkan velayat, elderly home care, 120 000 TMT (staff 100 000, transport 20 000),
  monthly reports. Targets: 100 elderly people served, 60 people served in etrap E1, 500
  services to elderly people (not a service-user target). Report 1 (January) accepted, on time:
  10 new + 2 continuing in E1, 5 new in E2, spent 20 000 + 3 000. Report 2 (February) accepted,
  late: 7 new + 8 continuing in E1, spent 25 000 + 2 000. Report 3 (March) submitted, not
  accepted, late by two hours of Ashgabat time (on time by UTC's calendar): 50 new, 40 000.
  Report 4 (April) open and overdue. Tranches: 48 000 paid, 48 000 eligible, 24 000 scheduled.
* A2 — Lebap velayat, disability support, 80 000 TMT, quarterly, completed. Report 1 (Q3 2025)
  accepted on time: 12 new, 30 000. Report 2 (Q4) accepted late: 6 new + 10 continuing,
  45 000. Final report accepted on time: 20 new, 76 000 (it stands for the whole grant).
  Targets: 40 people with disabilities, 40 people in etrap E3. Tranches: 32 000 and 32 000
  paid, 16 000 approved.
* A3 — Balkan velayat, elderly home care, another provider, 50 000 TMT. Target: 30 elderly
  people in E1. Report 1 accepted on time: 3 new in E1, 4 000. Report 2 returned (4 new,
  5 000: not counted). Report 3 overdue, report 4 due on 25 May, report 5 cancelled.
  Tranches: 20 000 approved, 20 000 scheduled, 10 000 cancelled.
* A draft in Balkan velayat, which is not a pilot yet.
"""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine

from grants.dashboard import figures
from grants.models import (
    AgreementState,
    GrantBudgetLine,
    GrantTarget,
    ReportBeneficiaryCount,
    ReportExpenditure,
    ReportKind,
    ReportTargetValue,
    TargetMeasure,
)
from portal.models import ServiceType, TargetGroup, Velayat
from tests.factories.grants import GrantAgreementFactory, PilotReportFactory, TrancheFactory

ASHGABAT = zoneinfo.ZoneInfo("Asia/Ashgabat")
TODAY = datetime.date(2026, 5, 20)
STAFF = GrantBudgetLine.Category.STAFF


def moment(year, month, day, hour=10):
    return datetime.datetime(year, month, day, hour, tzinfo=ASHGABAT)


def on_the_day():
    """The clock stopped at noon on TODAY in Ashgabat."""
    return time_machine.travel(moment(2026, 5, 20, 12), tick=False)


def pilot(*, velayat, service, amount, lines, targets, **fields):
    """An agreement of its own provider (active in 2026 unless told otherwise) with budget
    lines and targets. ``targets`` holds (measure, target group or None, etrap or None, number)."""
    fields.setdefault("active", True)
    fields.setdefault("start_date", datetime.date(2026, 1, 1))
    fields.setdefault("end_date", datetime.date(2026, 12, 31))
    agreement = GrantAgreementFactory(
        plan=False,
        reports=False,
        amount=Decimal(amount),
        velayat=velayat,
        service_type=service,
        **fields,
    )
    agreement.budget_lines_by_name = {
        name: GrantBudgetLine.objects.create(
            agreement=agreement,
            position=position,
            category=STAFF,
            description=name,
            amount=Decimal(line_amount),
        )
        for position, (name, line_amount) in enumerate(lines.items(), start=1)
    }
    agreement.targets_in_order = [
        GrantTarget.objects.create(
            agreement=agreement,
            position=position,
            measure=measure,
            target_group=group,
            etrap=etrap,
            number=number,
        )
        for position, (measure, group, etrap, number) in enumerate(targets, start=1)
    ]
    return agreement


def report(agreement, number, *, period, due, cells=(), spent=None, values=(), **fields):
    """A report with its breakdown ``cells`` ((group, etrap, sex, age, new, continuing)), the
    ``spent`` amount per budget line name and ``values`` for the targets in order."""
    row = PilotReportFactory(
        agreement=agreement,
        number=number,
        period_start=period[0],
        period_end=period[1],
        due_date=due,
        filled=False,
        **fields,
    )
    for group, etrap, sex, age, new, continuing in cells:
        ReportBeneficiaryCount.objects.create(
            report=row,
            target_group=group,
            etrap=etrap,
            sex=sex,
            age_band=age,
            new=new,
            continuing=continuing,
        )
    for name, value in (spent or {}).items():
        ReportExpenditure.objects.create(
            report=row, budget_line=agreement.budget_lines_by_name[name], amount=Decimal(value)
        )
    for target, value in zip(agreement.targets_in_order, values, strict=False):
        ReportTargetValue.objects.create(report=row, target=target, value=value)
    return row


def month_of(year, month):
    start = datetime.date(year, month, 1)
    following = (start + datetime.timedelta(days=32)).replace(day=1)
    return start, following - datetime.timedelta(days=1)


class Pilots:
    """The fixed data set of the module docstring, with its reference data at hand."""

    def __init__(self):
        self.balkan = Velayat.objects.get(code="TM-B")
        self.lebap = Velayat.objects.get(code="TM-L")
        self.e1, self.e2 = list(self.balkan.etraps.order_by("name_tk")[:2])
        self.e3 = self.lebap.etraps.order_by("name_tk").first()
        self.elderly = TargetGroup.objects.get(code="elderly")
        self.disability = TargetGroup.objects.get(code="disability")
        self.home_care = ServiceType.objects.get(code="elderly-home-care")
        self.disability_support = ServiceType.objects.get(code="disability-support")
        self.a1 = self._a1()
        self.a2 = self._a2()
        self.a3 = self._a3()
        self.draft = pilot(
            velayat=self.balkan,
            service=self.home_care,
            amount="999999.00",
            lines={"Staff": "999999.00"},
            targets=[(TargetMeasure.BENEFICIARIES, self.elderly, None, 999)],
            active=False,
            draft=True,
        )

    def _a1(self):
        a1 = pilot(
            velayat=self.balkan,
            service=self.home_care,
            amount="120000.00",
            lines={"Staff": "100000.00", "Transport": "20000.00"},
            targets=[
                (TargetMeasure.BENEFICIARIES, self.elderly, None, 100),
                (TargetMeasure.BENEFICIARIES, None, self.e1, 60),
                (TargetMeasure.SERVICES, self.elderly, None, 500),
            ],
            reporting_frequency="monthly",
        )
        elderly, e1, e2 = self.elderly, self.e1, self.e2
        self.a1_reports = [
            report(
                a1,
                1,
                period=month_of(2026, 1),
                due=datetime.date(2026, 2, 15),
                accepted=True,
                first_submitted_at=moment(2026, 2, 10),
                cells=[
                    (elderly, e1, "female", "60_plus", 10, 2),
                    (elderly, e2, "male", "60_plus", 5, 0),
                ],
                spent={"Staff": "20000.00", "Transport": "3000.00"},
                values=[15, 10, 40],
            ),
            report(
                a1,
                2,
                period=month_of(2026, 2),
                due=datetime.date(2026, 3, 15),
                accepted=True,
                first_submitted_at=moment(2026, 3, 20),
                cells=[(elderly, e1, "female", "60_plus", 7, 8)],
                spent={"Staff": "25000.00", "Transport": "2000.00"},
                values=[7, 7, 60],
            ),
            report(
                a1,
                3,
                period=month_of(2026, 3),
                due=datetime.date(2026, 4, 15),
                submitted=True,
                first_submitted_at=moment(2026, 4, 16, hour=2),
                cells=[(elderly, e1, "female", "60_plus", 50, 0)],
                spent={"Staff": "40000.00"},
                values=[50, 50, 50],
            ),
            report(
                a1,
                4,
                period=month_of(2026, 4),
                due=datetime.date(2026, 5, 15),
                open=True,
                overdue_since=datetime.date(2026, 5, 16),
            ),
            report(
                a1,
                5,
                period=(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)),
                due=datetime.date(2027, 1, 15),
                kind=ReportKind.FINAL,
                scheduled=True,
            ),
        ]
        TrancheFactory(agreement=a1, position=1, amount=Decimal("48000.00"), paid=True)
        TrancheFactory(
            agreement=a1,
            position=2,
            amount=Decimal("48000.00"),
            eligible=True,
            report=self.a1_reports[1],
        )
        TrancheFactory(
            agreement=a1,
            position=3,
            amount=Decimal("24000.00"),
            scheduled=True,
            report=self.a1_reports[4],
        )
        return a1

    def _a2(self):
        a2 = pilot(
            velayat=self.lebap,
            service=self.disability_support,
            amount="80000.00",
            lines={"Staff": "80000.00"},
            targets=[
                (TargetMeasure.BENEFICIARIES, self.disability, None, 40),
                (TargetMeasure.BENEFICIARIES, None, self.e3, 40),
            ],
            active=False,
            completed=True,
            start_date=datetime.date(2025, 7, 1),
            end_date=datetime.date(2025, 12, 31),
        )
        disability, e3 = self.disability, self.e3
        report(
            a2,
            1,
            period=(datetime.date(2025, 7, 1), datetime.date(2025, 9, 30)),
            due=datetime.date(2025, 10, 15),
            accepted=True,
            first_submitted_at=moment(2025, 10, 10),
            cells=[(disability, e3, "male", "18_59", 12, 0)],
            spent={"Staff": "30000.00"},
            values=[12, 12],
        )
        report(
            a2,
            2,
            period=(datetime.date(2025, 10, 1), datetime.date(2025, 12, 31)),
            due=datetime.date(2026, 1, 15),
            accepted=True,
            first_submitted_at=moment(2026, 1, 20),
            cells=[(disability, e3, "female", "18_59", 6, 10)],
            spent={"Staff": "45000.00"},
            values=[6, 6],
        )
        report(
            a2,
            3,
            period=(datetime.date(2025, 7, 1), datetime.date(2025, 12, 31)),
            due=datetime.date(2026, 1, 15),
            kind=ReportKind.FINAL,
            accepted=True,
            first_submitted_at=moment(2026, 1, 14),
            cells=[
                (disability, e3, "male", "18_59", 9, 0),
                (disability, e3, "female", "18_59", 11, 0),
            ],
            spent={"Staff": "76000.00"},
            values=[20, 20],
        )
        TrancheFactory(agreement=a2, position=1, amount=Decimal("32000.00"), paid=True)
        TrancheFactory(agreement=a2, position=2, amount=Decimal("32000.00"), paid=True)
        TrancheFactory(agreement=a2, position=3, amount=Decimal("16000.00"), approved=True)
        return a2

    def _a3(self):
        a3 = pilot(
            velayat=self.balkan,
            service=self.home_care,
            amount="50000.00",
            lines={"Staff": "50000.00"},
            targets=[(TargetMeasure.BENEFICIARIES, self.elderly, self.e1, 30)],
            reporting_frequency="monthly",
        )
        elderly, e1 = self.elderly, self.e1
        report(
            a3,
            1,
            period=month_of(2026, 1),
            due=datetime.date(2026, 2, 15),
            accepted=True,
            first_submitted_at=moment(2026, 2, 12),
            cells=[(elderly, e1, "female", "60_plus", 3, 0)],
            spent={"Staff": "4000.00"},
            values=[3],
        )
        report(
            a3,
            2,
            period=month_of(2026, 2),
            due=datetime.date(2026, 3, 15),
            returned=True,
            first_submitted_at=moment(2026, 3, 10),
            cells=[(elderly, e1, "female", "60_plus", 4, 0)],
            spent={"Staff": "5000.00"},
            values=[4],
        )
        report(a3, 3, period=month_of(2026, 3), due=datetime.date(2026, 4, 15), open=True)
        report(a3, 4, period=month_of(2026, 4), due=datetime.date(2026, 5, 25), open=True)
        report(a3, 5, period=month_of(2026, 5), due=datetime.date(2026, 6, 15), cancelled=True)
        TrancheFactory(agreement=a3, position=1, amount=Decimal("20000.00"), approved=True)
        TrancheFactory(agreement=a3, position=2, amount=Decimal("20000.00"), scheduled=True)
        TrancheFactory(agreement=a3, position=3, amount=Decimal("10000.00"), cancelled=True)
        return a3


@pytest.fixture
def monitored(pilots, officer):
    return figures.dashboard_agreements(officer)


def by_name(rows):
    return {row.name_en: (row.target, row.reached, _rate(row.share)) for row in rows}


def _rate(value):
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"))


def test_the_dashboard_monitors_every_pilot_past_its_draft(pilots, monitored):
    assert set(monitored) == {pilots.a1, pilots.a2, pilots.a3}
    assert AgreementState.DRAFT not in {row.state for row in monitored}


def test_service_users_reached_against_targets_by_target_group(monitored):
    rows = by_name(figures.beneficiaries_by_target_group(monitored))

    assert rows == {
        "Elderly people": (130, 25, Decimal("19.2")),
        "People with disabilities": (40, 20, Decimal("50.0")),
    }


def test_service_users_reached_against_targets_by_etrap(pilots, monitored):
    rows = {
        row.pk: (row.target, row.reached, _rate(row.share))
        for row in figures.beneficiaries_by_etrap(monitored)
    }

    assert rows == {
        pilots.e1.pk: (90, 20, Decimal("22.2")),
        pilots.e2.pk: (0, 5, None),
        pilots.e3.pk: (40, 20, Decimal("50.0")),
    }


def test_service_users_over_time_count_accepted_period_reports_only(monitored):
    rows = [
        (row["month"], row["new_users"], row["continuing_users"], row["cumulative"])
        for row in figures.beneficiaries_over_time(monitored)
    ]

    assert rows == [
        (datetime.date(2025, 9, 1), 12, 0, 12),
        (datetime.date(2025, 12, 1), 6, 10, 18),
        (datetime.date(2026, 1, 1), 18, 2, 36),
        (datetime.date(2026, 2, 1), 7, 8, 43),
    ]


def test_report_deadlines_are_counted_in_ashgabat_time(monitored):
    assert figures.report_deadlines(monitored, TODAY) == {
        "on_time": 4,
        "late": 3,
        "due": 1,
        "overdue": 2,
        "returned": 1,
    }


def test_spending_burn_rate_and_tranches_per_agreement(pilots, monitored):
    rows = {
        row.pk: (
            row.spent,
            _rate(row.burn_rate),
            row.reached,
            row.tranches_due,
            row.tranches_paid,
            row.reports_overdue,
        )
        for row in figures.agreement_figures(monitored, TODAY)
    }

    assert rows == {
        pilots.a1.pk: (
            Decimal("50000"),
            Decimal("41.7"),
            22,
            Decimal("48000"),
            Decimal("48000"),
            1,
        ),
        pilots.a2.pk: (
            Decimal("76000"),
            Decimal("95.0"),
            20,
            Decimal("16000"),
            Decimal("64000"),
            0,
        ),
        pilots.a3.pk: (Decimal("4000"), Decimal("8.0"), 3, Decimal("20000"), Decimal("0"), 1),
    }


def test_totals_over_every_pilot(monitored):
    totals = figures.totals(monitored, TODAY)

    assert totals["agreements"] == 3
    assert totals["budget"] == Decimal("250000")
    assert totals["spent"] == Decimal("130000")
    assert _rate(totals["burn_rate"]) == Decimal("52.0")
    assert totals["reached"] == 45
    assert totals["tranches_due"] == Decimal("84000")
    assert totals["tranches_paid"] == Decimal("112000")
    assert totals["reports_overdue"] == 2


def test_tranches_due_and_paid(monitored):
    assert figures.tranche_figures(monitored) == {
        "eligible_count": 1,
        "eligible_amount": Decimal("48000"),
        "approved_count": 2,
        "approved_amount": Decimal("36000"),
        "paid_count": 3,
        "paid_amount": Decimal("112000"),
    }


@pytest.mark.parametrize("state", ["submitted", "resubmitted", "returned", "open", "cancelled"])
def test_a_report_not_accepted_adds_nothing(pilots, monitored, state):
    before = figures.totals(monitored, TODAY)
    with on_the_day():
        report(
            pilots.a3,
            9,
            period=month_of(2026, 5),
            due=datetime.date(2026, 6, 15),
            cells=[(pilots.elderly, pilots.e1, "male", "18_59", 40, 40)],
            spent={"Staff": "30000.00"},
            values=[40],
            first_submitted_at=None if state in ("open", "cancelled") else moment(2026, 5, 19),
            **{state: True},
        )

    after = figures.totals(monitored, TODAY)
    assert (after["spent"], after["reached"]) == (before["spent"], before["reached"])
    assert by_name(figures.beneficiaries_by_target_group(monitored))["Elderly people"][1] == 25
    assert [row["cumulative"] for row in figures.beneficiaries_over_time(monitored)][-1] == 43


def test_an_accepted_final_report_stands_for_its_whole_grant(pilots, monitored):
    a2 = figures.agreement_figures(monitored, TODAY).get(pk=pilots.a2.pk)

    # Not 12 + 6 + 20 new people and 30 000 + 45 000 + 76 000 TMT: the final report's figures.
    assert (a2.reached, a2.spent) == (20, Decimal("76000"))
