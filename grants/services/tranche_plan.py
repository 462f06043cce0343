"""Turning the tranche percentages into amounts (no database)."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal("100")


def split_amount(amount, percentages):
    """The amount of each tranche, in TMT rounded to the tiyin (0.01).

    When the percentages add up to 100, the last tranche takes what rounding left over, so the
    amounts add up to ``amount`` exactly; otherwise each is its share rounded.
    """
    amount = Decimal(amount)
    shares = [
        (amount * Decimal(percentage) / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)
        for percentage in percentages
    ]
    if shares and sum(Decimal(p) for p in percentages) == HUNDRED:
        shares[-1] = amount - sum(shares[:-1])
    return shares
