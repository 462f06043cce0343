"""Deciding whether an uploaded file is a document the portal accepts.

The type is read from the file's first bytes (and, for ZIP-based office formats, from the
archive's member list), never from its name or the browser's Content-Type, both of which the
uploader controls.
"""

import unicodedata
import zipfile
import zlib
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext_lazy as _

HEAD_BYTES = 8192
MAX_NAME_LENGTH = 255
MEGABYTE = 1024 * 1024


@dataclass(frozen=True)
class DetectedType:
    """An accepted document type: file extension used for stored names, MIME type, label."""

    ext: str
    mime: str
    label: str


PDF = DetectedType("pdf", "application/pdf", "PDF")
DOCX = DetectedType(
    "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "DOCX",
)
XLSX = DetectedType(
    "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"
)
ODT = DetectedType("odt", "application/vnd.oasis.opendocument.text", "ODT")
JPEG = DetectedType("jpg", "image/jpeg", "JPEG")
PNG = DetectedType("png", "image/png", "PNG")

ALLOWED_TYPES = (PDF, DOCX, XLSX, ODT, JPEG, PNG)
TYPES_BY_MIME = {kind.mime: kind for kind in ALLOWED_TYPES}

# What the magic-byte library reports for the formats recognised without opening a ZIP.
# Animated PNG is still a PNG to every viewer.
_MAGIC_MIMES = {
    "application/pdf": PDF,
    "image/jpeg": JPEG,
    "image/png": PNG,
    "image/apng": PNG,
}

# Programs and scripts: refused with their own message so a renamed binary is named as such.
_EXECUTABLE_MAGIC = (
    b"MZ",  # Windows PE / DOS
    b"\x7fELF",  # Linux and other Unix binaries
    b"\xfe\xed\xfa\xce",  # Mach-O, both byte orders and word sizes
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Mach-O universal binary and Java class file
    b"\x00asm",  # WebAssembly
    b"dex\n",  # Android
)
_SCRIPT_STARTS = (b"#!", b"<?php", b"@echo off")
_EXECUTABLE_MIMES = {"application/x-msdownload", "application/x-executable", "application/wasm"}

_ODT_MIMETYPE = ODT.mime.encode("ascii")
_ZIP_MAGIC = b"PK\x03\x04"
# Word and Excel keep VBA macros in this member (.docm/.xlsm saved under a .docx/.xlsx name).
_MACRO_MEMBER = "vbaproject.bin"

MESSAGES = {
    "invalid_name": _("The file name must be a plain name, without folders or control characters."),
    "name_too_long": _("The file name is too long: at most %(max)d characters."),
    "empty": _("The file is empty."),
    "too_large": _("The file is too large: at most %(limit)s MB is allowed."),
    "executable": _("This file is a program or script, not a document; it cannot be uploaded."),
    "macros": _(
        "Documents containing macros are not accepted; save it as a plain DOCX or XLSX file."
    ),
    "type_not_allowed": _("This file type is not allowed. Allowed types: %(allowed)s."),
}


def allowed_labels():
    """The accepted types for people, e.g. ``"PDF, DOCX, XLSX, ODT, JPEG, PNG"``."""
    return ", ".join(kind.label for kind in ALLOWED_TYPES)


def upload_limit_bytes():
    """The configured size limit, ``settings.UPLOAD_MAX_BYTES`` (20 MB when unset)."""
    return getattr(settings, "UPLOAD_MAX_BYTES", 20 * MEGABYTE)


def upload_limit_megabytes():
    """The size limit in megabytes, formatted for the active language (``"20"``, ``"0,5"``)."""
    megabytes = upload_limit_bytes() / MEGABYTE
    if megabytes == int(megabytes):
        return formats.number_format(int(megabytes))
    return formats.number_format(float(f"{megabytes:.3g}"))


def refuse(code, **params):
    """A ``ValidationError`` carrying ``code`` and its translatable message."""
    return ValidationError(MESSAGES[code], code=code, params=params or None)


def validate_upload(uploaded_file):
    """Check an uploaded file before anything is stored and return its ``DetectedType``.

    ``uploaded_file`` is any Django ``File`` (``UploadedFile``, ``ContentFile``...) with a
    ``name``. Checks, in order: the name is a plain file name (no ``/``, ``\\``, ``..``,
    control characters; at most 255 characters); the size is above zero and at most
    ``settings.UPLOAD_MAX_BYTES``; the content is not a program or script; the content is one of
    PDF, DOCX, XLSX, ODT, JPEG or PNG. DOCX, XLSX and ODT are told apart by their ZIP members
    (``word/document.xml``, ``xl/workbook.xml``, a ``mimetype`` member equal to the ODT type);
    any other ZIP, and office files with macros, are refused.

    Raises ``django.core.exceptions.ValidationError`` with one of the codes ``invalid_name``,
    ``name_too_long``, ``empty``, ``too_large``, ``executable``, ``macros``,
    ``type_not_allowed`` and a translatable message, so forms show it next to the field.
    Reads only the file's first bytes and ZIP directory; leaves the file at position 0.
    """
    _check_name(getattr(uploaded_file, "name", None))
    check_size(uploaded_file.size)
    head = _read_head(uploaded_file)
    if not head:
        raise refuse("empty")
    if _looks_executable(head):
        raise refuse("executable")
    guessed = filetype.guess(head)
    if guessed is not None and guessed.mime in _EXECUTABLE_MIMES:
        raise refuse("executable")
    if guessed is not None and guessed.mime in _MAGIC_MIMES:
        return _MAGIC_MIMES[guessed.mime]
    if head.startswith(_ZIP_MAGIC):
        return _office_type(uploaded_file)
    raise refuse("type_not_allowed", allowed=allowed_labels())


def _check_name(name):
    if not name or name in {".", ".."}:
        raise refuse("invalid_name")
    if "/" in name or "\\" in name:
        raise refuse("invalid_name")
    # Control and format characters include NUL and the right-to-left override that makes
    # "report\u202efdp.exe" display as "reportexe.pdf".
    if any(unicodedata.category(char) in {"Cc", "Cf", "Cs"} for char in name):
        raise refuse("invalid_name")
    if len(name) > MAX_NAME_LENGTH:
        raise refuse("name_too_long", max=MAX_NAME_LENGTH)


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


def _looks_executable(head):
    if head.startswith(_EXECUTABLE_MAGIC):
        return True
    # A script still runs when an editor put a byte-order mark or blank lines before it.
    text_start = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return text_start.lower().startswith(_SCRIPT_STARTS)


def _office_type(uploaded_file):
    """Tell DOCX, XLSX and ODT apart by their members; refuse every other ZIP."""
    not_allowed = refuse("type_not_allowed", allowed=allowed_labels())
    try:
        with zipfile.ZipFile(uploaded_file) as archive:
            members = set(archive.namelist())
            odt = "mimetype" in members and _member_start(archive, "mimetype") == _ODT_MIMETYPE
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        EOFError,
        RuntimeError,
        NotImplementedError,
        ValueError,
        zlib.error,
    ):
        raise not_allowed from None
    finally:
        uploaded_file.seek(0)
    found = [
        kind
        for kind, present in (
            (DOCX, "word/document.xml" in members),
            (XLSX, "xl/workbook.xml" in members),
            (ODT, odt),
        )
        if present
    ]
    if len(found) != 1:
        raise not_allowed
    if any(member.lower().rsplit("/", 1)[-1] == _MACRO_MEMBER for member in members):
        raise refuse("macros")
    return found[0]


def _member_start(archive, member):
    # Read only a little more than the expected value: the member could be a compression bomb.
    with archive.open(member) as handle:
        return handle.read(len(_ODT_MIMETYPE) + 1)
