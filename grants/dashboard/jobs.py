"""The dashboard's exports as background file jobs (``workflows.jobs``): the dashboard (with
its filters) or one grant's page, every table as XLSX or one table as CSV."""

from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grants import permissions
from grants.dashboard.board import COUNTING_RULE, dashboard_board
from grants.dashboard.exports import CSV_TYPE, XLSX_TYPE, csv_response, xlsx_response
from grants.dashboard.figures import dashboard_agreements
from grants.dashboard.filters import DashboardFilter
from grants.dashboard.grant import grant_page
from workflows.errors import DomainError

DASHBOARD_EXPORT = "grants.dashboard_export"
CSV = "csv"
XLSX = "xlsx"


def export_parameters(*, file_format, filters="", table="", grant=None):
    """The job parameters of one export: ``filters`` is the dashboard's query string (ignored
    for a grant's page), ``table`` the key of the table a CSV holds."""
    return {
        "format": file_format,
        "table": table if file_format == CSV else "",
        "filters": "" if grant else filters,
        "grant": grant,
    }


def filters_valid(user, filters):
    """Whether the dashboard accepts ``filters`` (a query string) for ``user``."""
    return DashboardFilter(
        QueryDict(filters), queryset=dashboard_agreements(user), request=_request(user, filters)
    ).is_valid()


def may_export(user, parameters):
    """Grant officers; a grant's page only of an agreement they monitor."""
    if parameters.get("format") not in (CSV, XLSX) or not permissions.is_grant_officer(user):
        return False
    grant = parameters.get("grant")
    return grant is None or dashboard_agreements(user).filter(pk=grant).exists()


def produce_export(job, report_progress):
    """``(content, filename, mime)`` of the export the job names, as its owner sees it today."""
    parameters, today = job.parameters, timezone.localdate()
    report_progress(5)
    if parameters["grant"]:
        page = grant_page(job.owner, parameters["grant"], today)
        name = page.agreement.reference
        title = _("Grant %(reference)s") % {"reference": name}
        about = [(_("How figures are counted"), COUNTING_RULE)]
    else:
        page = dashboard_board(_request(job.owner, parameters["filters"]), today)
        if not page.valid:
            raise DomainError("invalid_filters", _("The filters are not valid."))
        name, title = "grants-dashboard", _("Grant monitoring dashboard")
        about = [*page.filter.chosen(), (_("How figures are counted"), COUNTING_RULE)]
    report_progress(50)
    if parameters["format"] == XLSX:
        filename = file_name(name, XLSX)
        return (
            xlsx_response(page.tables, filename, title=title, about=about).content,
            filename,
            XLSX_TYPE,
        )
    table = page.table(parameters["table"])
    if table is None:
        raise DomainError("no_table", _("There is no such table."))
    filename = file_name(f"{name}-{table.key}", CSV)
    return csv_response(table, filename).content, filename, CSV_TYPE


def file_name(name, extension):
    # Only letters, digits and dashes: the name goes into a header unquoted by browsers.
    safe = "".join(char if char.isascii() and char.isalnum() else "-" for char in name)
    return f"{safe}-{timezone.localdate().isoformat()}.{extension}"


def register():
    from workflows import jobs

    jobs.register(
        DASHBOARD_EXPORT,
        produce_export,
        permission=may_export,
        title=gettext_lazy("Monitoring dashboard export"),
    )


def _request(user, filters):
    # The dashboard reads its user and filters from a request; a worker has none of its own.
    request = HttpRequest()
    request.user = user
    request.GET = QueryDict(filters)
    return request
