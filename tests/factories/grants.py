"""Grant agreements, reports and tranches, one trait per state.

``GrantAgreementFactory()`` is a draft made from a submitted bid: 120 000 TMT over twelve months
from the first day of this month, quarterly reports, a budget line for the whole amount, a
target of 100 for each target group, the 40/40/20 tranche plan. ``ready=True`` adds the signed
file, so both sides can confirm, and ``confirmed=True`` both confirmations (the ministry's by the
first grant officer there is). ``signed``, ``active``, ``suspended``, ``completed`` and
``terminated`` give agreements past signing, with their reporting schedule (``reports=False``
leaves it out) and tranches in the states those imply.

``PilotReportFactory(open=True, filled=True)`` is an open report with complete content of an
active agreement without other reports (reports past submission are filled by default).
``grantee_admin(agreement)`` is an admin of the grantee.
"""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from grants.models import (
    AgreementDocument,
    AgreementState,
    GrantAgreement,
    GrantBudgetLine,
    GrantTarget,
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
    TrancheState,
)
from grants.schedule import final_period, middle_period, reporting_periods
from grants.selectors import grant_officers
from grants.services.tranche_plan import split_amount
from portal.documents.storage import store
from providers.models import MemberRole
from tests.factories.documents import upload
from tests.factories.portal import UserFactory
from tests.factories.providers import admin_of, member_of
from tests.factories.tenders import BidFactory

NOW = factory.LazyFunction(timezone.now)
AMOUNT = Decimal("120000.00")
PLAN = (
    (Decimal("40"), TrancheCondition.SIGNING),
    (Decimal("40"), TrancheCondition.PERIOD_REPORT),
    (Decimal("20"), TrancheCondition.FINAL_REPORT),
)


def first_of_this_month():
    return timezone.localdate().replace(day=1)


def a_year_from(start):
    return start.replace(year=start.year + 1) - datetime.timedelta(days=1)


def grantee_admin(agreement):
    return admin_of(agreement.grantee)


def grantee_member(agreement, role=MemberRole.EDITOR, **user_fields):
    return member_of(agreement.grantee, role, **user_fields)


def officer(**user_fields):
    return UserFactory(grant_officer=True, **user_fields)


def any_officer():
    """A grant officer already there (so tests know who hears of what), else a new one."""
    return grant_officers().first() or officer()


class GrantAgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GrantAgreement
        skip_postgeneration_save = True

    class Params:
        draft = factory.Trait(state=AgreementState.DRAFT)
        signed = factory.Trait(state=AgreementState.SIGNED, signed_at=NOW, confirmed=True)
        active = factory.Trait(
            state=AgreementState.ACTIVE, signed_at=NOW, activated_at=NOW, confirmed=True
        )
        suspended = factory.Trait(
            state=AgreementState.SUSPENDED,
            signed_at=NOW,
            activated_at=NOW,
            state_reason="Services stopped for an inspection.",
            confirmed=True,
        )
        completed = factory.Trait(
            state=AgreementState.COMPLETED,
            signed_at=NOW,
            activated_at=NOW,
            completed_at=NOW,
            confirmed=True,
        )
        terminated = factory.Trait(
            state=AgreementState.TERMINATED,
            signed_at=NOW,
            terminated_at=NOW,
            state_reason="The organisation stopped the service.",
            confirmed=True,
        )
        confirmed = factory.Trait(
            officer_confirmed_by=factory.LazyFunction(lambda: any_officer()),
            officer_confirmed_at=NOW,
            grantee_confirmed_by=factory.LazyAttribute(lambda a: admin_of(a.grantee)),
            grantee_confirmed_at=NOW,
        )

    reference = factory.Sequence(lambda n: f"GA-TEST-{n:04d}")
    bid = factory.SubFactory(BidFactory, submitted=True)
    grantee = factory.LazyAttribute(lambda agreement: agreement.bid.provider)
    amount = AMOUNT
    start_date = factory.LazyFunction(first_of_this_month)
    end_date = factory.LazyAttribute(lambda agreement: a_year_from(agreement.start_date))
    service_type = factory.LazyAttribute(lambda agreement: agreement.bid.tender.service_type)
    velayat = factory.LazyAttribute(lambda agreement: agreement.bid.tender.velayat)
    reporting_frequency = "quarterly"
    report_due_days = 15
    state = AgreementState.DRAFT

    @factory.post_generation
    def coverage(agreement, create, extracted, **kwargs):
        """The tender's target groups and the first two etraps of its velayat."""
        if create:
            agreement.target_groups.set(agreement.bid.tender.target_groups.all())
            agreement.etraps.set(agreement.velayat.etraps.all()[:2])

    @factory.post_generation
    def plan(agreement, create, extracted, **kwargs):
        """Budget, targets and tranche plan (``plan=False`` leaves them out)."""
        if not create or extracted is False:
            return
        GrantBudgetLine.objects.create(
            agreement=agreement,
            position=1,
            category=GrantBudgetLine.Category.STAFF,
            description="Two social workers for twelve months",
            amount=agreement.amount,
        )
        for position, group in enumerate(agreement.target_groups.all(), start=1):
            GrantTarget.objects.create(
                agreement=agreement, position=position, target_group=group, number=100
            )
        middle = middle_period(
            agreement.start_date, agreement.end_date, agreement.reporting_frequency
        )
        amounts = split_amount(agreement.amount, [share for share, _c in PLAN])
        for position, ((share, condition), amount) in enumerate(
            zip(PLAN, amounts, strict=True), start=1
        ):
            Tranche.objects.create(
                agreement=agreement,
                position=position,
                percentage=share,
                amount=amount,
                condition=condition,
                period_number=middle if condition == TrancheCondition.PERIOD_REPORT else None,
                **_tranche_state(agreement.state, condition),
            )

    @factory.post_generation
    def ready(agreement, create, extracted, **kwargs):
        """The signed file: ``ready=True`` for a draft; always past signing."""
        if create and (extracted or agreement.state != AgreementState.DRAFT):
            add_agreement_file(agreement)

    @factory.post_generation
    def reports(agreement, create, extracted, **kwargs):
        """The reporting schedule of an agreement past signing (``reports=False``: none)."""
        if not create or extracted is False or agreement.state == AgreementState.DRAFT:
            return
        state = {
            AgreementState.COMPLETED: ReportState.ACCEPTED,
            AgreementState.TERMINATED: ReportState.CANCELLED,
        }.get(agreement.state, ReportState.SCHEDULED)
        periods = reporting_periods(
            agreement.start_date,
            agreement.end_date,
            agreement.reporting_frequency,
            agreement.report_due_days,
        )
        periods.append(
            final_period(
                agreement.start_date,
                agreement.end_date,
                agreement.report_due_days,
                len(periods) + 1,
            )
        )
        for period in periods:
            PilotReport.objects.create(
                agreement=agreement,
                kind=ReportKind.FINAL if period.number == len(periods) else ReportKind.PERIOD,
                number=period.number,
                period_start=period.start,
                period_end=period.end,
                due_date=period.due,
                state=state,
            )
        reports = {report.number: report for report in agreement.reports.all()}
        for tranche in agreement.tranches.exclude(condition=TrancheCondition.SIGNING):
            tranche.report = reports[
                tranche.period_number
                if tranche.condition == TrancheCondition.PERIOD_REPORT
                else len(periods)
            ]
            tranche.save(update_fields=["report"])


def _tranche_state(agreement_state, condition):
    if agreement_state == AgreementState.DRAFT:
        return {}
    if agreement_state == AgreementState.COMPLETED or condition == TrancheCondition.SIGNING:
        return {"state": TrancheState.ELIGIBLE, "eligible_at": timezone.now()}
    if agreement_state == AgreementState.TERMINATED:
        return {"state": TrancheState.CANCELLED, "cancelled_at": timezone.now()}
    return {}


def add_agreement_file(agreement, *, name="agreement-signed.pdf", uploaded_by=None):
    stored = store(upload("pdf", name=name), prefix=AgreementDocument.upload_prefix)
    document = AgreementDocument.from_stored(stored, uploaded_by=uploaded_by, agreement=agreement)
    document.save()
    return document


SUBMITTED_STATES = (
    ReportState.SUBMITTED,
    ReportState.RETURNED,
    ReportState.RESUBMITTED,
    ReportState.ACCEPTED,
)


def _period_end(start):
    following = (start.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    return following - datetime.timedelta(days=1)


class PilotReportFactory(factory.django.DjangoModelFactory):
    """A period report (``final=True``: the final report) of an active agreement that has no
    schedule of its own, for the month starting on the agreement's start date."""

    class Meta:
        model = PilotReport
        skip_postgeneration_save = True

    class Params:
        scheduled = factory.Trait(state=ReportState.SCHEDULED)
        open = factory.Trait(
            state=ReportState.OPEN,
            opened_at=NOW,
            next_reminder_on=factory.LazyAttribute(
                lambda report: report.due_date - datetime.timedelta(days=7)
            ),
        )
        overdue = factory.Trait(
            state=ReportState.OPEN,
            opened_at=NOW,
            due_date=factory.LazyFunction(
                lambda: timezone.localdate() - datetime.timedelta(days=3)
            ),
            overdue_since=factory.LazyAttribute(
                lambda report: report.due_date + datetime.timedelta(days=1)
            ),
            next_reminder_on=factory.LazyAttribute(
                lambda report: report.due_date + datetime.timedelta(days=8)
            ),
        )
        submitted = factory.Trait(
            state=ReportState.SUBMITTED, submitted_at=NOW, first_submitted_at=NOW
        )
        returned = factory.Trait(
            state=ReportState.RETURNED,
            submitted_at=NOW,
            first_submitted_at=NOW,
            returned_at=NOW,
            review_round=1,
        )
        resubmitted = factory.Trait(
            state=ReportState.RESUBMITTED,
            submitted_at=NOW,
            first_submitted_at=NOW,
            returned_at=NOW,
            review_round=1,
        )
        accepted = factory.Trait(
            state=ReportState.ACCEPTED, submitted_at=NOW, first_submitted_at=NOW, accepted_at=NOW
        )
        cancelled = factory.Trait(state=ReportState.CANCELLED, cancelled_at=NOW)
        final = factory.Trait(
            kind=ReportKind.FINAL,
            period_end=factory.LazyAttribute(lambda report: report.agreement.end_date),
        )

    agreement = factory.SubFactory(GrantAgreementFactory, active=True, reports=False)
    kind = ReportKind.PERIOD
    number = factory.Sequence(lambda n: n + 1)
    period_start = factory.LazyAttribute(lambda report: report.agreement.start_date)
    period_end = factory.LazyAttribute(lambda report: _period_end(report.period_start))
    due_date = factory.LazyAttribute(lambda report: report.period_end + datetime.timedelta(days=15))
    state = ReportState.SCHEDULED

    @factory.post_generation
    def filled(report, create, extracted, **kwargs):
        """Complete, consistent content that passes every check: by default for a report past
        submission; ``filled=True`` or ``False`` decides."""
        if not create:
            return
        if extracted if extracted is not None else report.state in SUBMITTED_STATES:
            fill_report(report)


def fill_report(report, *, new=3, continuing=2, spent=Decimal("1000.00")):
    """Give ``report`` complete content: one breakdown cell holding every service user, cases,
    ten home visits, a value of 5 for every target, ``spent`` on every budget line and the
    narrative."""
    agreement = report.agreement
    PilotReport.objects.filter(pk=report.pk).update(
        beneficiaries_new=new,
        beneficiaries_continuing=continuing,
        cases_opened=3,
        cases_active=4,
        cases_closed=1,
        achievements="Twelve older people now get help at home twice a week.",
        challenges="Two social workers were ill for a week.",
        changes_observed="Fewer emergency calls from the people supported.",
    )
    ReportBeneficiaryCount.objects.create(
        report=report,
        target_group=agreement.target_groups.first(),
        etrap=agreement.etraps.first(),
        sex="female",
        age_band="60_plus",
        new=new,
        continuing=continuing,
    )
    ReportServiceCount.objects.create(report=report, kind=ServiceKind.HOME_VISIT, count=10)
    for target in agreement.targets.all():
        ReportTargetValue.objects.create(report=report, target=target, value=5)
    for line in agreement.budget_lines.all():
        ReportExpenditure.objects.create(report=report, budget_line=line, amount=spent)
    report.refresh_from_db()
    return report


class TrancheFactory(factory.django.DjangoModelFactory):
    """A 10 % tranche of an active agreement, released by signing unless ``report`` is given."""

    class Meta:
        model = Tranche

    class Params:
        scheduled = factory.Trait(state=TrancheState.SCHEDULED)
        eligible = factory.Trait(state=TrancheState.ELIGIBLE, eligible_at=NOW)
        approved = factory.Trait(state=TrancheState.APPROVED, eligible_at=NOW, approved_at=NOW)
        paid = factory.Trait(
            state=TrancheState.PAID,
            eligible_at=NOW,
            approved_at=NOW,
            paid_on=factory.LazyFunction(timezone.localdate),
            payment_reference="PP-2026-0001",
        )
        cancelled = factory.Trait(state=TrancheState.CANCELLED, cancelled_at=NOW)

    agreement = factory.SubFactory(GrantAgreementFactory, active=True, plan=False, reports=False)
    position = factory.Sequence(lambda n: n + 1)
    percentage = Decimal("10")
    amount = factory.LazyAttribute(lambda tranche: tranche.agreement.amount / 10)
    condition = factory.LazyAttribute(
        lambda tranche: (
            TrancheCondition.PERIOD_REPORT if tranche.report else TrancheCondition.SIGNING
        )
    )
    period_number = factory.LazyAttribute(
        lambda tranche: tranche.report.number if tranche.report else None
    )
    report = None
    state = TrancheState.SCHEDULED
