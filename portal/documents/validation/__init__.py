"""Deciding whether an uploaded file is a document the portal accepts.

The type is detected from the file's content with ``puremagic`` (never from its name or the
browser's Content-Type, both of which the uploader controls), then the file is checked by its
structure: PDFs are parsed (``pdf``), office documents are read from their ZIP directory
(``office``) and images are decoded (``image``). The name checked is the one the client sent
(``names``).
"""

import puremagic
from django.conf import settings

from portal.documents.validation.image import check_image
from portal.documents.validation.messages import MEGABYTE, MESSAGES, megabytes, refuse
from portal.documents.validation.names import MAX_NAME_BYTES, check_name, client_name
from portal.documents.validation.office import office_type
from portal.documents.validation.pdf import check_pdf
from portal.documents.validation.types import (
    ALLOWED_TYPES,
    DOCX,
    JPEG,
    ODT,
    PDF,
    PNG,
    TYPES_BY_MIME,
    XLSX,
    DetectedType,
    allowed_labels,
)

__all__ = [
    "ALLOWED_TYPES",
    "DOCX",
    "JPEG",
    "MAX_NAME_LENGTH",
    "MESSAGES",
    "ODT",
    "PDF",
    "PNG",
    "TYPES_BY_MIME",
    "XLSX",
    "DetectedType",
    "allowed_labels",
    "check_size",
    "client_name",
    "refuse",
    "upload_limit_bytes",
    "upload_limit_megabytes",
    "validate_upload",
]

HEAD_BYTES = 8192
MAX_NAME_LENGTH = MAX_NAME_BYTES

# What puremagic reports for the accepted formats. Animated PNG is still a PNG to every viewer.
_MAGIC_MIMES = {
    "application/pdf": PDF,
    "image/jpeg": JPEG,
    "image/png": PNG,
    "image/apng": PNG,
}
# Every ZIP (office documents included) is reported under these; the members tell them apart.
_ZIP_MIMES = {DOCX.mime, XLSX.mime, ODT.mime, "application/zip"}
_EXECUTABLE_EXTENSIONS = {".exe", ".dll", ".sys", ".scr", ".msi", ".class", ".dex", ".elf"}
_EXECUTABLE_WORDS = ("executable", "mach-o")
# Scripts have no magic number; they are named as programs all the same.
_SCRIPT_STARTS = (b"#!", b"<?php", b"@echo off")


def upload_limit_bytes():
    """The configured size limit, ``settings.UPLOAD_MAX_BYTES`` (20 MB when unset)."""
    return getattr(settings, "UPLOAD_MAX_BYTES", 20 * MEGABYTE)


def upload_limit_megabytes():
    """The size limit in megabytes, formatted for the active language (``"20"``, ``"0,5"``)."""
    return megabytes(upload_limit_bytes())


def validate_upload(uploaded_file):
    """Check an uploaded file before anything is stored and return its ``DetectedType``.

    ``uploaded_file`` is any Django ``File`` (``UploadedFile``, ``ContentFile``...) with a
    ``name``; the name checked is ``client_name(uploaded_file)``, the one the client sent.
    Checks, in order: the name (``names.check_name``); the size is above zero and at most
    ``settings.UPLOAD_MAX_BYTES``; the content is not a program or script; the content is one
    of PDF, DOCX, XLSX, ODT, JPEG or PNG; and then its structure: a PDF must parse and carry
    no active content (``pdf.check_pdf``), an office document must be a well-formed, bounded
    DOCX, XLSX or ODT without macros (``office.office_type``), an image must decode
    (``image.check_image``).

    Raises ``django.core.exceptions.ValidationError`` with one of the codes of ``MESSAGES``
    and a translatable message, so forms show it next to the field. Never inflates an archive
    member; leaves the file at position 0.
    """
    check_name(client_name(uploaded_file))
    check_size(uploaded_file.size)
    head = _read_head(uploaded_file)
    if not head:
        raise refuse("empty")
    matches = _magic(head)
    if _looks_executable(head, matches):
        raise refuse("executable")
    mimes = [match.mime_type for match in matches]
    detected = next((_MAGIC_MIMES[mime] for mime in mimes if mime in _MAGIC_MIMES), None)
    if detected == PDF:
        check_pdf(uploaded_file)
        return PDF
    if detected is not None:
        check_image(uploaded_file, detected)
        return detected
    if _ZIP_MIMES & set(mimes):
        return office_type(uploaded_file)
    raise refuse("type_not_allowed", allowed=allowed_labels())


def check_size(size):
    """Refuse a byte count of zero or above the limit (used again once bytes are counted)."""
    if not size:
        raise refuse("empty")
    if size > upload_limit_bytes():
        raise refuse("too_large", limit=upload_limit_megabytes())


def _read_head(uploaded_file):
    uploaded_file.seek(0)
    head = uploaded_file.read(HEAD_BYTES)
    uploaded_file.seek(0)
    return bytes(head)


def _magic(head):
    try:
        return puremagic.magic_string(head)
    except puremagic.PureError:
        return []


def _looks_executable(head, matches):
    for match in matches:
        name = match.name.lower()
        if match.extension in _EXECUTABLE_EXTENSIONS or any(w in name for w in _EXECUTABLE_WORDS):
            return True
    # A script still runs when an editor put a byte-order mark or blank lines before it.
    text_start = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return text_start.lower().startswith(_SCRIPT_STARTS)
