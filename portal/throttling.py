"""How often a browser may try to sign in, reset a password or open an account.

Failed sign-ins are counted by django-axes (per account name and per address, whether the
account exists or not); password resets and sign-ups by django-ratelimit in the cache.
"""

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_ratelimit.core import is_ratelimited

TOO_MANY_REQUESTS = _("Too many requests. Please try again in an hour.")
# Requests from one address, and reset mails asked for one email address, per period.
PASSWORD_RESET_RATES = {"ip": "5/h", "post:email": "3/h"}
SIGN_UP_RATES = {"ip": "5/h"}


def client_address(request):
    """The browser's IP address: the connection's, or, behind ``PORTAL_PROXY_COUNT`` proxies,
    the one the outermost proxy saw (it is the last address the client cannot forge)."""
    count = settings.PORTAL_PROXY_COUNT
    if count:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"


def too_many(request, group, rates):
    """Count one more ``group`` request and tell whether any of ``rates`` (key: rate) is
    exceeded; every key is counted even when an earlier one already is."""
    exceeded = [
        is_ratelimited(request, group=group, key=key, rate=rate, method="POST", increment=True)
        for key, rate in rates.items()
    ]
    return any(exceeded)


def sign_in_paused(request, original_response=None, credentials=None):
    """The login page, answered with 429 and the same message whether the account exists."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    paused = ngettext(
        "Too many failed sign-in attempts. Signing in is paused for %(minutes)d minute; "
        "try again later or reset your password.",
        "Too many failed sign-in attempts. Signing in is paused for %(minutes)d minutes; "
        "try again later or reset your password.",
        minutes,
    ) % {"minutes": minutes}
    context = {
        "form": AuthenticationForm(request),
        "paused": paused,
        "next": request.POST.get("next", request.GET.get("next", "")),
    }
    return render(request, "registration/login.html", context, status=429)
