"""Fingerprints of what a page showed, so a form submits only what its user saw.

A page that asks "check and confirm" carries the fingerprint of the content it shows in a
hidden field. The service that acts on the confirmation computes the fingerprint again inside
its transaction, after locking the row, and refuses with the domain error code ``stale`` when
the two differ, naming what changed. A fingerprint is computed from content, not kept in a
column: ``v1.`` followed by one short SHA-256 per named part of the page, so a refusal can say
which parts changed. It is not a secret: a forged one that matches the content only states
that the user saw what is there now.
"""

import datetime
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from workflows.errors import DomainError, interpolate_lazy

PREFIX = "v1"
PART_LENGTH = 16
UNREADABLE = _("the page sent did not say which version it showed")


def _plain(value):
    # Equal values give equal text whichever way they were loaded: 450000 and 450000.00 are
    # one amount, and a moment is the same in any time zone.
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def part_digest(value):
    """A short SHA-256 of ``value``: JSON-able content, with Decimals and dates as text."""
    data = json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain
    )
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:PART_LENGTH]


def fingerprint(parts):
    """The fingerprint of ``parts``, a dict of part name to content, in the dict's order."""
    return ".".join([PREFIX, *(part_digest(value) for value in parts.values())])


def changed_parts(seen, parts):
    """The names of the parts that differ from what ``seen`` fingerprinted, in order; None
    when ``seen`` is missing or not a fingerprint of this shape."""
    pieces = (seen or "").split(".")
    if len(pieces) != len(parts) + 1 or pieces[0] != PREFIX:
        return None
    return [
        name
        for name, value, piece in zip(parts, parts.values(), pieces[1:], strict=True)
        if part_digest(value) != piece
    ]


def _join(*phrases):
    return "; ".join(str(phrase) for phrase in phrases)


# Joined when shown, so every phrase reads in the reader's language.
join_lazy = lazy(_join, str)


class StaleError(DomainError):
    """The content changed after the user opened the page; ``changed`` names the parts."""

    def __init__(self, message, changed):
        super().__init__("stale", message)
        self.changed = changed


def check_seen(seen, parts, *, message, labels, after=()):
    """Refuse with ``StaleError`` unless ``seen`` is the fingerprint of ``parts`` now.

    ``seen=None`` means the caller showed no page (the system, demo loading, another service)
    and is not checked; a page always sends a text, and a missing field arrives as ``""``,
    which is refused like a forged one. ``message`` has a ``%(changes)s`` placeholder, filled
    with ``labels`` of the changed parts (one translatable phrase per part name) and then the
    ``after`` phrases (such as the new total).
    """
    if seen is None:
        return
    changed = changed_parts(seen, parts)
    if changed == []:
        return
    if changed is None:
        # An old page, or a forged form: nothing says what the user saw, so nothing is confirmed.
        changed, named = list(parts), [UNREADABLE]
    else:
        named = [labels[name] for name in changed]
    changes = join_lazy(*named, *after)
    raise StaleError(interpolate_lazy(message, {"changes": changes}), changed)


def _nothing_after(obj):
    return ()


@dataclass(frozen=True)
class PageVersion:
    """What one confirmation page shows, so its fingerprint and its check cannot drift apart.

    ``parts(obj)`` reads the page's content in named parts; ``labels`` has one phrase per part
    name; ``message`` is the refusal with a ``%(changes)s`` placeholder; ``after(obj)`` gives
    phrases added after the changed parts (such as a new total).
    """

    parts: Callable[[object], dict]
    labels: dict
    message: str
    after: Callable[[object], tuple] = _nothing_after

    def of(self, obj):
        """The hidden field's value for ``obj`` as it is now."""
        return fingerprint(self.parts(obj))

    def check(self, obj, seen):
        """Refuse with ``StaleError`` unless ``seen`` fingerprints ``obj`` as it is now."""
        check_seen(
            seen, self.parts(obj), message=self.message, labels=self.labels, after=self.after(obj)
        )
