"""Reading a user's notifications."""

from workflows.models import Notification


def notifications_for(user):
    """The user's own notifications, newest first."""
    return Notification.objects.filter(recipient=user)


def unread_count(user):
    return notifications_for(user).filter(read_at__isnull=True).count()
