from django.conf import settings
from django.middleware.gzip import GZipMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode

from portal import two_factor
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


class SecondFactorMiddleware:
    """A signed-in user who has, or as staff must have, a second factor reaches no page until
    this session gave a code: they are sent to the code page, or to set up an app first."""

    # Pages of the sign-in itself, and what every page offers (language, sign out).
    OPEN = {
        "login",
        "logout",
        "two_factor_enrol",
        "two_factor_verify",
        "otp_webauthn:credential-authentication-begin",
        "otp_webauthn:credential-authentication-complete",
        "otp_webauthn:js-i18n-catalog",
        "switch_language",
        "set_language",
        "health",
    }

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if request.resolver_match.view_name in self.OPEN:
            return None
        if two_factor.has_second_factor(user):
            step = "two_factor_verify"
        elif two_factor.required_for(user):
            step = "two_factor_enrol"
        else:
            return None
        return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")


class PageGZipMiddleware(GZipMiddleware):
    """Pages go gzip-compressed to browsers that accept it, padded at random against BREACH.
    Files streamed to the browser (documents, exports) go as they are: most are compressed
    already, and they keep their length, so a download shows its progress."""

    def process_response(self, request, response):
        if response.streaming:
            return response
        return super().process_response(request, response)
