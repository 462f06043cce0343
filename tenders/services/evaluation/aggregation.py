"""Turning the evaluators' scores into results: pure functions, no database.

The rules, with the numbers rounded as stated:

* per bid and criterion, the mean of the evaluators' points (kept exact);
* technical score = sum over criteria of (mean / max_points) * weight, rounded to 2 decimals;
* when the tender gives price a weight, price score = lowest total price among the eligible
  bids / this bid's total price * price_weight, rounded to 2 decimals (0 when the bid's
  price is not positive);
* total = technical + price;
* a (bid, criterion) diverges when the evaluators' highest and lowest points differ by more
  than ``share`` of the criterion's maximum (max - min > share * max_points);
* ranking: higher total, then higher technical score, then earlier receipt, then lower bid id
  (so every rank is distinct); a bid below the minimum technical score keeps its rank but
  cannot win.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Criterion:
    id: int
    weight: int
    max_points: int


@dataclass(frozen=True)
class Entry:
    """An eligible bid: its id, total price and time of receipt."""

    id: int
    price: Decimal
    received_at: object


@dataclass
class Result:
    bid_id: int
    means: dict
    technical: Decimal
    price: Decimal | None
    total: Decimal
    passes_minimum: bool
    received_at: object
    divergent: list = field(default_factory=list)
    rank: int | None = None


def rounded(value):
    return Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def mean(points):
    """The exact mean of ``points`` (Decimals); None when there are none."""
    points = [Decimal(p) for p in points]
    if not points:
        return None
    return sum(points, Decimal(0)) / len(points)


def technical_score(means, criteria):
    """Sum over ``criteria`` of (mean / max_points) * weight, rounded; a missing mean counts 0."""
    total = Decimal(0)
    for criterion in criteria:
        value = means.get(criterion.id)
        if value is None or not criterion.max_points:
            continue
        total += value / Decimal(criterion.max_points) * Decimal(criterion.weight)
    return rounded(total)


def price_score(lowest, price, price_weight):
    """lowest / price * price_weight, rounded; 0 without a positive price or weight."""
    if not price_weight or price is None or Decimal(price) <= 0 or lowest is None:
        return Decimal("0.00")
    return rounded(Decimal(lowest) / Decimal(price) * Decimal(price_weight))


def diverges(points, max_points, share):
    """Whether the spread of ``points`` exceeds ``share`` of ``max_points``."""
    if len(points) < 2:
        return False
    return max(points) - min(points) > Decimal(share) * Decimal(max_points)


def rank_key(result):
    return (-result.total, -result.technical, result.received_at, result.bid_id)


def aggregate(*, criteria, entries, scores, price_weight=0, min_technical=None, share):
    """Results for every eligible bid in ``entries``, ranked (see the module's rules).

    ``scores`` maps ``(bid_id, criterion_id)`` to the evaluators' points (Decimals).
    """
    prices = [entry.price for entry in entries if entry.price is not None and entry.price > 0]
    lowest = min(prices) if prices else None
    results = []
    for entry in entries:
        means, divergent = {}, []
        for criterion in criteria:
            points = [Decimal(p) for p in scores.get((entry.id, criterion.id), ())]
            means[criterion.id] = mean(points)
            if diverges(points, criterion.max_points, share):
                divergent.append(criterion.id)
        technical = technical_score(means, criteria)
        price = price_score(lowest, entry.price, price_weight) if price_weight else None
        results.append(
            Result(
                bid_id=entry.id,
                means=means,
                technical=technical,
                price=price,
                total=technical + (price or Decimal(0)),
                passes_minimum=min_technical is None or technical >= Decimal(min_technical),
                received_at=entry.received_at,
                divergent=divergent,
            )
        )
    results.sort(key=rank_key)
    for position, result in enumerate(results, start=1):
        result.rank = position
    return results
