"""The procurement officer's home: their tenders by state, questions to answer, evaluations to
run, objections to resolve and organisations waiting for verification."""

from dataclasses import dataclass, field

from django.db.models import Count, F, OuterRef, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext_lazy as _

from portal import permissions as portal_permissions
from portal.homes.common import LIST_LENGTH, Counted, Section, counted
from providers.models import ProviderState
from providers.selectors import providers_for_review
from tenders.models import AwardDecision, Clarification, Evaluation, Objection, Tender
from tenders.selectors.tender import tenders_for_officer

# The states whose tenders still need the officer, listed on the home in this order.
LISTED_STATES = (Tender.State.DRAFT, Tender.State.PUBLISHED, Tender.State.CLOSED)
TENDERS_PER_STATE = 5


@dataclass(frozen=True)
class TenderGroup:
    state: str
    label: str
    count: int
    tenders: list


@dataclass(frozen=True)
class EvaluationStep:
    tender: object
    next_step: str
    url_name: str
    url_arg: int


@dataclass(frozen=True)
class ProcurementHome:
    counts: dict = field(default_factory=dict)
    groups: list = field(default_factory=list)
    questions: Counted = field(default_factory=Counted)
    evaluations: list = field(default_factory=list)
    objections: list = field(default_factory=list)
    providers: Counted = field(default_factory=Counted)

    @property
    def total(self):
        return sum(self.counts.values())

    @property
    def other_counts(self):
        """``(label, count)`` of the states not listed (cancelled, awarded, ...)."""
        labels = dict(Tender.State.choices)
        return [
            (labels[state], count)
            for state, count in self.counts.items()
            if state not in LISTED_STATES and count
        ]


def build(user, now):
    if not portal_permissions.is_procurement_officer(user):
        return None
    counts = dict(
        Tender.objects.filter(created_by=user)
        .order_by()
        .values_list("state")
        .annotate(n=Count("pk"))
    )
    return Section(
        "procurement",
        "portal/home_procurement.html",
        ProcurementHome(
            counts=counts,
            groups=tender_groups(user, counts),
            questions=counted(
                Clarification.objects.filter(
                    tender__created_by=user,
                    tender__state=Tender.State.PUBLISHED,
                    answered_at__isnull=True,
                )
                .select_related("tender")
                .order_by("asked_at", "pk")
            ),
            evaluations=evaluation_steps(user),
            objections=list(
                Objection.objects.filter(
                    decision__tender__created_by=user, state=Objection.State.PENDING
                )
                .select_related("decision__tender")
                .order_by("lodged_at", "pk")[:LIST_LENGTH]
            ),
            providers=counted(
                providers_for_review(user, state=ProviderState.SUBMITTED).order_by(
                    "submitted_at", "pk"
                )
            ),
        ),
    )


def tender_groups(user, counts):
    """The officer's newest tenders in each listed state, in one query."""
    rows = (
        tenders_for_officer(user)
        .filter(state__in=LISTED_STATES)
        .annotate(
            place=Window(
                RowNumber(),
                partition_by=[F("state")],
                order_by=[F("created_at").desc(), F("pk").desc()],
            )
        )
        .filter(place__lte=TENDERS_PER_STATE)
    )
    by_state = {state: [] for state in LISTED_STATES}
    for tender in rows:
        by_state[tender.state].append(tender)
    labels = dict(Tender.State.choices)
    return [
        TenderGroup(state, labels[state], counts.get(state, 0), tenders)
        for state, tenders in by_state.items()
    ]


def evaluation_steps(user):
    """The officer's closed tenders, each with the next step of its evaluation and award."""
    live = AwardDecision.objects.filter(
        tender=OuterRef("pk"), state__in=AwardDecision.LIVE_STATES
    ).order_by("-proposed_at")
    tenders = (
        Tender.objects.filter(created_by=user, state=Tender.State.CLOSED)
        .select_related("evaluation")
        .annotate(
            decision_id=Subquery(live.values("pk")[:1]),
            decision_state=Subquery(live.values("state")[:1]),
            standstill_ends_at=Subquery(live.values("standstill_ends_at")[:1]),
        )
        .order_by("closed_at", "pk")[:LIST_LENGTH]
    )
    return [evaluation_step(tender) for tender in tenders]


def evaluation_step(tender):
    manage = ("tenders:evaluation_manage", tender.pk)
    evaluation = getattr(tender, "evaluation", None)
    if tender.decision_state == AwardDecision.State.PROPOSED:
        return EvaluationStep(
            tender, _("The award waits for approval."), "tenders:award_decision", tender.decision_id
        )
    if tender.decision_state == AwardDecision.State.APPROVED:
        return EvaluationStep(
            tender,
            _("The award is approved; the standstill period runs."),
            "tenders:award_decision",
            tender.decision_id,
        )
    if evaluation is None:
        step = _("Open the evaluation and name the panel.")
    elif evaluation.state == Evaluation.State.SCREENING:
        step = _("Complete the panel and the eligibility screening, then start scoring.")
    elif evaluation.state == Evaluation.State.SCORING:
        step = _("The panel is scoring.")
    elif evaluation.state == Evaluation.State.COMPLETED:
        step = _("Propose the award.")
    else:
        step = _("End the tender without award.")
    return EvaluationStep(tender, step, *manage)
