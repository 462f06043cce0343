"""The aggregation rules, with worked numbers: no database."""

from datetime import datetime, timedelta
from decimal import Decimal as D

from tenders.services.evaluation.aggregation import (
    Criterion,
    Entry,
    aggregate,
    diverges,
    mean,
    price_score,
    technical_score,
)
from tenders.services.evaluation.results import choose_winners

T0 = datetime(2026, 3, 1, 12, 0)
APPROACH = Criterion(id=1, weight=60, max_points=10)
STAFF = Criterion(id=2, weight=40, max_points=10)


def _scores(table):
    """``{bid: {criterion: [points]}}`` -> ``{(bid, criterion): [Decimal]}``."""
    return {
        (bid, criterion): [D(str(p)) for p in points]
        for bid, by_criterion in table.items()
        for criterion, points in by_criterion.items()
    }


def test_the_mean_of_three_evaluators():
    assert mean([D(7), D(8), D(9)]) == D(8)
    assert mean([]) is None


def test_technical_score_is_the_weighted_share_of_the_maximum():
    # (8 / 10) * 60 + (6 / 10) * 40 = 48 + 24
    assert technical_score({1: D(8), 2: D(6)}, [APPROACH, STAFF]) == D("72.00")


def test_technical_score_is_rounded_to_two_decimals():
    # mean 22/3: (7.333... / 10) * 40 = 29.333... -> 29.33
    assert technical_score({2: mean([D(7), D(7), D(8)])}, [STAFF]) == D("29.33")


def test_price_score_is_lowest_price_over_own_price_times_the_weight():
    assert price_score(D(100000), D(100000), 20) == D("20.00")
    assert price_score(D(100000), D(125000), 20) == D("16.00")
    # 100000 / 150000 * 20 = 13.333... -> 13.33
    assert price_score(D(100000), D(150000), 20) == D("13.33")
    assert price_score(D(100000), D(150000), 0) == D("0.00")


def test_worked_example_with_a_price_criterion():
    approach = Criterion(id=1, weight=50, max_points=10)
    staff = Criterion(id=2, weight=30, max_points=20)
    entries = [
        Entry(id=10, price=D(100000), received_at=T0),
        Entry(id=11, price=D(125000), received_at=T0 + timedelta(hours=1)),
        Entry(id=12, price=D(150000), received_at=T0 + timedelta(hours=2)),
    ]
    scores = _scores(
        {
            10: {1: [7, 8, 9], 2: [15, 16, 17]},  # 40 + 24 = 64; price 20 -> 84
            11: {1: [9, 9, 9], 2: [18, 18, 18]},  # 45 + 27 = 72; price 16 -> 88
            12: {1: [6, 6.5, 7], 2: [10, 10, 10]},  # 32.5 + 15 = 47.5; price 13.33 -> 60.83
        }
    )
    results = aggregate(
        criteria=[approach, staff], entries=entries, scores=scores, price_weight=20, share=D("0.3")
    )
    assert [(r.bid_id, r.rank) for r in results] == [(11, 1), (10, 2), (12, 3)]
    by_bid = {r.bid_id: r for r in results}
    assert (by_bid[10].technical, by_bid[10].price, by_bid[10].total) == (
        D("64.00"),
        D("20.00"),
        D("84.00"),
    )
    assert (by_bid[11].technical, by_bid[11].price, by_bid[11].total) == (
        D("72.00"),
        D("16.00"),
        D("88.00"),
    )
    assert (by_bid[12].technical, by_bid[12].price, by_bid[12].total) == (
        D("47.50"),
        D("13.33"),
        D("60.83"),
    )
    assert by_bid[12].means == {1: D("6.5"), 2: D(10)}


def test_without_a_price_weight_there_is_no_price_score():
    results = aggregate(
        criteria=[APPROACH, STAFF],
        entries=[Entry(id=1, price=D(5), received_at=T0)],
        scores=_scores({1: {1: [8, 8, 8], 2: [6, 6, 6]}}),
        share=D("0.3"),
    )
    assert results[0].price is None
    assert results[0].total == D("72.00")


def test_a_tie_on_total_goes_to_the_higher_technical_score():
    criterion = Criterion(id=1, weight=80, max_points=10)
    entries = [
        Entry(id=1, price=D(100), received_at=T0),
        Entry(id=2, price=D(200), received_at=T0 + timedelta(hours=1)),
    ]
    # bid 1: 7 / 10 * 80 = 56, price 20 -> 76; bid 2: 8.25 / 10 * 80 = 66, price 10 -> 76
    scores = _scores({1: {1: [7, 7, 7]}, 2: {1: [8, 8.5, 8.25]}})
    results = aggregate(
        criteria=[criterion], entries=entries, scores=scores, price_weight=20, share=D("0.3")
    )
    assert [r.total for r in results] == [D("76.00"), D("76.00")]
    assert [r.bid_id for r in results] == [2, 1]


def test_a_tie_on_total_and_technical_goes_to_the_earlier_receipt():
    entries = [
        Entry(id=1, price=D(1), received_at=T0 + timedelta(minutes=5)),
        Entry(id=2, price=D(1), received_at=T0),
    ]
    scores = _scores({1: {1: [8, 8, 8], 2: [6, 6, 6]}, 2: {1: [8, 8, 8], 2: [6, 6, 6]}})
    results = aggregate(criteria=[APPROACH, STAFF], entries=entries, scores=scores, share=D("0.3"))
    assert [(r.bid_id, r.rank) for r in results] == [(2, 1), (1, 2)]


def test_a_bid_below_the_minimum_keeps_its_rank_but_is_marked():
    results = aggregate(
        criteria=[APPROACH, STAFF],
        entries=[Entry(id=1, price=D(1), received_at=T0), Entry(id=2, price=D(1), received_at=T0)],
        scores=_scores({1: {1: [5, 5, 5], 2: [5, 5, 5]}, 2: {1: [8, 8, 8], 2: [8, 8, 8]}}),
        min_technical=D("60.00"),
        share=D("0.3"),
    )
    assert [(r.bid_id, r.passes_minimum) for r in results] == [(2, True), (1, False)]


def test_divergence_is_a_spread_above_the_share_of_the_maximum():
    # 30 % of 10 points is 3: a spread of exactly 3 is not flagged, 3.1 is.
    assert not diverges([D(5), D(8)], 10, D("0.30"))
    assert diverges([D(5), D("8.1")], 10, D("0.30"))
    assert diverges([D(2), D(6), D(5)], 10, D("0.30"))
    assert not diverges([D(9)], 10, D("0.30"))


def test_divergent_criteria_are_listed_per_bid():
    results = aggregate(
        criteria=[APPROACH, STAFF],
        entries=[Entry(id=1, price=D(1), received_at=T0)],
        scores=_scores({1: {1: [2, 8, 5], 2: [6, 6, 7]}}),
        share=D("0.3"),
    )
    assert results[0].divergent == [APPROACH.id]


class _Ranked:
    def __init__(self, bid_id, passes=True):
        self.bid_id, self.passes_minimum = bid_id, passes


def test_winners_follow_the_ranking_up_to_the_number_of_awards():
    ranked = [_Ranked(1), _Ranked(2), _Ranked(3)]
    amounts = {1: D(100), 2: D(200), 3: D(150)}
    assert choose_winners(ranked, amounts, awards_count=2, ceiling=D(300)) == [1, 2]


def test_a_bid_that_would_break_the_ceiling_is_passed_over_for_the_next():
    ranked = [_Ranked(1), _Ranked(2), _Ranked(3)]
    amounts = {1: D(100), 2: D(200), 3: D(150)}
    assert choose_winners(ranked, amounts, awards_count=2, ceiling=D(260)) == [1, 3]


def test_bids_below_the_minimum_or_excluded_never_win():
    ranked = [_Ranked(1, passes=False), _Ranked(2), _Ranked(3)]
    amounts = {1: D(1), 2: D(1), 3: D(1)}
    assert choose_winners(ranked, amounts, awards_count=1, ceiling=None) == [2]
    assert choose_winners(ranked, amounts, awards_count=1, ceiling=None, excluded={2}) == [3]
