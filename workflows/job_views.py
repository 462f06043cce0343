"""The page of a file job: its progress while it runs, then the file (for its owner only)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from portal.documents.serving import file_response
from workflows import jobs, selectors
from workflows.errors import DomainError


@login_required
def file_job(request, pk):
    job = get_object_or_404(selectors.file_jobs_for(request.user), pk=pk)
    return render(request, "workflows/file_job.html", {"job": job, "title": jobs.title(job)})


@login_required
def file_job_status(request, pk):
    """The status fragment the job page polls (htmx) while the job is unfinished."""
    job = get_object_or_404(selectors.file_jobs_for(request.user), pk=pk)
    return render(request, "workflows/includes/file_job_status.html", {"job": job})


@login_required
def file_job_download(request, pk):
    job = get_object_or_404(selectors.file_jobs_for(request.user), pk=pk)
    if not jobs.may_download(request.user, job) or not job.file:
        raise Http404
    return file_response(job.file.name, download_name=job.file_name, mime=job.mime)


@login_required
@require_POST
def file_job_retry(request, pk):
    """The "Try again" button of a failed job: a new job, whose page the owner is sent to."""
    job = get_object_or_404(selectors.file_jobs_for(request.user), pk=pk)
    try:
        job = jobs.file_job_retry(actor=request.user, job=job)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(job)
