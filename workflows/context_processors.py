from workflows.models import Notification


def notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notifications": lambda: Notification.objects.filter(
            recipient=user, read_at__isnull=True
        ).count()
    }
