"""The sealed bid package: the ZIP of what a bid sealed, for its submitter to download.

It exists only in memory when the bid is sealed. The submitter's copy is kept for
``PACKAGE_KEPT_FOR`` seconds in the cache, encrypted under a key held in their session only,
so neither the database nor the cache alone holds it readable.
"""

import base64
import secrets

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpResponse

from tenders.sealing import keys
from tenders.selectors.bid import bid_for

PACKAGE_KEPT_FOR = 60 * 60


def _session_key(bid):
    return f"tenders-bid-package-{bid.pk}"


def _context(bid):
    return f"portal package of bid {bid.pk}".encode()


def package_keep(request, bid):
    """Keep ``bid.package`` for the user who submitted it, in this session."""
    token = secrets.token_urlsafe(16)
    key = keys.new_data_key()
    cache.set(
        f"tenders:bid-package:{token}",
        keys.encrypt(key, bid.package, _context(bid)),
        PACKAGE_KEPT_FOR,
    )
    request.session[_session_key(bid)] = [token, base64.b64encode(key).decode("ascii")]


def _package(request, bid):
    token, key = request.session.get(_session_key(bid)) or (None, None)
    if token is None:
        return None
    sealed = cache.get(f"tenders:bid-package:{token}")
    if sealed is None:
        return None
    try:
        return keys.decrypt(base64.b64decode(key), sealed, _context(bid))
    except keys.DecryptionFailed:
        return None


def package_available(request, bid):
    return _package(request, bid) is not None


@login_required
def bid_package(request, pk):
    bid = bid_for(request.user, pk)
    package = _package(request, bid)
    if package is None:
        raise Http404
    response = HttpResponse(package, content_type="application/zip")
    name = f"{bid.tender.reference}-bid-{bid.pk}-sealed.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
