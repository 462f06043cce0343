"""The notification outbox: messages committed with the change that caused them."""

import logging
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from workflows import preferences
from workflows.models import OutboxMessage

log = logging.getLogger(__name__)

CHANNELS = (OutboxMessage.Channel.EMAIL, OutboxMessage.Channel.IN_APP)

_left_for_relay = ContextVar("left_for_relay", default=False)


@contextmanager
def left_for_relay():
    """Inside: rows are written as always but not published at commit, as when the broker is
    down; the relay task publishes them later. For loading data in bulk (``populate_scale``),
    where each of tens of thousands of notices would otherwise make its own trip to the
    broker."""
    token = _left_for_relay.set(True)
    try:
        yield
    finally:
        _left_for_relay.reset(token)


@dataclass(frozen=True)
class Notice:
    """What to tell whom: ``event`` names the templates ``notifications/<event>/subject.txt``
    and ``body.txt``; ``context`` must be JSON-serialisable.

    Inactive recipients are left out, unless ``include_inactive`` is set: only for the mail
    that lets a new account confirm its address, whose owner cannot be active yet."""

    event: str
    recipients: tuple
    context: dict = field(default_factory=dict)
    url: str = ""
    channels: tuple = CHANNELS
    include_inactive: bool = False


def enqueue(notices, *, key):
    """Write one outbox row per notice, recipient and channel, unique by ``key``.

    Writing the same key again adds nothing, so a repeated sweep or a retried request never
    sends twice. Rows are published to the broker after the surrounding transaction commits.
    """
    rows = [
        OutboxMessage(
            key=f"{key}:{notice.event}:{recipient.pk}:{channel}",
            event=notice.event,
            recipient=recipient,
            channel=channel,
            context=notice.context,
            url=notice.url,
        )
        for notice in notices or ()
        for recipient in _unique(notice.recipients, include_inactive=notice.include_inactive)
        for channel in notice.channels
    ]
    if not rows:
        return
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True)
    if _left_for_relay.get():
        return
    keys = [row.key for row in rows]
    transaction.on_commit(lambda: publish_keys(keys))


def publish_keys(keys):
    """Publish the rows written under ``keys`` that nobody has published yet.

    A key written again (a repeated sweep) finds its row already published or delivered and
    publishes nothing more. Emails held for a daily digest are not published: the digest sends
    them.
    """
    ids = (
        OutboxMessage.objects.filter(
            key__in=keys, published_at__isnull=True, delivered_at__isnull=True
        )
        .exclude(preferences.held())
        .values_list("pk", flat=True)
    )
    publish(list(ids))


def publish(ids):
    """Hand messages to the broker and return the ids it took.

    A broker that is down fails the first message fast (the broker socket timeouts in the
    settings), and the rest are not tried: they stay unpublished for the relay task, so a web
    request never waits on the broker for long.
    """
    from workflows.tasks import deliver_message

    published = []
    for pk in ids:
        try:
            deliver_message.apply_async((pk,), retry=False)
        except Exception:  # noqa: BLE001 - any broker failure leaves the row for the relay
            log.warning("Broker unavailable; outbox message %s left for the relay", pk)
            break
        published.append(pk)
    if published:
        OutboxMessage.objects.filter(pk__in=published).update(published_at=timezone.now())
    return published


def _unique(recipients, *, include_inactive=False):
    seen = set()
    for recipient in recipients:
        if recipient is None or recipient.pk in seen:
            continue
        if recipient.is_active or include_inactive:
            seen.add(recipient.pk)
            yield recipient
