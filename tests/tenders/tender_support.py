"""Helpers shared by the tender tests: bids in a given state and outbox look-ups."""

import datetime

from django.utils import timezone

from providers.models import MemberRole
from tenders.models import Bid
from tests.factories.providers import ProviderFactory, admin_of, member_of
from workflows.models import OutboxMessage


def bid_in(tender, state, provider=None):
    """A bid on ``tender`` in ``state``, of ``provider`` or a new verified organisation."""
    provider = provider or ProviderFactory(verified=True)
    fields = {}
    if state == Bid.State.SUBMITTED:
        fields = {"submitted_at": timezone.now(), "content_sha256": "0" * 64}
    return Bid.objects.create(
        tender=tender, provider=provider, created_by=admin_of(provider), state=state, **fields
    )


def editor_of(provider):
    return member_of(provider, MemberRole.EDITOR)


def recipients(event):
    """The ids of the people an event was written to (any channel)."""
    return set(OutboxMessage.objects.filter(event=event).values_list("recipient", flat=True))


def at_ashgabat(year, month, day, hour, minute=0):
    """An aware moment given as Ashgabat wall-clock time (UTC+05:00)."""
    return datetime.datetime(
        year, month, day, hour, minute, tzinfo=datetime.timezone(datetime.timedelta(hours=5))
    )
