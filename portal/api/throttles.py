"""Counting API requests per token, per signed-in user or per address, in the cache."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from portal.models import ApiToken


class PerTokenThrottle(SimpleRateThrottle):
    scope = "api"

    def get_rate(self):
        # Read when asked, so the operator's setting (and a test's) applies without a restart.
        return settings.API_THROTTLE_RATE

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user is not None and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"address-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
