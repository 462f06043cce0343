"""Saving validated documents through the default storage under server-generated names.

Files go through ``django.core.files.storage.default_storage`` (``STORAGES["default"]``): the
local file system by default, an S3-compatible bucket in production. The stored name never
contains anything the uploader chose, so it can neither collide with nor reveal another file.
"""

import hashlib
import logging
import re
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePosixPath

from botocore.exceptions import BotoCoreError, ClientError
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from portal.documents.validation import ALLOWED_TYPES, check_size, client_name, validate_upload

log = logging.getLogger(__name__)
_PREFIX = re.compile(r"^[a-z0-9_-]+(/[a-z0-9_-]+)*$")
_KNOWN_EXTENSIONS = {kind.ext for kind in ALLOWED_TYPES}
_EXTENSION_ALIASES = {"jpeg": "jpg"}
# What the file system or an S3 API raises when it cannot take a file (down, full, refusing).
STORAGE_ERRORS = (OSError, BotoCoreError, ClientError)
STORAGE_UNAVAILABLE = _(
    "The file store is not answering, so the file was not saved. Please try again in a few minutes."
)


@dataclass(frozen=True)
class StoredFile:
    """What ``store`` saved: storage name, byte size, SHA-256 hex digest, MIME type, and the
    uploader's file name (kept for display and downloads only)."""

    name: str
    size: int
    sha256: str
    mime: str
    original_name: str


def generate_name(prefix, ext):
    """``<prefix>/<yyyy>/<mm>/<uuid4hex>.<ext>``, dated in the portal's time zone.

    ``prefix`` is a fixed, code-chosen folder such as ``"tenders/bids"`` (lower-case letters,
    digits, ``-`` and ``_``, separated by ``/``); anything else is a programming error and
    raises ``ValueError``.
    """
    if not _PREFIX.match(prefix or ""):
        raise ValueError(f"Invalid document prefix: {prefix!r}")
    today = timezone.localdate()
    return f"{prefix}/{today:%Y}/{today:%m}/{uuid.uuid4().hex}.{ext}"


def store(uploaded_file, *, prefix):
    """Validate ``uploaded_file``, save it under a generated name and describe what was saved.

    Runs ``validate_upload`` first, so an invalid file raises ``ValidationError`` (code and
    translatable message) and nothing is written. The SHA-256 and size are computed chunk by
    chunk from the bytes that are then saved; the file is saved through ``default_storage``
    under ``generate_name(prefix, <extension of the detected type>)``. Returns a ``StoredFile``
    whose fields fill the caller's model (see ``StoredDocument.from_stored``).

    Every call writes a new file: a repeat stores a second copy under another name. The caller
    saves the name in its own transaction; if that transaction rolls back, the caller removes
    the file with ``discard(stored.name)``, or stores it through ``kept_on_success``, which
    does that. The uploader's name is kept as ``original_name``: the one the client sent
    (``validation.client_name``), which passed the name check. A storage that cannot take the
    file (down, full) raises ``ValidationError`` with code ``storage_unavailable``, so the user
    sees why and nothing is recorded.
    """
    detected = validate_upload(uploaded_file)
    sha256, size = _digest(uploaded_file)
    # The size a client or wrapper reported is not trusted; the bytes actually read are.
    check_size(size)
    uploaded_file.seek(0)
    try:
        name = default_storage.save(generate_name(prefix, detected.ext), uploaded_file)
    except STORAGE_ERRORS as error:
        log.warning("Storing %s failed: %s", prefix, error)
        raise ValidationError(STORAGE_UNAVAILABLE, code="storage_unavailable") from error
    return StoredFile(
        name=name,
        size=size,
        sha256=sha256,
        mime=detected.mime,
        original_name=client_name(uploaded_file),
    )


def discard(name):
    """Delete a stored file if it exists; harmless to repeat."""
    if name:
        default_storage.delete(name)


class PendingFiles:
    """The files stored inside one ``kept_on_success`` block."""

    def __init__(self):
        self.names = []

    def store(self, uploaded_file, *, prefix):
        """``store`` the file and remember its name, to remove it if the block fails."""
        stored = store(uploaded_file, prefix=prefix)
        self.names.append(stored.name)
        return stored


@contextmanager
def kept_on_success():
    """Store files with the yielded ``PendingFiles`` and remove them if the block raises.

    Put it outside the ``transaction.atomic()`` that records the files
    (``with kept_on_success() as files, transaction.atomic():``) so that a failed commit,
    not only an error in the block, removes them too. The exception is raised again.
    """
    pending = PendingFiles()
    try:
        yield pending
    except BaseException:
        for name in pending.names:
            discard(name)
        raise


def _digest(uploaded_file):
    uploaded_file.seek(0)
    hasher = hashlib.sha256()
    size = 0
    for chunk in uploaded_file.chunks():
        hasher.update(chunk)
        size += len(chunk)
    return hasher.hexdigest(), size


@deconstructible(path="portal.documents.storage.UploadTo")
class UploadTo:
    """``FileField(upload_to=...)`` callable producing ``generate_name`` names.

    Used only when a file is assigned to the field directly (e.g. in the admin); services use
    ``store``, which names the file after its detected type. Here only the uploader's name is
    available, so its extension is kept when it is an accepted one and ``bin`` is used
    otherwise.
    """

    def __init__(self, prefix):
        generate_name(prefix, "bin")
        self.prefix = prefix

    def __call__(self, instance, filename):
        ext = PurePosixPath(filename or "").suffix.lower().lstrip(".")
        ext = _EXTENSION_ALIASES.get(ext, ext)
        return generate_name(self.prefix, ext if ext in _KNOWN_EXTENSIONS else "bin")

    def __eq__(self, other):
        return isinstance(other, UploadTo) and other.prefix == self.prefix

    def __hash__(self):
        return hash(self.prefix)


def upload_to(prefix):
    """An ``UploadTo(prefix)`` for a ``FileField``; serialisable in migrations."""
    return UploadTo(prefix)


def document_upload_to(instance, filename):
    """``upload_to`` of ``StoredDocument.file``: the model's ``upload_prefix`` folder."""
    return UploadTo(instance.upload_prefix)(instance, filename)
