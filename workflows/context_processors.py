from workflows import selectors


def notifications(request):
    """``unread_notifications``: the signed-in user's unread count, counted only when used."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": lambda: selectors.unread_count(user)}
