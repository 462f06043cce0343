"""What the evaluation report and the panel's score pages show, gathered in one place.

``score_blocks`` lays out the scores a user may see (the caller passes only those): per bid,
per criterion, each evaluator's points and justification, the mean and the divergence flag.
``report_data`` gathers the whole report: bidders, eligibility, declarations, every sheet,
aggregates and ranking.
"""

from dataclasses import dataclass, field

from django.utils import timezone

from tenders.models import Bid, Declaration, ModerationNote, PanelMember, Score, Screening
from tenders.services.evaluation.aggregation import diverges
from tenders.services.evaluation.common import counted_sheets, submitted_bids, with_totals
from tenders.services.evaluation.results import evaluation_results


@dataclass
class CriterionRow:
    criterion: object
    cells: list
    mean: object = None
    divergent: bool = False
    note: object = None


@dataclass
class BidBlock:
    bid: object
    result: object = None
    rows: list = field(default_factory=list)


def score_blocks(evaluation, sheets, scores, results=None):
    """One ``BidBlock`` per eligible bid, best ranked first, from the given ``sheets`` and
    ``scores`` only (the caller decides what the reader may see)."""
    sheets = list(sheets)
    criteria = list(evaluation.tender.criteria.all())
    by_key = {(s.sheet_id, s.bid_id, s.criterion_id): s for s in scores}
    notes = {
        (n.bid_id, n.criterion_id): n for n in ModerationNote.objects.filter(evaluation=evaluation)
    }
    ranked = {r.bid_id: r for r in (results or ())}
    bids = with_totals(
        Bid.objects.filter(screening__evaluation=evaluation, screening__eligible=True)
    ).select_related("provider")
    blocks = []
    for bid in bids:
        block = BidBlock(bid=bid, result=ranked.get(bid.pk))
        for criterion in criteria:
            cells = [(sheet, by_key.get((sheet.pk, bid.pk, criterion.pk))) for sheet in sheets]
            points = [score.points for _sheet, score in cells if score and score.points is not None]
            block.rows.append(
                CriterionRow(
                    criterion=criterion,
                    cells=cells,
                    mean=sum(points) / len(points) if points else None,
                    divergent=diverges(points, criterion.max_points, evaluation.divergence_share),
                    note=notes.get((bid.pk, criterion.pk)),
                )
            )
        blocks.append(block)
    blocks.sort(key=lambda b: (b.result.rank if b.result else 10**6, b.bid.pk))
    return blocks


def report_data(evaluation):
    """Everything the evaluation report shows, for the page, the PDF and the spreadsheet."""
    tender = evaluation.tender
    results = evaluation_results(evaluation)
    sheets = list(counted_sheets(evaluation).select_related("member__user"))
    scores = list(Score.objects.filter(sheet__in=sheets))
    by_bid = {result.bid_id: result for result in results}
    bidders = list(submitted_bids(tender).select_related("screening"))
    for bid in bidders:
        bid.result = by_bid.get(bid.pk)
    return {
        "tender": tender,
        "evaluation": evaluation,
        "criteria": list(tender.criteria.all()),
        "bidders": bidders,
        "screenings": list(
            Screening.objects.filter(evaluation=evaluation)
            .select_related("bid__provider", "decided_by")
            .prefetch_related("lines")
        ),
        "members": list(
            PanelMember.objects.filter(evaluation=evaluation).select_related("user", "declaration")
        ),
        "declarations": list(
            Declaration.objects.filter(member__evaluation=evaluation).select_related("member__user")
        ),
        "sheets": sheets,
        "blocks": score_blocks(evaluation, sheets, scores, results),
        "ranking": [(result, _bid(bidders, result.bid_id)) for result in results],
        "generated_at": timezone.now(),
    }


def _bid(bidders, pk):
    return next(bid for bid in bidders if bid.pk == pk)
