"""The grant officers' monitoring dashboard: the page across every pilot, a page per grant, and
their tables as CSV and XLSX. Officer pages: anybody else gets a 404."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from grants.dashboard.board import COUNTING_RULE, dashboard_board
from grants.dashboard.exports import csv_response, xlsx_response
from grants.dashboard.grant import grant_page
from grants.views.common import officer_or_404


@login_required
def dashboard(request):
    officer_or_404(request)
    board = dashboard_board(request, timezone.localdate())
    context = {"board": board, "query": request.GET.urlencode(), "rule": COUNTING_RULE}
    return render(request, "grants/dashboard/dashboard.html", context)


@login_required
def dashboard_csv(request, table):
    officer_or_404(request)
    board = dashboard_board(request, timezone.localdate())
    if not board.valid:
        return _invalid_filters()
    return csv_response(_table(board, table), _filename(f"grants-dashboard-{table}", "csv"))


@login_required
def dashboard_xlsx(request):
    officer_or_404(request)
    board = dashboard_board(request, timezone.localdate())
    if not board.valid:
        return _invalid_filters()
    about = [*board.filter.chosen(), (_("How figures are counted"), COUNTING_RULE)]
    return xlsx_response(
        board.tables,
        _filename("grants-dashboard", "xlsx"),
        title=_("Grant monitoring dashboard"),
        about=about,
    )


@login_required
def dashboard_grant(request, pk):
    officer_or_404(request)
    page = grant_page(request.user, pk, timezone.localdate())
    context = {"page": page, "agreement": page.agreement, "rule": COUNTING_RULE}
    return render(request, "grants/dashboard/grant.html", context)


@login_required
def dashboard_grant_csv(request, pk, table):
    officer_or_404(request)
    page = grant_page(request.user, pk, timezone.localdate())
    name = _filename(f"{page.agreement.reference}-{table}", "csv")
    return csv_response(_table(page, table), name)


@login_required
def dashboard_grant_xlsx(request, pk):
    officer_or_404(request)
    page = grant_page(request.user, pk, timezone.localdate())
    return xlsx_response(
        page.tables,
        _filename(page.agreement.reference, "xlsx"),
        title=_("Grant %(reference)s") % {"reference": page.agreement.reference},
        about=[(_("How figures are counted"), COUNTING_RULE)],
    )


def _invalid_filters():
    return HttpResponseBadRequest(
        _("The filters are not valid: choose them again on the dashboard."),
        content_type="text/plain; charset=utf-8",
    )


def _table(page, key):
    table = page.table(key)
    if table is None:
        raise Http404
    return table


def _filename(name, extension):
    # Only letters, digits and dashes: the name goes into a header unquoted by browsers.
    safe = "".join(char if char.isascii() and char.isalnum() else "-" for char in name)
    return f"{safe}-{timezone.localdate().isoformat()}.{extension}"
