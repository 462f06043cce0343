"""The open-data endpoints and pages: public, read-only, no login."""

import datetime

from django.conf import settings
from django.core.paginator import InvalidPage
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_safe

from tenders.localtime import ASHGABAT
from tenders.models import BulkFile
from tenders.opendata import packages
from tenders.opendata.bulk import NAMES, bulk_url
from tenders.opendata.common import absolute
from tenders.opendata.parties import PROVIDER_SCHEME

BULK_FORMATS = {name: file_format for file_format, name in NAMES.items()}
BULK_TYPES = {
    BulkFile.Format.JSON: "application/json",
    BulkFile.Format.CSV: "application/zip",
    BulkFile.Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@require_safe
def releases(request):
    """A page of the release package, oldest first, filtered by ``since`` and ``until``."""
    try:
        since, _inclusive = _moment(request.GET, "since")
        until, inclusive = _moment(request.GET, "until", end=True)
    except ValueError as error:
        return _json({"error": str(error)}, status=400)
    pages = packages.release_pages(packages.releases(since, until, inclusive))
    try:
        page = pages.page(request.GET.get("page") or 1)
    except InvalidPage:
        return _json({"error": _("There is no such page.")}, status=404)
    links = {}
    if page.has_next():
        links["next"] = _page_url(request, page.next_page_number())
    if page.has_previous():
        links["prev"] = _page_url(request, page.previous_page_number())
    package = packages.release_package(
        page.object_list, uri=_page_url(request, page.number), links=links
    )
    return _json(package)


@require_safe
def record(request, ocid):
    """The record package of one contracting process."""
    rows = packages.process_releases(ocid)
    if not rows:
        return _json({"error": _("No contracting process has this OCID.")}, status=404)
    uri = absolute(reverse("opendata:record", args=[ocid]))
    return _json(packages.record_package(ocid, rows, uri=uri))


@require_safe
def publisher(request):
    return render(request, "opendata/publisher.html", _links())


@require_safe
def licence(request):
    return render(request, "opendata/licence.html", _links())


@require_safe
def policy(request):
    return render(request, "opendata/policy.html", _links())


def _links():
    return {
        "releases_url": absolute(reverse("opendata:releases")),
        "record_url": absolute(reverse("opendata:record", args=["OCID"])),
        "prefix": settings.OCDS_PREFIX,
        "example": f"{settings.OCDS_PREFIX}-SC-2026-0001",
        "scheme": PROVIDER_SCHEME,
        "bulk_urls": {file_format: absolute(bulk_url(file_format)) for file_format in NAMES},
    }


def _json(data, status=200):
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def _page_url(request, number):
    query = {name: request.GET[name] for name in ("since", "until") if request.GET.get(name)}
    if number > 1:
        query["page"] = number
    path = reverse("opendata:releases")
    return absolute(f"{path}?{urlencode(query)}" if query else path)


def _moment(query, name, end=False):
    """The ``name`` parameter as an aware datetime, and whether it is included: a date alone
    means Ashgabat's midnight (for ``until``, the midnight after it, excluded); a time without an
    offset is Ashgabat's. ``(None, True)`` when absent; ValueError when unreadable."""
    text = (query.get(name) or "").strip()
    if not text:
        return None, True
    try:
        day = parse_date(text)
        moment = None if day else parse_datetime(text)
    except ValueError:
        day = moment = None
    if day is not None:
        start = datetime.datetime.combine(day, datetime.time.min, tzinfo=ASHGABAT)
        return (start + datetime.timedelta(days=1), False) if end else (start, True)
    if moment is None:
        raise ValueError(
            _(
                "“%(name)s” must be a date (2026-03-15) or a date and time "
                "(2026-03-15T09:00:00+05:00)."
            )
            % {"name": name}
        )
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ASHGABAT)
    return moment, True


def _bulk_row(name):
    file_format = BULK_FORMATS.get(name)
    return BulkFile.objects.filter(format=file_format).first() if file_format else None


def _bulk_modified(request, name):
    row = _bulk_row(name)
    return row.written_at if row else None


@require_safe
@condition(last_modified_func=_bulk_modified)
def bulk(request, name):
    """A nightly bulk file, streamed from the document storage, with its Last-Modified date."""
    if name not in BULK_FORMATS:
        raise Http404
    row = _bulk_row(name)
    if row is None:
        return _json({"error": _("The bulk file has not been written yet.")}, status=404)
    file_format = BulkFile.Format(row.format)
    return FileResponse(
        row.file.storage.open(row.file.name, "rb"),
        content_type=BULK_TYPES[file_format],
        as_attachment=file_format != BulkFile.Format.JSON,
        filename=name,
    )
