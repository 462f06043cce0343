"""Writes a user makes in the notification centre."""

from django.utils import timezone

from workflows.errors import forbidden
from workflows.models import Notification


def notification_mark_read(*, actor, notification):
    """Mark one of the actor's notifications read. A repeat keeps the first reading time.

    The caller fetched ``notification`` through ``selectors.notifications_for(actor)``.
    """
    if notification.recipient_id != actor.pk:
        raise forbidden()
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, actor):
    """Mark every unread notification of the actor read; return how many changed. A repeat
    changes nothing."""
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
