"""Streaming stored documents to people who may see them.

Media files have no public URL (no ``MEDIA_URL`` route, private bucket): every download goes
through a view that checks permission and then returns ``file_response``.
"""

import logging
import re
import unicodedata
from pathlib import PurePosixPath

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.utils.translation import gettext as _

from portal.documents.storage import STORAGE_ERRORS
from portal.documents.validation import TYPES_BY_MIME

log = logging.getLogger(__name__)
FALLBACK_MIME = "application/octet-stream"
MAX_DOWNLOAD_NAME = 150
_EXTENSION_ALIASES = {"jpg": {"jpg", "jpeg"}}


def file_response(storage_name, *, download_name, mime):
    """Stream the stored file ``storage_name`` from the default storage as an attachment.

    The caller has already checked that the user may see the document. ``download_name`` (the
    uploader's original name) is cleaned by ``safe_download_name``; ``mime`` is sent only if it
    is an accepted document type, otherwise ``application/octet-stream``. The response carries
    ``Content-Disposition: attachment``, ``X-Content-Type-Options: nosniff``,
    ``Cache-Control: private, no-store`` and a sandboxing ``Content-Security-Policy``, so a
    browser never renders the file inside the portal's origin and no shared cache keeps it.
    Works for local and S3 storage alike (bytes pass through the portal; no signed URL is
    handed out). A missing file raises ``Http404``; a storage that does not answer gives a 503
    saying so, in the user's language.
    """
    try:
        handle = default_storage.open(storage_name, "rb")
    except (FileNotFoundError, IsADirectoryError):
        raise Http404 from None
    except STORAGE_ERRORS as error:
        log.warning("Reading %s failed: %s", storage_name, error)
        message = _("The file store is not answering. Please try again in a few minutes.")
        return HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
    content_type = mime if mime in TYPES_BY_MIME else FALLBACK_MIME
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=safe_download_name(download_name, mime=content_type),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def safe_download_name(name, *, mime):
    """A file name safe to offer for download: last path part only, no control characters,
    no leading dots, at most 150 characters, ending in the extension of ``mime``'s type
    (``"report.pdf"`` holding a PNG becomes ``"report.pdf.png"``) so the user's computer opens it
    with the right program. Falls back to ``document.<ext>``.
    """
    name = re.split(r"[/\\]", name or "")[-1]
    name = "".join(char for char in name if not unicodedata.category(char).startswith("C"))
    name = " ".join(name.split()).lstrip(". ")
    detected = TYPES_BY_MIME.get(mime)
    if detected is None:
        return _shorten(name or "document", "")
    suffix = PurePosixPath(name).suffix.lower().lstrip(".")
    if suffix in _EXTENSION_ALIASES.get(detected.ext, {detected.ext}):
        cut = len(name) - len(suffix) - 1
        return _shorten(name[:cut], name[cut:])
    return _shorten(name or "document", f".{detected.ext}")


def _shorten(stem, suffix):
    return stem[: MAX_DOWNLOAD_NAME - len(suffix)] + suffix
