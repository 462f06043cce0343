from django.conf import settings
from django.utils import translation

from portal.permissions import is_staff_member


class UserLanguageMiddleware:
    """A signed-in user sees the portal in the language saved on their account."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


class StaffIdleTimeoutMiddleware:
    """A staff member's session lasts ``STAFF_SESSION_IDLE_SECONDS`` from their last request, so
    a ministry account left open on an unattended computer signs itself out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Read after the view, so the request that signs a staff member in starts the count.
        user = getattr(request, "user", None)
        if user is not None and is_staff_member(user):
            request.session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
        return response
