"""Grant agreements of the scale programme and two years of monthly reports each.

The agreements come from the grants factory (budget, targets, tranche plan, signed file); the
reports and their breakdowns are bulk inserted with the states and timestamps of the report
factory's traits, filled the way ``fill_report`` fills them but spread over sexes, ages and
the agreement's etraps."""

import datetime
from decimal import Decimal
from itertools import islice

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from grants.models import (
    AgreementState,
    PilotReport,
    ReportBeneficiaryCount,
    ReportExpenditure,
    ReportKind,
    ReportServiceCount,
    ReportState,
    ReportTargetValue,
    ServiceKind,
    Tranche,
    TrancheCondition,
)
from grants.schedule import final_period, reporting_periods

# One agreement in twenty is suspended, one completed, one terminated; the rest are active.
AGREEMENT_STATES = [
    AgreementState.SUSPENDED,
    AgreementState.COMPLETED,
    AgreementState.TERMINATED,
] + [AgreementState.ACTIVE] * 17
SEXES = ("female", "male")
AGE_BANDS = ("0_17", "18_59", "60_plus")


# Agreements are built this many at a time, their reports inserted together.
BATCH = 40


def build_grants(plan, winners, people, progress):
    """``plan.grants`` agreements, from the best bids of the completed evaluations in turn,
    confirmed by the first grant officer and the grantee's admin."""
    officer = people.grant_officers[0]
    bids = list(islice((bid for pair in winners for bid in pair), plan.grants))
    for start in range(0, len(bids), BATCH):
        with transaction.atomic():
            agreements = [
                _agreement(start + n, bid, officer)
                for n, bid in enumerate(bids[start : start + BATCH])
            ]
            _reports(agreements, plan.reports_per_grant)
        progress("grant agreements", start + len(agreements), len(bids))


def _agreement(n, bid, officer):
    from tests.factories.grants import GrantAgreementFactory

    state = AGREEMENT_STATES[n % len(AGREEMENT_STATES)]
    months = 25 if state == AgreementState.COMPLETED else 1 + n % 20
    today = timezone.localdate()
    start = _months_before(today.replace(day=1), months)
    end = _months_before(start, -24) - datetime.timedelta(days=1)
    return GrantAgreementFactory(
        **{state: True},
        reference=f"GA-SCALE-{n + 1:05d}",
        bid=bid,
        amount=Decimal(240000 + 1000 * (n % 200)),
        start_date=start,
        end_date=end,
        reporting_frequency="monthly",
        reports=False,
        officer_confirmed_by=officer,
        grantee_confirmed_by=bid.provider.scale_admin,
    )


def _months_before(day, months):
    month = day.year * 12 + day.month - 1 - months
    return day.replace(year=month // 12, month=month % 12 + 1)


def _reports(agreements, count):
    """``count`` monthly reports of each of ``agreements``, the last one final, in the states
    of the report factory's traits; tranches tied to a report point at theirs."""
    prefetch_related_objects(
        agreements, "target_groups", "etraps", "targets", "budget_lines", "tranches"
    )
    now = timezone.now()
    today = timezone.localdate()
    reports = []
    for agreement in agreements:
        periods = reporting_periods(
            agreement.start_date, agreement.end_date, "monthly", agreement.report_due_days
        )[: count - 1]
        periods.append(
            final_period(
                agreement.start_date,
                agreement.end_date,
                agreement.report_due_days,
                len(periods) + 1,
            )
        )
        reports += [
            PilotReport(
                agreement=agreement,
                kind=ReportKind.FINAL if period.number == len(periods) else ReportKind.PERIOD,
                number=period.number,
                period_start=period.start,
                period_end=period.end,
                due_date=period.due,
                **_report_state(agreement, period, today, now),
            )
            for period in periods
        ]
    parts = _fill([r for r in reports if r.state in FILLED])
    PilotReport.objects.bulk_create(reports, batch_size=2000)
    for model, rows in parts.items():
        model.objects.bulk_create(rows, batch_size=2000)
    by_number = {(report.agreement_id, report.number): report for report in reports}
    last = {
        report.agreement_id: report.number for report in reports if report.kind == ReportKind.FINAL
    }
    tranches = []
    for agreement in agreements:
        for tranche in agreement.tranches.all():
            if tranche.condition == TrancheCondition.SIGNING:
                continue
            number = (
                tranche.period_number
                if tranche.condition == TrancheCondition.PERIOD_REPORT
                else last[agreement.pk]
            )
            tranche.report = by_number[agreement.pk, number]
            tranches.append(tranche)
    Tranche.objects.bulk_update(tranches, ["report"])


FILLED = {ReportState.SUBMITTED, ReportState.ACCEPTED, ReportState.RETURNED}


def _report_state(agreement, period, today, now):
    """The report factory's trait for a period of ``agreement`` as of ``today``."""
    if agreement.state == AgreementState.COMPLETED:
        return _accepted(now)
    if period.end < today - datetime.timedelta(days=45):
        return _accepted(now)
    if agreement.state == AgreementState.TERMINATED:
        return {"state": ReportState.CANCELLED, "cancelled_at": now}
    if period.end < today:
        if period.number % 7 == 0:
            return {
                "state": ReportState.RETURNED,
                "submitted_at": now,
                "first_submitted_at": now,
                "returned_at": now,
                "review_round": 1,
            }
        return {"state": ReportState.SUBMITTED, "submitted_at": now, "first_submitted_at": now}
    if period.start <= today:
        return {
            "state": ReportState.OPEN,
            "opened_at": now,
            "next_reminder_on": period.due - datetime.timedelta(days=7),
        }
    return {"state": ReportState.SCHEDULED}


def _accepted(now):
    return {
        "state": ReportState.ACCEPTED,
        "submitted_at": now,
        "first_submitted_at": now,
        "accepted_at": now,
    }


def _fill(reports):
    """Consistent content for each report, set on the unsaved rows: totals equal to the sum
    of the cells. Return the breakdown rows of each model, to insert once the reports are."""
    cells, services, values, spent = [], [], [], []
    for report in reports:
        agreement = report.agreement
        groups = list(agreement.target_groups.all())
        etraps = list(agreement.etraps.all())
        targets = list(agreement.targets.all())
        lines = list(agreement.budget_lines.all())
        new_total = continuing_total = 0
        for index, group in enumerate(groups):
            for sex in SEXES:
                new, continuing = 1 + (report.number + index) % 4, 2 + index % 3
                cells.append(
                    ReportBeneficiaryCount(
                        report=report,
                        target_group=group,
                        etrap=etraps[(report.number + index) % len(etraps)],
                        sex=sex,
                        age_band=AGE_BANDS[(report.number + index) % len(AGE_BANDS)],
                        new=new,
                        continuing=continuing,
                    )
                )
                new_total += new
                continuing_total += continuing
        report.beneficiaries_new, report.beneficiaries_continuing = new_total, continuing_total
        report.cases_opened, report.cases_active, report.cases_closed = 3, 4, 1
        report.achievements = "Twelve older people now get help at home twice a week."
        report.challenges = "Two social workers were ill for a week."
        report.changes_observed = "Fewer emergency calls from the people supported."
        services += [
            ReportServiceCount(report=report, kind=ServiceKind.HOME_VISIT, count=10),
            ReportServiceCount(report=report, kind=ServiceKind.REFERRAL, count=2),
        ]
        values += [ReportTargetValue(report=report, target=target, value=5) for target in targets]
        spent += [
            ReportExpenditure(report=report, budget_line=line, amount=Decimal("9000.00"))
            for line in lines
        ]
    return {
        ReportBeneficiaryCount: cells,
        ReportServiceCount: services,
        ReportTargetValue: values,
        ReportExpenditure: spent,
    }
