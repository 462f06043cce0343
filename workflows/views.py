"""The notification centre: a user's own notifications, read one by one or all at once."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from workflows import selectors, services

PAGE_SIZE = 20


@login_required
def notification_list(request):
    notifications = selectors.notifications_for(request.user)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "workflows/notification_list.html", {"page": page})


@login_required
@require_POST
def notification_read(request, pk):
    notification = get_object_or_404(selectors.notifications_for(request.user), pk=pk)
    services.notification_mark_read(actor=request.user, notification=notification)
    if request.POST.get("open") and _is_local(request, notification.url):
        return redirect(notification.url)
    return redirect(_back(request))


@login_required
@require_POST
def notifications_read_all(request):
    count = services.notifications_mark_all_read(actor=request.user)
    text = ngettext(
        "%(count)d notification marked as read.", "%(count)d notifications marked as read.", count
    )
    messages.success(request, text % {"count": count})
    return redirect(_back(request))


def _back(request):
    target = request.POST.get("next", "")
    return target if _is_local(request, target) else "workflows:notifications"


def _is_local(request, url):
    # Only a path: ``redirect`` would take any other word for the name of a view.
    return url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
