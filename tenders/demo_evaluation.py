"""The Ashgabat pilot tenders as this year's history, for the demo data.

The pilot services of the seed programme were bought this year: the tenders were published in
spring, both pilot organisations bid on each, a panel of three evaluators scored the bids, the
approver approved and, after the standstill period, the awards became final: the National Red
Crescent Society wins the chronic-illness and elderly-care services, "Yenme" the disability
service. Every step goes through the normal services, as the person who would take it.

The services refuse deadlines in the past, so the history is written with the clock moved
back to the day each step happened (``time_machine.travel``): audit entries, notifications and
timestamps then tell the story as it happened. time-machine is a development dependency, and
on PostgreSQL the bid deadline is checked by the database's own clock, which cannot be moved;
where either is missing the pilot tenders are simply published today instead.
"""

import datetime
import importlib.util
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone

from portal.models import Role
from providers.demo import MINISTRY, demo_pdf
from providers.models import MemberRole, Provider
from providers.services import staff_add, training_add
from tenders import demo_committee
from tenders.localtime import ASHGABAT
from tenders.models import Bid, PanelMember, ScoreSheet, Tender
from tenders.services.award.decision import award_approve, award_propose
from tenders.services.award.finality import award_finalise
from tenders.services.bid import (
    bid_budget_line_add,
    bid_create,
    bid_document_add,
    bid_proposal_save,
    bid_staff_assign,
)
from tenders.services.bid_submission import bid_submit
from tenders.services.evaluation.lifecycle import evaluation_complete, evaluation_start_scoring
from tenders.services.evaluation.panel import declaration_make, evaluation_create, panel_member_add
from tenders.services.evaluation.scoring import sheet_save, sheet_submit
from tenders.services.evaluation.screening import screening_decide
from workflows import delivery
from workflows.models import OutboxMessage

NO_HISTORY = (
    "The pilot tenders are published today: writing them as this year's history needs "
    "time-machine and SQLite."
)
PERIODS = 6
NRCST = "DEMO-NS-0001"
YENME = "DEMO-PA-0002"
# What each organisation writes, it writes in its working language (see ``providers.demo``);
# the ministry's people write in Turkmen.
LANGUAGE = {NRCST: "ru", YENME: "tk"}
COURSE = {
    NRCST: "Основы социальной работы и ведения случаев",
    YENME: "Durmuş işiniň we işleri alyp barmagyň esaslary",
}
CHAIR = ("panelchair", "demo-evaluator-2026", "Ogulnabat Saparowa")
COORDINATOR = ("Guljahan Tanalova", "Maýyplygy bolan adamlara hyzmat bermegiň utgaşdyryjysy")
COORDINATOR_ROLE = "Hyzmatyň utgaşdyryjysy"

# Per tender (in the order of the specs): each organisation's budget lines and the points its
# bid earns on the four criteria; the first organisation named is the winner.
BIDS = [
    {
        NRCST: ((150000, 62000, 41000, 18000, 52000), (9, 8, 9, 8)),
        YENME: ((168000, 58000, 47000, 21000, 66000), (7, 7, 6, 7)),
    },
    {
        YENME: ((186000, 71000, 62000, 24000, 55000), (9, 9, 8, 8)),
        NRCST: ((192000, 69000, 58000, 22000, 64000), (7, 8, 6, 7)),
    },
    {
        NRCST: ((148000, 64000, 39000, 16000, 64500), (8, 9, 8, 9)),
        YENME: ((158000, 61000, 44000, 19000, 60000), (6, 7, 6, 7)),
    },
]
BUDGET = [
    (
        "staff",
        {"ru": "Оплата труда персонала услуги", "tk": "Hyzmat işgärleriniň zähmet haky"},
    ),
    (
        "transport",
        {"ru": "Транспорт для посещений на дому", "tk": "Öýe baryp görmek üçin ulag"},
    ),
    (
        "equipment",
        {
            "ru": "Оборудование и расходные материалы для ухода",
            "tk": "Ideg üçin enjamlar we sarp ediş serişdeleri",
        },
    ),
    (
        "training",
        {"ru": "Супервизия и обучение персонала", "tk": "Işgärleriň işine gözegçilik we okuw"},
    ),
    (
        "administration",
        {
            "ru": "Координация, отчётность и бухгалтерский учёт",
            "tk": "Utgaşdyrma, hasabat we buhgalteriýa hasaby",
        },
    ),
]
PROPOSAL = {
    "ru": (
        "{org} строит работу на индивидуальной оценке каждого человека, направленного "
        "специалистами по социальной работе этрапа, письменном плане ухода, который "
        "пересматривается каждые три месяца, и посещениях не реже двух раз в неделю. Подход "
        "по разделу «{criterion}» соответствует стандартам качества министерства для "
        "социальных услуг по месту жительства."
    ),
    "tk": (
        "{org} hyzmaty etrabyň durmuş işi boýunça hünärmenleri tarapyndan ugrukdyrylan her "
        "bir adamyň zerurlyklaryna aýratynlykda baha bermegiň, her üç aýdan gözden "
        "geçirilýän ýazmaça ideg meýilnamasynyň we hepdede azyndan iki gezek baryp görmegiň "
        "esasynda guraýar. «{criterion}» boýunça çemeleşme ministrligiň ýaşaýan ýerinde "
        "berilýän durmuş hyzmatlarynyň hil ölçeglerine laýyk gelýär."
    ),
}
WORK_PLAN = {"ru": "План работы", "tk": "Iş meýilnamasy"}
JUSTIFICATIONS = {
    9: "Güýçli: anyk, durmuşa ukyply we Aşgabatdaky maksatly topara doly laýyk gelýär.",
    8: "Gowy: meýilnama düşnükli, işgärleriň atlary görkezilen; gözegçilik barada azrak ýazylan.",
    7: "Kanagatlanarly: talaplara laýyk gelýär, ýöne meýilnama käbir ýerlerde umumy.",
    6: "Kabul ederlikli: bu maksatly topar bilen tejribesi çäkli we subut edilmedi.",
}
SCREENING_NOTE = "Hasaba alyş ýazgylary bilen deňeşdirilip barlandy."


@dataclass(frozen=True)
class Timeline:
    """When each step of the seed programme happened. The grant period starts on ``start``;
    its first ``PERIODS`` monthly periods have all ended at least twelve days ago, so their
    reports are in."""

    start: datetime.date

    @classmethod
    def of(cls, tender=None):
        """The timeline of the existing pilot ``tender``, or a new one ending this month."""
        if tender is not None:
            return cls(tender.grant_start)
        anchor = timezone.localdate(timezone.now(), ASHGABAT) - datetime.timedelta(days=12)
        month = anchor.replace(day=1)
        for _ in range(PERIODS):
            month = (month - datetime.timedelta(days=1)).replace(day=1)
        return cls(month)

    @property
    def published(self):
        return moment(self.start - datetime.timedelta(days=75), 10)

    @property
    def submission_day(self):
        return self.published.date() + datetime.timedelta(days=28)

    def day(self, days_after_deadline, hour, minute=0):
        return moment(
            self.submission_day + datetime.timedelta(days=days_after_deadline), hour, minute
        )


def moment(day, hour, minute=0):
    """An aware moment at ``hour`` on ``day`` in Ashgabat."""
    return datetime.datetime.combine(day, datetime.time(hour, minute), ASHGABAT)


def history_available():
    """Whether the clock can be moved back: time-machine is installed and the database's clock
    is not the one the services read."""
    return connection.vendor == "sqlite" and importlib.util.find_spec("time_machine") is not None


@contextmanager
def at(when):
    """Run the block as if it were ``when`` (the clock stands still)."""
    import time_machine  # a development dependency, present only where history_available()

    with time_machine.travel(when, tick=False):
        yield


def deliver_past_notices():
    """Deliver, now, the notifications the history wrote on its past days (dated before
    today), as the worker would have on those days: people find them in their inbox, and a
    portal just started does not first work through a backlog of old mail."""
    start_of_today = moment(timezone.localdate(timezone.now(), ASHGABAT), 0)
    past = OutboxMessage.objects.filter(delivered_at__isnull=True, created_at__lt=start_of_today)
    for pk in past.order_by("pk").values_list("pk", flat=True):
        delivery.deliver(pk)


def build_seed_history(demo, specs, *, officer, find, publish):
    """Write the three pilot tenders of ``specs`` as this year's history, up to final awards
    (which make the grant agreements). ``find(spec)`` returns the tender of a spec if it is
    there, ``publish(officer, spec, ...)`` writes and publishes it. Steps already taken are
    skipped, so a repeat changes nothing."""
    now = timezone.now()
    past = [t for t in map(find, specs) if t is not None and t.submission_deadline < now]
    timeline = Timeline.of(past[0] if past else None)
    chair = demo.account(
        CHAIR[0],
        password=CHAIR[1],
        role_label=Role.EVALUATOR.label,
        full_name=CHAIR[2],
        roles=[Role.EVALUATOR],
    )
    people = {"officer": officer, "chair": chair, **_staff_users(demo)}
    providers = {code: Provider.objects.get(registration_number=code) for code in (NRCST, YENME)}
    with at(timeline.published):
        _train_staff(providers, timeline)
    for spec, table in zip(specs, BIDS, strict=True):
        with transaction.atomic():
            with at(timeline.published):
                tender = publish(officer, spec, submission_days=28, grant_start=timeline.start)
            # A pilot tender found open for bids in the present is left to run its course.
            in_the_past = tender.submission_deadline < now
            if in_the_past and tender.state == Tender.State.PUBLISHED:
                _bid(tender, providers, table, timeline)
                with at(timeline.day(1, 9)):
                    tender = demo_committee.open_bids(tender)
            if tender.state == Tender.State.CLOSED:
                _evaluate(tender, people, table, timeline)
        demo.stdout.write(f"Tender {tender.reference} {tender.title_en}: {_state(tender)}\n")
    deliver_past_notices()


def _state(tender):
    tender.refresh_from_db()
    return tender.get_state_display()


def _staff_users(demo):
    names = ("evaluator1", "evaluator2", "evaluator3", "approver")
    return {name: demo.users[name] for name in names}


def _train_staff(providers, timeline):
    completed = timeline.published.date() - datetime.timedelta(days=20)
    yenme = providers[YENME]
    admin = yenme.memberships.filter(role=MemberRole.ADMIN).first().user
    if not yenme.staff.filter(full_name=COORDINATOR[0]).exists():
        staff_add(actor=admin, provider=yenme, full_name=COORDINATOR[0], position=COORDINATOR[1])
    for code, provider in providers.items():
        admin = provider.memberships.filter(role=MemberRole.ADMIN).first().user
        for member in provider.staff.filter(active=True):
            if member.training_records.filter(course=COURSE[code]).exists():
                continue
            training_add(
                actor=admin,
                staff=member,
                course=COURSE[code],
                training_provider=MINISTRY[LANGUAGE[code]],
                started_on=completed - datetime.timedelta(days=4),
                completed_on=completed,
                in_service=True,
            )


def _bid(tender, providers, table, timeline):
    for position, (code, (amounts, _points)) in enumerate(table.items()):
        provider, language = providers[code], LANGUAGE[code]
        admin = provider.memberships.filter(role=MemberRole.ADMIN).first().user
        with at(timeline.day(-6 + 2 * position, 11)):
            bid = bid_create(actor=admin, tender=tender)
            if bid.state != Bid.State.DRAFT:
                continue
            bid_proposal_save(
                actor=admin,
                bid=bid,
                answers={
                    c.pk: PROPOSAL[language].format(
                        org=getattr(provider, f"name_{language}"),
                        criterion=getattr(c, f"title_{language}"),
                    )
                    for c in tender.criteria.all()
                },
            )
            roster = provider.staff.filter(active=True).order_by("id")
            # The service coordinator leads the team proposed, as in the pilot.
            team = sorted(roster, key=lambda person: person.full_name != COORDINATOR[0])[:5]
            for member in team:
                role = COORDINATOR_ROLE if member.full_name == COORDINATOR[0] else ""
                bid_staff_assign(
                    actor=admin,
                    bid=bid,
                    staff_member=member,
                    role_in_project=role or member.position,
                )
            for (category, description), amount in zip(BUDGET, amounts, strict=True):
                bid_budget_line_add(
                    actor=admin,
                    bid=bid,
                    category=category,
                    description=description[language],
                    amount=Decimal(amount),
                )
            upload = ContentFile(
                demo_pdf(f"{provider.name_en}: work plan for {tender.title_en}"),
                name="work-plan.pdf",
            )
            bid_document_add(actor=admin, bid=bid, title=WORK_PLAN[language], upload=upload)
            bid_submit(actor=admin, bid=bid)


def _evaluate(tender, people, table, timeline):
    officer, chair = people["officer"], people["chair"]
    evaluators = [people[f"evaluator{n}"] for n in (1, 2, 3)]
    with at(timeline.day(2, 10)):
        evaluation = evaluation_create(actor=officer, tender=tender, deadline=timeline.day(9, 18))
        panel_member_add(
            actor=officer, evaluation=evaluation, user=chair, role=PanelMember.Role.CHAIR
        )
        for user in evaluators:
            panel_member_add(
                actor=officer, evaluation=evaluation, user=user, role=PanelMember.Role.EVALUATOR
            )
    with at(timeline.day(2, 14)):
        for user in (chair, *evaluators):
            declaration_make(actor=user, evaluation=evaluation, has_conflict=False)
        for screening in evaluation.screenings.all():
            screening_decide(
                actor=officer,
                screening=screening,
                decisions={
                    line.pk: (
                        True,
                        "" if line.portal_passed else SCREENING_NOTE,
                    )
                    for line in screening.lines.all()
                },
            )
        evaluation = evaluation_start_scoring(actor=officer, evaluation=evaluation)
    bids = {bid.provider.registration_number: bid for bid in tender.bids.all()}
    criteria = list(tender.criteria.order_by("position", "id"))
    for offset, user in enumerate(evaluators):
        with at(timeline.day(5, 10 + 2 * offset)):
            sheet = ScoreSheet.objects.get(evaluation=evaluation, member__user=user)
            entries = {}
            for code, (_amounts, points) in table.items():
                for criterion, base in zip(criteria, points, strict=True):
                    # The second evaluator is a point stricter on the strongest answers: the
                    # panel differs a little, never enough to call for moderation.
                    given = base - 1 if offset == 1 and base > 7 else base
                    entries[(bids[code].pk, criterion.pk)] = (
                        Decimal(given),
                        JUSTIFICATIONS[given],
                    )
            sheet_save(actor=user, sheet=sheet, entries=entries)
            sheet_submit(actor=user, sheet=sheet)
    with at(timeline.day(7, 10)):
        evaluation = evaluation_complete(actor=chair, evaluation=evaluation)
    with at(timeline.day(7, 15)):
        decision = award_propose(actor=officer, evaluation=evaluation)
    with at(timeline.day(9, 11)):
        decision = award_approve(actor=people["approver"], decision=decision)
    finalised = decision.standstill_ends_at + datetime.timedelta(minutes=5)
    with at(finalised):
        award_finalise(decision=decision, now=finalised)
