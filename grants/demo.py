"""Demo data of the seed programme's grants: three pilot services running for half a year.

The final awards of the Ashgabat pilot tenders (``tenders.demo_evaluation``) made three draft
grant agreements. Here, through the normal services and on the days they happened, the grant
officer sets monthly reporting, the targets and the tranche plan, both sides confirm the
signed PDF, the signing tranche is approved and paid, each agreement starts, and the grantees
report six months of service which the officer accepts; the acceptance of the third report
releases the second tranche, which is approved and paid. The figures add up, across the three
services, to the seed programme's: more than 500 cases and 2,500 people reached, about 40 %
of them children and 9 % elderly people, in four of Ashgabat's etraps.

Steps already taken are skipped, so a repeat changes nothing. Without the moved clock (see
``tenders.demo_evaluation.history_available``) there are no agreements and nothing to do.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.files.base import ContentFile
from django.db import transaction

from grants.models import (
    AgeBand,
    AgreementState,
    GrantAgreement,
    ReportKind,
    ReportState,
    ServiceKind,
    Sex,
    TargetMeasure,
    TrancheCondition,
    TrancheState,
)
from grants.services.draft import (
    agreement_set_targets,
    agreement_set_tranches,
    agreement_update_terms,
    agreement_upload_document,
)
from grants.services.lifecycle import agreement_activate
from grants.services.report_deadlines import report_open
from grants.services.report_entry import BeneficiaryCell, ReportContent, report_save
from grants.services.report_review import report_accept, report_submit
from grants.services.signing import agreement_confirm_signature
from grants.services.tranche import tranche_approve, tranche_record_payment
from providers.demo import demo_pdf
from providers.models import MemberRole
from tenders.demo import TENDERS
from tenders.demo_evaluation import (
    LANGUAGE,
    PERIODS,
    Timeline,
    at,
    deliver_past_notices,
    history_available,
    moment,
)

OFFICER_USERNAME = "grants"
# With four eyes the officer who approves a tranche cannot record its payment.
CASHIER_USERNAME = "payments"
# New service users per month, as shares of the half-year's total: the services grew as the
# etrap social workers referred more people.
MONTHS = (10, 14, 17, 19, 20, 20)
AGE_BANDS = (AgeBand.CHILD, AgeBand.WORKING_AGE, AgeBand.OLDER)
SEXES = ((Sex.FEMALE, 55), (Sex.MALE, 45))
ETRAP_WEIGHTS = (4, 3, 3, 2)
# Each month's spending on a budget line, as a share of a twelfth of it: slower at first, while
# the teams were still growing.
SPENDING = tuple(Decimal(share) for share in ("0.80", "0.95", "1.00", "1.05", "1.05", "1.00"))
SECOND_TRANCHE_PERIOD = 3

# Per service: people reached over the six months (service users and the family members
# their cases include), cases opened, the share of each age band (children, 18-59, 60+), the
# year's target of people reached, and services per person served in a month.
PROFILES = {
    "chronic-illness-support": {
        "people": 1050,
        "cases": 210,
        "ages": (38, 55, 7),
        "target": 1800,
        "services": {
            ServiceKind.HOME_VISIT: Decimal("2.4"),
            ServiceKind.ACCOMPANYING: Decimal("0.5"),
            ServiceKind.DOCUMENTS: Decimal("0.3"),
            ServiceKind.REFERRAL: Decimal("0.2"),
        },
    },
    "disability-support": {
        "people": 1000,
        "cases": 190,
        "ages": (52, 44, 4),
        "target": 1700,
        "services": {
            ServiceKind.HOME_VISIT: Decimal("1.6"),
            ServiceKind.ACCOMPANYING: Decimal("0.7"),
            ServiceKind.DOCUMENTS: Decimal("0.4"),
            ServiceKind.REFERRAL: Decimal("0.3"),
            ServiceKind.OTHER: Decimal("0.5"),
        },
    },
    "elderly-home-care": {
        "people": 560,
        "cases": 140,
        "ages": (26, 50, 24),
        "target": 1000,
        "services": {
            ServiceKind.HOME_VISIT: Decimal("3.2"),
            ServiceKind.ACCOMPANYING: Decimal("0.6"),
            ServiceKind.DOCUMENTS: Decimal("0.2"),
            ServiceKind.CRISIS: Decimal("0.1"),
        },
    },
}
# Each grantee reports in its working language (``tenders.demo_evaluation.LANGUAGE``).
NARRATIVE = {
    "ru": {
        "achievements": (
            "За {n}-й месяц впервые охвачено {new} человек, открыто {cases} новых случаев по "
            "направлениям специалистов по социальной работе этрапов; на каждый случай "
            "составлен индивидуальный план."
        ),
        "challenges": (
            "Поначалу некоторые семьи неохотно пускали работника по уходу в дом; дорога между "
            "отдалёнными районами этрапов отнимает у персонала много времени."
        ),
        "changes_observed": (
            "Получатели услуг меньше страдают от одиночества и соблюдают лечение; "
            "родственники, которые за ними ухаживают, говорят, что могут вернуться на работу "
            "на часть дня."
        ),
    },
    "tk": {
        "achievements": (
            "Şu aýda {new} adama ilkinji gezek hyzmat edildi, etraplaryň durmuş işi boýunça "
            "hünärmenleriniň ugrukdyrmagy bilen {cases} sany täze iş açyldy; her iş boýunça "
            "aýratyn meýilnama düzüldi."
        ),
        "challenges": (
            "Başda käbir maşgalalar ideg işgärini öýüne goýbermäge ikirjiňlenýärdi; etraplaryň "
            "çetki ýerleriniň arasyndaky ýol işgärleriň köp wagtyny alýar."
        ),
        "changes_observed": (
            "Hyzmat alýanlar özlerini az ýalňyz duýýarlar we bejergini yzygiderli dowam "
            "etdirýärler; olara ideg edýän maşgala agzalary günüň bir böleginde işe gaýdyp "
            "bilýändiklerini aýdýarlar."
        ),
    },
}
OTHER_SERVICES = "Öýde reabilitasiýa maşklary we yşarat dilinden terjime."
ACCEPTANCE_NOTE = "Işleriň resminamalary bilen deňeşdirilip barlandy."


def build(demo):
    """The ``load_demo`` builder: take every pilot agreement as far as the history goes."""
    if not history_available():
        return
    officer = demo.users.get(OFFICER_USERNAME)
    cashier = demo.users.get(CASHIER_USERNAME)
    titles = [spec["title_en"] for spec in TENDERS[:3]]
    agreements = GrantAgreement.objects.filter(bid__tender__title_en__in=titles).order_by("pk")
    for agreement in agreements:
        with transaction.atomic():
            agreement = run_agreement(agreement, officer, cashier)
        demo.stdout.write(
            f"Grant {agreement.reference} {agreement.grantee.name_en}: "
            f"{agreement.get_state_display()}\n"
        )
    deliver_past_notices()


def run_agreement(agreement, officer, cashier):
    """Sign, start and report on ``agreement`` up to where its history has reached."""
    timeline = Timeline(agreement.bid.tender.grant_start)
    grantee_admin = agreement.grantee.memberships.filter(role=MemberRole.ADMIN).first().user
    profile = PROFILES[agreement.service_type.code]
    signing_day = timeline.start - datetime.timedelta(days=14)
    if agreement.state == AgreementState.DRAFT:
        with at(moment(signing_day, 11)):
            agreement = _prepare(agreement, officer, profile)
            agreement = agreement_confirm_signature(
                actor=officer, agreement=agreement, seen_version=agreement.version
            )
        with at(moment(signing_day, 15)):
            agreement = agreement_confirm_signature(actor=grantee_admin, agreement=agreement)
    _pay(agreement, 1, (officer, cashier), signing_day + datetime.timedelta(days=4))
    if agreement.state == AgreementState.SIGNED:
        with at(moment(timeline.start, 9)):
            agreement = agreement_activate(actor=officer, agreement=agreement)
    figures = monthly_figures(agreement, profile)
    reports = agreement.reports.filter(kind=ReportKind.PERIOD, number__lte=PERIODS)
    for report, month in zip(reports.order_by("number"), figures, strict=True):
        _report(report, month, officer, grantee_admin)
        if report.number == SECOND_TRANCHE_PERIOD:
            _pay(agreement, 2, (officer, cashier), report.period_end + datetime.timedelta(days=10))
    agreement.refresh_from_db()
    return agreement


def _prepare(agreement, officer, profile):
    agreement = agreement_update_terms(
        actor=officer,
        agreement=agreement,
        start_date=agreement.start_date,
        end_date=agreement.end_date,
        reporting_frequency="monthly",
        report_due_days=10,
        seen_version=agreement.version,
    )
    group = agreement.target_groups.get()
    etraps = list(agreement.etraps.order_by("name_tk"))
    people = split(profile["target"], ETRAP_WEIGHTS[: len(etraps)])
    agreement = agreement_set_targets(
        actor=officer,
        agreement=agreement,
        targets=[
            {
                "measure": TargetMeasure.BENEFICIARIES,
                "target_group": group,
                "number": profile["target"],
            },
            *(
                {"measure": TargetMeasure.BENEFICIARIES, "etrap": etrap, "number": number}
                for etrap, number in zip(etraps, people, strict=True)
            ),
        ],
        seen_version=agreement.version,
    )
    agreement = agreement_set_tranches(
        actor=officer,
        agreement=agreement,
        tranches=[
            {"percentage": Decimal(40), "condition": TrancheCondition.SIGNING},
            {
                "percentage": Decimal(40),
                "condition": TrancheCondition.PERIOD_REPORT,
                "period_number": SECOND_TRANCHE_PERIOD,
            },
            {"percentage": Decimal(20), "condition": TrancheCondition.FINAL_REPORT},
        ],
        seen_version=agreement.version,
    )
    signed = ContentFile(
        demo_pdf(f"Grant agreement {agreement.reference}, signed by both parties"),
        name=f"{agreement.reference}-signed.pdf",
    )
    return agreement_upload_document(
        actor=officer, agreement=agreement, uploaded_file=signed, seen_version=agreement.version
    )


def _pay(agreement, position, officers, day):
    officer, cashier = officers
    tranche = agreement.tranches.get(position=position)
    if tranche.state == TrancheState.ELIGIBLE:
        with at(moment(day, 10)):
            tranche = tranche_approve(actor=officer, tranche=tranche)
    if tranche.state == TrancheState.APPROVED:
        paid_on = day + datetime.timedelta(days=3)
        with at(moment(paid_on, 16)):
            tranche_record_payment(
                actor=cashier,
                tranche=tranche,
                paid_on=paid_on,
                reference=f"{agreement.reference}/T{position}",
            )


def _report(report, content, officer, writer):
    end = report.period_end
    if report.state == ReportState.SCHEDULED:
        when = moment(end + datetime.timedelta(days=1), 9)
        with at(when):
            report = report_open(report=report, now=when)
    if report.state == ReportState.OPEN:
        with at(moment(end + datetime.timedelta(days=5), 11)):
            report = report_save(
                actor=writer, report=report, content=content, seen_version=report.version
            )
            report = report_submit(actor=writer, report=report)
    if report.state == ReportState.SUBMITTED:
        with at(moment(end + datetime.timedelta(days=9), 10)):
            report_accept(actor=officer, report=report, note=ACCEPTANCE_NOTE)


def monthly_figures(agreement, profile):
    """The ``ReportContent`` of each of the first ``PERIODS`` monthly reports of
    ``agreement`` for the service ``profile``."""
    group = agreement.target_groups.get()
    etraps = list(agreement.etraps.order_by("name_tk"))
    targets = list(agreement.targets.order_by("position"))
    lines = list(agreement.budget_lines.order_by("position"))
    narrative = NARRATIVE[LANGUAGE[agreement.grantee.registration_number]]
    people = split(profile["people"], MONTHS)
    cases = split(profile["cases"], MONTHS)
    served = {}
    opened = closed = 0
    contents = []
    for n, (new_people, new_cases) in enumerate(zip(people, cases, strict=True), start=1):
        cells = []
        for band, by_band in zip(AGE_BANDS, split(new_people, profile["ages"]), strict=True):
            by_etrap = split(by_band, ETRAP_WEIGHTS[: len(etraps)])
            for etrap, in_etrap in zip(etraps, by_etrap, strict=True):
                for (sex, _share), count in zip(
                    SEXES, split(in_etrap, [s for _x, s in SEXES]), strict=True
                ):
                    key = (band, etrap.pk, sex)
                    before = served.get(key, 0)
                    cells.append(
                        BeneficiaryCell(
                            target_group=group,
                            etrap=etrap,
                            sex=sex,
                            age_band=band,
                            new=count,
                            continuing=_share_of(before, Decimal("0.85")),
                        )
                    )
                    served[key] = before + count
        closing = _share_of(opened, Decimal("0.25")) - closed
        opened, closed = opened + new_cases, closed + closing
        continuing = sum(cell.continuing for cell in cells)
        by_etrap_new = {etrap.pk: 0 for etrap in etraps}
        for cell in cells:
            by_etrap_new[cell.etrap.pk] += cell.new
        contents.append(
            ReportContent(
                beneficiaries_new=new_people,
                beneficiaries_continuing=continuing,
                beneficiaries=tuple(cells),
                cases_opened=new_cases,
                cases_active=opened - closed,
                cases_closed=closing,
                services={
                    kind: _share_of(new_people + continuing, rate)
                    for kind, rate in profile["services"].items()
                },
                services_other_description=(
                    OTHER_SERVICES if ServiceKind.OTHER in profile["services"] else ""
                ),
                target_values={
                    target.pk: by_etrap_new[target.etrap_id] if target.etrap_id else new_people
                    for target in targets
                },
                expenditures={
                    line.pk: (
                        (line.amount / 12 * SPENDING[n - 1]).quantize(Decimal("0.01")),
                        "",
                    )
                    for line in lines
                },
                **{
                    name: text.format(n=n, new=new_people, cases=new_cases)
                    for name, text in narrative.items()
                },
            )
        )
    return contents


def split(total, weights):
    """``total`` shared out in proportion to ``weights`` in whole numbers that add up to it
    (largest remainders first)."""
    whole = sum(weights)
    exact = [Decimal(total) * Decimal(w) / Decimal(whole) for w in weights]
    parts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (parts[i] - exact[i], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _share_of(number, rate):
    return int((Decimal(number) * Decimal(rate)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


BUILDERS = [build]
