"""The release packages and record packages the portal serves, and the releases in them."""

from django.core.paginator import Paginator
from django.urls import reverse
from django.utils import timezone

from tenders.models import Release
from tenders.opendata.bids import BIDS_EXTENSION
from tenders.opendata.common import absolute, moment, translated
from tenders.opendata.parties import MINISTRY_NAME
from tenders.opendata.record import compiled_release

VERSION = "1.1"
PAGE_SIZE = 100


def releases(since=None, until=None, until_inclusive=True):
    """Every release, oldest first, dated from ``since`` (included) to ``until``."""
    rows = Release.objects.order_by("date", "id")
    if since is not None:
        rows = rows.filter(date__gte=since)
    if until is not None:
        rows = rows.filter(**{"date__lte" if until_inclusive else "date__lt": until})
    return rows


def release_pages(rows):
    return Paginator(rows, PAGE_SIZE, allow_empty_first_page=True)


def ocids():
    """The OCID of every contracting process with a release."""
    return Release.objects.order_by("ocid").values_list("ocid", flat=True).distinct()


def process_releases(ocid):
    return list(Release.objects.filter(ocid=ocid).order_by("date", "id"))


def release_package(rows, *, uri, links=None):
    """A release package of the releases ``rows``, identified by ``uri``; ``links`` (``next``,
    ``prev``) point to its neighbours in a paginated list."""
    rows = list(rows)
    package = {
        **metadata(uri, max((row.date for row in rows), default=None)),
        "releases": [row.data for row in rows],
    }
    if links:
        package["links"] = links
    return package


def record_package(ocid, rows, *, uri):
    """The record package of one contracting process: its releases, embedded, and the record
    compiled from them."""
    data = [row.data for row in rows]
    return {
        **metadata(uri, rows[-1].date if rows else None),
        "packages": [absolute(reverse("opendata:releases"))],
        "records": [{"ocid": ocid, "releases": data, "compiledRelease": compiled_release(data)}],
    }


def metadata(uri, published):
    """What every package says of itself: its address, the standard's version and extensions,
    its date (a package made on demand is dated by its latest release), the publisher, licence
    and publication policy."""
    return {
        "uri": uri,
        "version": VERSION,
        "extensions": [BIDS_EXTENSION],
        "publishedDate": moment(published or timezone.now()),
        "publisher": {
            "name": translated("name", MINISTRY_NAME)["name"],
            "uri": absolute(reverse("opendata:publisher")),
        },
        "license": absolute(reverse("opendata:licence")),
        "publicationPolicy": absolute(reverse("opendata:policy")),
    }
