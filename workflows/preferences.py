"""How a user wants their email notifications: each one as it happens, or one digest a day.

The user model keeps the choice in its ``email_frequency`` field (as it keeps ``language``, which
delivery also reads). The email copy of a message to a user who chose the digest is *held*: it is
neither published nor delivered one by one, and ``workflows.digest`` sends it once a day with the
user's other held messages. In-app notifications are never held, and neither are the emails of
events registered with ``send_immediately`` (a password reset link cannot wait for tomorrow).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from workflows.models import OutboxMessage

EMAIL = OutboxMessage.Channel.EMAIL


class EmailFrequency(models.TextChoices):
    IMMEDIATE = "immediate", _("Each email as soon as something happens")
    DAILY = "daily", _("One summary email a day")


_immediate_events = set()


def send_immediately(*events):
    """Never hold the emails of ``events`` for the digest. Apps call this in ``ready()``."""
    _immediate_events.update(events)


def is_held(message):
    """Whether ``message`` (an OutboxMessage) waits for its recipient's daily digest."""
    return (
        message.channel == EMAIL
        and message.event not in _immediate_events
        and getattr(message.recipient, "email_frequency", "") == EmailFrequency.DAILY
    )


def held():
    """The ``Q`` filter of OutboxMessage rows that ``is_held`` answers yes for."""
    condition = Q(channel=EMAIL, recipient__email_frequency=EmailFrequency.DAILY)
    if _immediate_events:
        condition &= ~Q(event__in=sorted(_immediate_events))
    return condition
