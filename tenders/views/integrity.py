"""The procurement-integrity page and its CSV, for procurement officers and approvers."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from tenders import permissions
from tenders.integrity.export import csv_text
from tenders.integrity.indicators import indicators
from tenders.models.tender import STANDARD_BIDDING_DAYS


@login_required
@require_safe
def integrity(request):
    if not permissions.can_read_integrity(request.user):
        raise PermissionDenied
    context = {"indicators": indicators(), "standard_days": STANDARD_BIDDING_DAYS}
    return render(request, "tenders/integrity.html", context)


@login_required
@require_safe
def integrity_csv(request):
    if not permissions.can_read_integrity(request.user):
        raise PermissionDenied
    response = HttpResponse(csv_text(indicators()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="integrity-indicators.csv"'
    return response
