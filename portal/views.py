"""Views of the site shell: home page, language switch and health report."""

import logging

from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from portal import health as health_checks
from portal.services import user_set_language
from workflows.errors import DomainError

log = logging.getLogger(__name__)


def home(request):
    return render(request, "portal/home.html")


@require_POST
def switch_language(request):
    """Save the chosen language on the account of a signed-in user, then let Django's
    ``set_language`` set the language cookie and redirect back to a safe ``next`` page."""
    if request.user.is_authenticated:
        try:
            user_set_language(
                actor=request.user, user=request.user, language=request.POST.get("language", "")
            )
        except DomainError as error:
            messages.error(request, error.message)
    return set_language(request)


@never_cache
def health(request):
    """200 when the database, the broker and file storage all answer, else 503 naming the part
    that failed. Error details are shown only in debug mode; they are always logged."""
    report = health_checks.check_all()
    for part, result in report.items():
        if not result["ok"]:
            log.warning("Health check %s failed: %s", part, result["error"])
            if not settings.DEBUG:
                result.pop("error")
    status = 200 if all(result["ok"] for result in report.values()) else 503
    return JsonResponse(report, status=status)
