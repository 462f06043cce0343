"""The 360Giving endpoints: public, read-only, no login."""

from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_safe

from grants.opendata.giving.grants import grant_package, published_agreements
from grants.opendata.giving.spreadsheet import workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_safe
def package(request):
    """Every published grant as a 360Giving JSON package."""
    return JsonResponse(
        grant_package(published_agreements()), json_dumps_params={"ensure_ascii": False}
    )


@require_safe
def spreadsheet(request):
    """Every published grant as a 360Giving spreadsheet, one row per grant."""
    grants = grant_package(published_agreements())["grants"]
    response = HttpResponse(workbook(grants), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="grants.xlsx"'
    return response
