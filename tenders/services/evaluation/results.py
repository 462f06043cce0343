"""Reading an evaluation's scores from the database into ``aggregation``'s pure functions.

Only submitted sheets of members still on the panel count; drafts never do.
"""

from collections import defaultdict
from dataclasses import dataclass

from tenders.models import ModerationNote, Objection, Score
from tenders.services.evaluation import aggregation
from tenders.services.evaluation.common import counted_sheets, eligible_bids


def criteria_of(tender):
    return [
        aggregation.Criterion(id=c.pk, weight=c.weight, max_points=c.max_points)
        for c in tender.criteria.all()
    ]


def counted_scores(evaluation):
    """``{(bid_id, criterion_id): [points, ...]}`` from the counted sheets."""
    scores = defaultdict(list)
    rows = Score.objects.filter(
        sheet__in=counted_sheets(evaluation), points__isnull=False
    ).values_list("bid_id", "criterion_id", "points")
    for bid_id, criterion_id, points in rows:
        scores[(bid_id, criterion_id)].append(points)
    return scores


def evaluation_results(evaluation):
    """The ranked results of the eligible bids (see ``aggregation.aggregate``)."""
    tender = evaluation.tender
    entries = [
        aggregation.Entry(id=bid.pk, price=bid.total_price, received_at=bid.submitted_at)
        for bid in eligible_bids(evaluation)
    ]
    return aggregation.aggregate(
        criteria=criteria_of(tender),
        entries=entries,
        scores=counted_scores(evaluation),
        price_weight=tender.price_weight,
        min_technical=tender.min_technical_score,
        share=evaluation.divergence_share,
    )


def divergences(evaluation, results=None):
    """Every flagged ``(bid_id, criterion_id)``, in ranking then criterion order."""
    results = evaluation_results(evaluation) if results is None else results
    return [
        (result.bid_id, criterion_id) for result in results for criterion_id in result.divergent
    ]


def moderated(evaluation):
    return set(
        ModerationNote.objects.filter(evaluation=evaluation).values_list("bid_id", "criterion_id")
    )


def unmoderated(evaluation, results=None):
    """The flags still waiting for the chair's moderation note."""
    done = moderated(evaluation)
    return [flag for flag in divergences(evaluation, results) if flag not in done]


def excluded_from_award(tender, before=None):
    """Bids an upheld objection excluded from award on ``tender``; with ``before`` (a
    decision), only the exclusions in force when it was proposed."""
    objections = Objection.objects.filter(
        decision__tender=tender,
        state=Objection.State.UPHELD,
        remedy=Objection.Remedy.EXCLUDE,
        excluded_bid__isnull=False,
    )
    if before is not None:
        objections = objections.filter(decision__proposed_at__lt=before.proposed_at)
    return set(objections.values_list("excluded_bid", flat=True))


@dataclass(frozen=True)
class Selection:
    """One walk of the ranking: ``chosen`` bids, best first; ``candidates``, the bids that
    could win (at or above the minimum, not excluded), best first; ``over_ceiling``, the
    candidates passed over because their amount no longer fitted under the ceiling."""

    chosen: list
    candidates: list
    over_ceiling: list


def select_winners(results, amounts, *, awards_count, ceiling, excluded=()):
    """Walk the ranking: each bid at or above the minimum technical score and not excluded
    whose amount still fits under ``ceiling`` (the sum of the awarded amounts may not exceed
    it) is chosen, until ``awards_count`` bids are chosen. Returns the ``Selection``."""
    chosen, candidates, over_ceiling, spent = [], [], [], 0
    for result in results:
        if not result.passes_minimum or result.bid_id in excluded:
            continue
        candidates.append(result.bid_id)
        if len(chosen) >= awards_count:
            continue
        amount = amounts[result.bid_id]
        if ceiling is not None and spent + amount > ceiling:
            over_ceiling.append(result.bid_id)
            continue
        chosen.append(result.bid_id)
        spent += amount
    return Selection(chosen=chosen, candidates=candidates, over_ceiling=over_ceiling)


def choose_winners(results, amounts, *, awards_count, ceiling, excluded=()):
    """The bids to propose, best first (``select_winners(...).chosen``)."""
    return select_winners(
        results, amounts, awards_count=awards_count, ceiling=ceiling, excluded=excluded
    ).chosen


def proposal(evaluation, results=None):
    """The bids ``evaluation`` would propose for award now (see ``choose_winners``)."""
    results = evaluation_results(evaluation) if results is None else results
    amounts = dict(eligible_bids(evaluation).values_list("pk", "total_price"))
    tender = evaluation.tender
    return choose_winners(
        results,
        amounts,
        awards_count=tender.awards_count,
        ceiling=tender.budget_ceiling,
        excluded=excluded_from_award(tender),
    )
