"""The system administrators' page of stuck work: late sweeps, stuck messages and file jobs."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone

from portal.permissions import is_system_admin
from workflows import monitoring

SHOWN = 100


@login_required
def stuck_work(request):
    if not is_system_admin(request.user):
        raise PermissionDenied
    now = timezone.now()
    messages = monitoring.stuck_messages(now)
    jobs = monitoring.stuck_jobs(now)
    context = {
        "late_sweeps": monitoring.late_sweeps(now),
        "messages": messages[:SHOWN],
        "message_count": messages.count(),
        "jobs": jobs[:SHOWN],
        "job_count": jobs.count(),
    }
    return render(request, "workflows/stuck_work.html", context)
