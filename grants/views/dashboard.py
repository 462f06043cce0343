"""The grant officers' monitoring dashboard: the page across every pilot, a page per grant, and
their tables as CSV and XLSX, written in the background (a file job: the buttons start it and
lead to its page). Officer pages: anybody else gets a 404."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grants.dashboard.board import COUNTING_RULE, dashboard_board
from grants.dashboard.grant import grant_page
from grants.dashboard.jobs import CSV, DASHBOARD_EXPORT, XLSX, export_parameters, filters_valid
from grants.views.common import officer_or_404
from portal.pagination import filters_of
from workflows.errors import DomainError
from workflows.jobs import file_job_start


@login_required
def dashboard(request):
    officer_or_404(request)
    board = dashboard_board(request, timezone.localdate(), paginated=True)
    context = {"board": board, "query": filters_of(request), "rule": COUNTING_RULE}
    return render(request, "grants/dashboard/dashboard.html", context)


@login_required
@require_POST
def dashboard_csv(request, table):
    filters = filters_of(request)
    return _export(request, export_parameters(file_format=CSV, filters=filters, table=table))


@login_required
@require_POST
def dashboard_xlsx(request):
    return _export(request, export_parameters(file_format=XLSX, filters=filters_of(request)))


@login_required
def dashboard_grant(request, pk):
    officer_or_404(request)
    page = grant_page(request.user, pk, timezone.localdate())
    context = {"page": page, "agreement": page.agreement, "rule": COUNTING_RULE}
    return render(request, "grants/dashboard/grant.html", context)


@login_required
@require_POST
def dashboard_grant_csv(request, pk, table):
    return _export(request, export_parameters(file_format=CSV, table=table, grant=pk))


@login_required
@require_POST
def dashboard_grant_xlsx(request, pk):
    return _export(request, export_parameters(file_format=XLSX, grant=pk))


def _export(request, parameters):
    officer_or_404(request)
    if parameters["grant"] is None and not filters_valid(request.user, parameters["filters"]):
        return HttpResponseBadRequest(
            _("The filters are not valid: choose them again on the dashboard."),
            content_type="text/plain; charset=utf-8",
        )
    try:
        job = file_job_start(actor=request.user, kind=DASHBOARD_EXPORT, parameters=parameters)
    except DomainError:
        # The only refusal left is a grant the officer does not monitor.
        raise Http404 from None
    return redirect(job)
