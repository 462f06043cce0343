"""Natural order: numbers inside names and references count as numbers, so "Staff 2" comes
before "Staff 10" (plain text order puts "Staff 10" first)."""

from django.db.models import Value
from django.db.models.functions import Length, Reverse, StrIndex, Substr
from natsort import natsort_keygen, ns

natural_key = natsort_keygen(alg=ns.IGNORECASE)


def naturally(rows, key):
    """``rows`` as a list, in natural order of ``key(row)``.

    Sorted in Python, so only for lists bounded by their nature (one organisation's staff or
    members), never for a paginated or growing list, which the database must order.
    """
    return sorted(rows, key=lambda row: natural_key(key(row)))


def reference_order(field="reference"):
    """Database order (for ``order_by``) of references ending in a counter after their last
    hyphen (``GA-2026-0007``): by what comes before the counter, then the counter as a number
    (shorter first, then as text), so ``GA-2026-10000`` follows ``GA-2026-9999`` and precedes
    ``GA-2027-0001`` once a counter outgrows its padding. Plain text functions only, so it
    works on SQLite and PostgreSQL alike and never fails on a reference of another shape."""
    from_end = StrIndex(Reverse(field), Value("-"))
    prefix = Substr(field, 1, Length(field) - from_end + 1)
    counter = Substr(field, Length(field) - from_end + 2)
    return [prefix.asc(), Length(counter).asc(), counter.asc()]
