"""Tenders and their parts.

``TenderFactory()`` is a complete draft that could be published now: texts in three languages,
an Ashgabat area, two criteria weighing 60 and 40, deadlines two and three weeks ahead.
Traits give the other states: ``TenderFactory(published=True)``, ``closed``, ``unsuccessful``,
``cancelled``. ``criteria=[50, 30]`` sets the criteria weights (``criteria=[]`` none).
A draft comes with an opening committee of three evaluators whose passphrase is
``COMMITTEE_PASSPHRASE``, two of them needed (``committee=[]`` none, ``committee=[users]`` those).
"""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from portal.documents.storage import store
from portal.models import ServiceType, TargetGroup, Velayat
from tenders.localtime import local
from tenders.models import (
    Amendment,
    Clarification,
    Tender,
    TenderCriterion,
    TenderDocument,
    TenderKey,
)
from tenders.services.bid_deadline import database_now
from tenders.services.bid_opening import opening_share_give
from tenders.services.committee import opening_passphrase_set
from tenders.services.opening import tender_open_bids
from tests.factories.documents import upload
from tests.factories.portal import UserFactory

COMMITTEE_PASSPHRASE = "correct horse battery staple"


def committee_member(passphrase=COMMITTEE_PASSPHRASE, **traits):
    """An evaluator (or the given ``traits``' role) who has set the opening ``passphrase``."""
    user = UserFactory(**(traits or {"evaluator": True}))
    opening_passphrase_set(actor=user, passphrase=passphrase)
    return user


def open_through_committee(tender, members=None, passphrase=COMMITTEE_PASSPHRASE):
    """Open ``tender``'s bids as its committee would: the deadline is moved just behind the
    database's clock, the deadline sweep's work is done, and the first members needed (or
    ``members``) give their shares. A tender without opening keys opens by itself."""
    moment = database_now() - datetime.timedelta(seconds=1)
    Tender.objects.filter(pk=tender.pk, submission_deadline__gt=moment).update(
        submission_deadline=moment
    )
    tender = tender_open_bids(tender=Tender.objects.get(pk=tender.pk))
    key = TenderKey.objects.filter(tender=tender).first()
    if key is None:
        return tender
    if members is None:
        members = [share.member for share in key.shares.order_by("pk")[: key.quorum]]
    for member in members:
        opening_share_give(actor=member, tender=tender, passphrase=passphrase)
    return Tender.objects.get(pk=tender.pk)


def days_from_now(days):
    return timezone.now() + datetime.timedelta(days=days)


class TenderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tender
        skip_postgeneration_save = True

    class Params:
        draft = factory.Trait(state=Tender.State.DRAFT)
        published = factory.Trait(
            state=Tender.State.PUBLISHED,
            published_at=factory.LazyFunction(lambda: days_from_now(-1)),
        )
        closed = factory.Trait(
            state=Tender.State.CLOSED,
            published_at=factory.LazyFunction(lambda: days_from_now(-30)),
            questions_deadline=factory.LazyFunction(lambda: days_from_now(-8)),
            submission_deadline=factory.LazyFunction(lambda: days_from_now(-1)),
            closed_at=factory.LazyFunction(timezone.now),
        )
        unsuccessful = factory.Trait(
            state=Tender.State.UNSUCCESSFUL,
            published_at=factory.LazyFunction(lambda: days_from_now(-30)),
            questions_deadline=factory.LazyFunction(lambda: days_from_now(-8)),
            submission_deadline=factory.LazyFunction(lambda: days_from_now(-1)),
            closed_at=factory.LazyFunction(timezone.now),
        )
        cancelled = factory.Trait(
            state=Tender.State.CANCELLED,
            published_at=factory.LazyFunction(lambda: days_from_now(-3)),
            cancel_reason="The service is now provided by the etrap directly.",
        )

    reference = factory.Sequence(lambda n: f"SC-TEST-{n:05d}")
    title_tk = factory.Sequence(lambda n: f"Ýalňyz garrylara öýde hyzmat {n}")
    title_ru = factory.Sequence(lambda n: f"Помощь на дому пожилым людям {n}")
    title_en = factory.Sequence(lambda n: f"Home care for elderly people {n}")
    description_tk = "Ýalňyz ýaşaýan garry adamlara hepdede iki gezek öýde kömek."
    description_ru = "Помощь на дому одиноким пожилым людям два раза в неделю."
    description_en = "Home help for elderly people living alone, twice a week."
    service_type = factory.LazyFunction(lambda: ServiceType.objects.get(code="elderly-home-care"))
    velayat = factory.LazyFunction(lambda: Velayat.objects.get(code="TM-S"))
    budget_ceiling = Decimal("450000.00")
    awards_count = 1
    min_trained_staff = 0
    price_weight = 0
    questions_deadline = factory.LazyFunction(lambda: days_from_now(14))
    submission_deadline = factory.LazyFunction(lambda: days_from_now(21))
    grant_start = factory.LazyAttribute(
        lambda tender: (
            local(tender.submission_deadline or timezone.now()).date() + datetime.timedelta(days=30)
        )
    )
    grant_end = factory.LazyAttribute(
        lambda tender: tender.grant_start and tender.grant_start + datetime.timedelta(days=364)
    )
    state = Tender.State.DRAFT
    created_by = factory.SubFactory(UserFactory, procurement_officer=True)

    @factory.post_generation
    def criteria(tender, create, extracted, **kwargs):
        """Criteria with the given weights; by default 60 and 40."""
        if not create:
            return
        for position, weight in enumerate([60, 40] if extracted is None else extracted):
            TenderCriterionFactory(tender=tender, weight=weight, position=position)

    @factory.post_generation
    def committee(tender, create, extracted, **kwargs):
        """A draft's three members with ``COMMITTEE_PASSPHRASE``; ``committee=[...]`` sets them."""
        if not create:
            return
        if extracted is None:
            extracted = [committee_member() for _ in range(3)] if tender.state == "draft" else []
        tender.committee.set(extracted)

    @factory.post_generation
    def target_groups(tender, create, extracted, **kwargs):
        if create:
            tender.target_groups.set(
                extracted if extracted is not None else TargetGroup.objects.filter(code="elderly")
            )

    @factory.post_generation
    def etraps(tender, create, extracted, **kwargs):
        """``etraps=n``: the first n etraps of the tender's velayat; none by default."""
        if create and extracted:
            tender.etraps.set(tender.velayat.etraps.all()[:extracted])


class TenderCriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TenderCriterion

    tender = factory.SubFactory(TenderFactory, criteria=[])
    position = factory.Sequence(int)
    title_tk = factory.Sequence(lambda n: f"Hyzmatyň usuly {n}")
    title_ru = factory.Sequence(lambda n: f"Методика оказания услуги {n}")
    title_en = factory.Sequence(lambda n: f"Service approach {n}")
    guidance = "How the service will reach the people who need it."
    weight = 50
    max_points = 10


class TenderDocumentFactory(factory.django.DjangoModelFactory):
    """A terms-of-reference document whose file really is in storage."""

    class Meta:
        model = TenderDocument

    tender = factory.SubFactory(TenderFactory)
    title = factory.Sequence(lambda n: f"Terms of reference {n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        stored = store(upload("pdf", name="terms.pdf"), prefix=model_class.upload_prefix)
        document = model_class.from_stored(stored, **kwargs)
        document.save()
        return document


class ClarificationFactory(factory.django.DjangoModelFactory):
    """A question; ``answered=True`` adds the officer's published answer."""

    class Meta:
        model = Clarification

    class Params:
        answered = factory.Trait(
            answer="Yes: the service may be delivered by volunteers supervised by staff.",
            answered_by=factory.LazyAttribute(lambda c: c.tender.created_by),
            answered_at=factory.LazyFunction(timezone.now),
        )

    tender = factory.SubFactory(TenderFactory, published=True)
    provider = factory.SubFactory("tests.factories.providers.ProviderFactory", verified=True)
    asked_by = factory.SubFactory(UserFactory)
    question = factory.Sequence(lambda n: f"May volunteers deliver part of the service? ({n})")


class AmendmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Amendment

    tender = factory.SubFactory(TenderFactory, published=True)
    number = factory.Sequence(lambda n: n + 1)
    changes = factory.LazyFunction(
        lambda: {"budget_ceiling": {"old": "450000.00", "new": "500000.00"}}
    )
    reason = "The ministry added funds for transport."
    made_by = factory.LazyAttribute(lambda amendment: amendment.tender.created_by)


def fill_bid(bid, *, text="", description="", file_name="", staff=None):
    """Give ``bid`` every part its tender asks for: an answer to each criterion, one proposed
    staff member with in-service training (``staff``, or a new one of the bid's organisation),
    one budget line within the ceiling and one PDF document. ``text``, ``description`` and
    ``file_name`` make the content recognisable."""
    from providers.models import StaffMember
    from tenders.models import BidBudgetLine, BidDocument, BidSection, BidStaff
    from tests.factories.providers import StaffMemberFactory

    for criterion in bid.tender.criteria.all():
        BidSection.objects.create(
            bid=bid,
            criterion=criterion,
            text=f"{text or 'Our approach'} — criterion {criterion.position + 1}",
        )
    person = staff or StaffMemberFactory(provider=bid.provider, trained=True)
    person = StaffMember.objects.get(pk=person.pk)
    BidStaff.objects.create(
        bid=bid,
        staff_member=person,
        role_in_project="Team leader",
        full_name=person.full_name,
        position=person.position,
        qualifications=person.qualifications,
    )
    BidBudgetLine.objects.create(
        bid=bid,
        category=BidBudgetLine.Category.STAFF,
        description=description or "Two social workers for twelve months",
        amount=Decimal("120000.00"),
    )
    stored = store(
        upload("pdf", name=file_name or "work-plan.pdf"), prefix=BidDocument.upload_prefix
    )
    BidDocument.from_stored(stored, uploaded_by=bid.created_by, bid=bid, title="Work plan").save()


class BidFactory(factory.django.DjangoModelFactory):
    """A bid of a verified organisation (with an admin, ``admin_of(bid.provider)``) on a
    published tender.

    ``BidFactory()`` is an empty draft; ``complete=True`` fills it (see ``fill_bid``). The
    ``submitted`` and ``withdrawn`` traits are complete; a submitted bid is received now and
    carries its real SHA-256. Rows are inserted in their state, which the PostgreSQL deadline
    trigger leaves alone, so ``BidFactory(submitted=True, tender=TenderFactory(closed=True))``
    works there; a test that submits through ``bid_submit`` and then moves the deadline into
    the past fails on PostgreSQL when Django checks deferred constraints at teardown.
    """

    class Meta:
        model = "tenders.Bid"
        skip_postgeneration_save = True

    class Params:
        draft = factory.Trait(state="draft")
        submitted = factory.Trait(
            state="submitted", submitted_at=factory.LazyFunction(timezone.now)
        )
        withdrawn = factory.Trait(state="withdrawn")

    tender = factory.SubFactory(TenderFactory, published=True)
    provider = factory.SubFactory("tests.factories.providers.ProviderFactory", verified=True)
    created_by = factory.LazyAttribute(lambda bid: _admin_of(bid.provider))
    state = "draft"

    @factory.post_generation
    def complete(bid, create, extracted, **kwargs):
        """Filled by default unless a draft; ``complete=True`` or ``False`` decides."""
        if create and (extracted if extracted is not None else bid.state != "draft"):
            fill_bid(bid, **kwargs)

    @factory.post_generation
    def digest(bid, create, extracted, **kwargs):
        if create and bid.state == "submitted" and not bid.content_sha256:
            from tenders.models import Bid
            from tenders.services.bid_receipt import bid_digest

            bid.content_sha256, _text = bid_digest(bid, bid.tender)
            Bid.objects.filter(pk=bid.pk).update(content_sha256=bid.content_sha256)


def _admin_of(provider):
    from tests.factories.providers import admin_of

    return admin_of(provider)


def bid_ready_tender(**kwargs):
    """A published tender whose bids are checked for a charter and one trained staff member."""
    kwargs.setdefault("required_document_types", ["charter"])
    kwargs.setdefault("min_trained_staff", 1)
    return TenderFactory(published=True, **kwargs)


def eligible_provider(tender, **kwargs):
    """A verified organisation that passes ``tender``'s eligibility check."""
    from tests.factories.providers import ProviderFactory

    return ProviderFactory(
        verified=True,
        documents=list(tender.required_document_types),
        trained_staff=tender.min_trained_staff,
        **kwargs,
    )


# Evaluation and award.
#
# ``EvaluationFactory()`` is an evaluation in screening of a closed tender (no bids of its own);
# traits ``scoring``, ``completed`` and ``unsuccessful`` give the other states. ``evaluation_of``
# builds the usual scene through the services: a closed tender with submitted bids, the
# evaluation opened, every bid screened eligible, a cleared chair and cleared evaluators.


class EvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "tenders.Evaluation"

    class Params:
        screening = factory.Trait(state="screening")
        scoring = factory.Trait(
            state="scoring", scoring_started_at=factory.LazyFunction(timezone.now)
        )
        completed = factory.Trait(
            state="completed",
            scoring_started_at=factory.LazyFunction(lambda: days_from_now(-3)),
            completed_at=factory.LazyFunction(timezone.now),
        )
        unsuccessful = factory.Trait(state="unsuccessful", end_reason="no_eligible_bid")

    tender = factory.SubFactory(TenderFactory, closed=True)
    deadline = factory.LazyFunction(lambda: days_from_now(7))
    created_by = factory.LazyAttribute(lambda evaluation: evaluation.tender.created_by)
    state = "screening"


class PanelMemberFactory(factory.django.DjangoModelFactory):
    """An evaluator on the panel; ``chair=True`` for the chair; ``cleared=True`` adds a
    no-conflict declaration, ``conflicted=True`` a declared conflict (and the recusal)."""

    class Meta:
        model = "tenders.PanelMember"
        skip_postgeneration_save = True

    class Params:
        chair = factory.Trait(role="chair")
        conflicted = factory.Trait(recused_at=factory.LazyFunction(timezone.now))

    evaluation = factory.SubFactory(EvaluationFactory)
    user = factory.SubFactory(UserFactory, evaluator=True)
    role = "evaluator"
    added_by = factory.LazyAttribute(lambda member: member.evaluation.created_by)

    @factory.post_generation
    def cleared(member, create, extracted, **kwargs):
        if create and (extracted or member.recused_at):
            DeclarationFactory(member=member, has_conflict=member.recused_at is not None)


class DeclarationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "tenders.Declaration"

    member = factory.SubFactory(PanelMemberFactory)
    has_conflict = False
    details = factory.LazyAttribute(
        lambda declaration: "My brother chairs a bidder." if declaration.has_conflict else ""
    )
    bidders = factory.LazyAttribute(
        lambda declaration: [
            {"provider_id": bid.provider_id, "name": bid.provider.name_tk}
            for bid in declaration.member.evaluation.tender.bids.filter(state="submitted")
        ]
    )


class ScoreSheetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "tenders.ScoreSheet"

    class Params:
        submitted = factory.Trait(
            state="submitted", submitted_at=factory.LazyFunction(timezone.now)
        )

    member = factory.SubFactory(PanelMemberFactory, cleared=True)
    evaluation = factory.LazyAttribute(lambda sheet: sheet.member.evaluation)
    state = "draft"


def evaluation_of(tender=None, *, bids=2, evaluators=3, **evaluation_fields):
    """A closed ``tender`` (a new one by default) with ``bids`` submitted bids, its evaluation
    opened by its officer, every bid screened eligible, a cleared chair and ``evaluators``
    cleared evaluators. Returns ``(evaluation, chair, [evaluators], [bids])``."""
    from tenders.models import Bid, Evaluation
    from tenders.services.evaluation import evaluation_create, screening_decide

    tender = tender or TenderFactory(closed=True)
    if not tender.bids.filter(state="submitted").exists():
        for _ in range(bids):
            BidFactory(tender=tender, submitted=True)
    evaluation = evaluation_create(
        actor=tender.created_by,
        tender=tender,
        deadline=evaluation_fields.pop("deadline", days_from_now(7)),
        **evaluation_fields,
    )
    for screening in evaluation.screenings.all():
        screening_decide(
            actor=tender.created_by,
            screening=screening,
            decisions={
                line.pk: (True, "" if line.portal_passed else "Checked on paper.")
                for line in screening.lines.all()
            },
        )
    chair = PanelMemberFactory(evaluation=evaluation, chair=True, cleared=True).user
    members = [
        PanelMemberFactory(evaluation=evaluation, cleared=True).user for _ in range(evaluators)
    ]
    bid_list = list(
        Bid.objects.filter(tender=tender, state="submitted").order_by("submitted_at", "id")
    )
    return Evaluation.objects.get(pk=evaluation.pk), chair, members, bid_list


def set_budget(bid, amount):
    """Make ``bid``'s budget one line of ``amount`` TMT."""
    from tenders.models import BidBudgetLine

    bid.budget_lines.all().delete()
    BidBudgetLine.objects.create(
        bid=bid, category="staff", description="Social workers", amount=Decimal(amount)
    )


def score_all(evaluation, table, *, submit=True):
    """Give scores through the services: ``table[evaluator][bid][criterion_index]`` = points.

    ``table`` maps each evaluator (a user) to ``{bid: [points per criterion]}``; every score
    gets a justification. Sheets are submitted unless ``submit=False``.
    """
    from tenders.models import ScoreSheet
    from tenders.services.evaluation import sheet_save, sheet_submit

    criteria = list(evaluation.tender.criteria.all())
    for user, by_bid in table.items():
        sheet = ScoreSheet.objects.get(evaluation=evaluation, member__user=user)
        entries = {
            (bid.pk, criterion.pk): (Decimal(str(points)), f"Justified by {user.pk} on {bid.pk}")
            for bid, row in by_bid.items()
            for criterion, points in zip(criteria, row, strict=True)
        }
        sheet_save(actor=user, sheet=sheet, entries=entries)
        if submit:
            sheet_submit(actor=user, sheet=sheet)


def scoring_evaluation(tender=None, **kwargs):
    """``evaluation_of`` with scoring started by the officer; same return value."""
    from tenders.services.evaluation import evaluation_start_scoring

    evaluation, chair, evaluators, bids = evaluation_of(tender, **kwargs)
    evaluation = evaluation_start_scoring(actor=evaluation.created_by, evaluation=evaluation)
    return evaluation, chair, evaluators, bids


def completed_evaluation(tender=None, points=None, **kwargs):
    """A completed evaluation: every evaluator gives the n-th bid ``points[n]`` on every
    criterion (by default 9, 8, 7...), the chair completes. Same return value as
    ``evaluation_of``."""
    from tenders.services.evaluation import evaluation_complete

    evaluation, chair, evaluators, bids = scoring_evaluation(tender, **kwargs)
    points = points or [9 - n for n in range(len(bids))]
    criteria = evaluation.tender.criteria.count()
    score_all(
        evaluation,
        {user: {bid: [points[n]] * criteria for n, bid in enumerate(bids)} for user in evaluators},
    )
    evaluation = evaluation_complete(actor=chair, evaluation=evaluation)
    return evaluation, chair, evaluators, bids


class AwardDecisionFactory(factory.django.DjangoModelFactory):
    """A proposed award of a completed evaluation, with no lines; traits give the other
    states: ``returned``, ``approved`` (standstill ending in 10 days), ``final``,
    ``set_aside``."""

    class Meta:
        model = "tenders.AwardDecision"

    class Params:
        proposed = factory.Trait(state="proposed")
        returned = factory.Trait(
            state="returned",
            decided_at=factory.LazyFunction(timezone.now),
            return_reason="Check the amounts.",
        )
        approved = factory.Trait(
            state="approved",
            decided_at=factory.LazyFunction(timezone.now),
            standstill_ends_at=factory.LazyFunction(lambda: days_from_now(10)),
        )
        final = factory.Trait(
            state="final",
            decided_at=factory.LazyFunction(lambda: days_from_now(-11)),
            standstill_ends_at=factory.LazyFunction(lambda: days_from_now(-1)),
            finalised_at=factory.LazyFunction(timezone.now),
        )
        set_aside = factory.Trait(state="set_aside", set_aside_reason="Objection upheld.")

    evaluation = factory.SubFactory(EvaluationFactory, completed=True)
    tender = factory.LazyAttribute(lambda decision: decision.evaluation.tender)
    proposed_by = factory.LazyAttribute(lambda decision: decision.tender.created_by)
    state = "proposed"


class ObjectionFactory(factory.django.DjangoModelFactory):
    """A pending objection of a bid on an approved decision; traits ``dismissed``, ``upheld``
    and ``lapsed``."""

    class Meta:
        model = "tenders.Objection"

    class Params:
        pending = factory.Trait(state="pending")
        dismissed = factory.Trait(
            state="dismissed",
            resolution="The scores stand.",
            resolved_at=factory.LazyFunction(timezone.now),
        )
        upheld = factory.Trait(
            state="upheld",
            resolution="The panel misread the proposal.",
            remedy="reevaluate",
            resolved_at=factory.LazyFunction(timezone.now),
        )
        lapsed = factory.Trait(state="lapsed", resolved_at=factory.LazyFunction(timezone.now))

    decision = factory.SubFactory(AwardDecisionFactory, approved=True)
    bid = factory.LazyAttribute(
        lambda objection: BidFactory(tender=objection.decision.tender, submitted=True)
    )
    lodged_by = factory.LazyAttribute(lambda objection: _admin_of(objection.bid.provider))
    reasons = "The staffing score ignored our certified trainers."
    state = "pending"
