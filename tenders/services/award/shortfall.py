"""Why a decision awards fewer bids than the tender planned, in words its readers understand.

The reasons are found by walking the decision's own lines (the ranking, scores and amounts
recorded when it was proposed) with the walk that chose its winners
(``results.select_winners``), so the page explains exactly what decided the award.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import ngettext

from portal.formatting import money
from tenders.services.evaluation.results import excluded_from_award, select_winners


@dataclass(frozen=True)
class Shortfall:
    """``made`` awards of the ``planned`` ones; ``candidates`` bids could win; the
    ``best_total`` of the best-ranked of them (as many as were planned) and the tender's
    ``ceiling``; ``over_ceiling`` when the ceiling kept a candidate out."""

    planned: int
    made: int
    candidates: int
    best_count: int
    best_total: Decimal
    ceiling: Decimal | None
    over_ceiling: bool

    @property
    def text(self):
        """The explanation in the active language, amounts written as it writes them."""
        sentences = [
            ngettext("%(count)s award was planned.", "%(count)s awards were planned.", self.planned)
            % {"count": self.planned}
        ]
        if self.candidates < self.planned:
            sentences.append(
                ngettext(
                    "Only %(count)s bid can be awarded: the others are ineligible, below the "
                    "minimum technical score or excluded after an objection.",
                    "Only %(count)s bids can be awarded: the others are ineligible, below the "
                    "minimum technical score or excluded after an objection.",
                    self.candidates,
                )
                % {"count": self.candidates}
            )
        if self.over_ceiling:
            sentences.append(
                ngettext(
                    "The %(count)s best-ranked bid asks %(total)s TMT, more than the ceiling of "
                    "%(ceiling)s TMT.",
                    "The %(count)s best-ranked bids together ask %(total)s TMT, more than the "
                    "ceiling of %(ceiling)s TMT.",
                    self.best_count,
                )
                % {
                    "count": self.best_count,
                    "total": money(self.best_total),
                    "ceiling": money(self.ceiling),
                }
            )
        sentences.append(
            ngettext("So %(count)s award was made.", "So %(count)s awards were made.", self.made)
            % {"count": self.made}
        )
        return " ".join(sentences)


def award_shortfall(decision):
    """The ``Shortfall`` of ``decision``, or None when it awards as many bids as planned."""
    tender = decision.tender
    lines = [line for line in decision.lines.all() if line.rank is not None]
    lines.sort(key=lambda line: line.rank)
    amounts = {line.bid_id: line.amount for line in lines}
    selection = select_winners(
        lines,
        amounts,
        awards_count=tender.awards_count,
        ceiling=tender.budget_ceiling,
        excluded=excluded_from_award(tender, before=decision),
    )
    if len(selection.chosen) >= tender.awards_count:
        return None
    best = selection.candidates[: tender.awards_count]
    return Shortfall(
        planned=tender.awards_count,
        made=len(selection.chosen),
        candidates=len(selection.candidates),
        best_count=len(best),
        best_total=sum((amounts[bid_id] for bid_id in best), Decimal(0)),
        ceiling=tender.budget_ceiling,
        over_ceiling=bool(selection.over_ceiling),
    )
