"""Reading a user's notifications and file jobs."""

from workflows.models import FileJob, Notification


def notifications_for(user):
    """The user's own notifications, newest first."""
    return Notification.objects.filter(recipient=user)


def unread_count(user):
    return notifications_for(user).filter(read_at__isnull=True).count()


def file_jobs_for(user):
    """The user's own file jobs, newest first; anybody else's are not there."""
    return FileJob.objects.filter(owner=user)
