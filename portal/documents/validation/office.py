"""Telling DOCX, XLSX and ODT apart and refusing archives built to hurt the reader.

Everything is read from the ZIP directory (member names and declared sizes) without
inflating a member, except the few bytes of an ODT's ``mimetype`` member.
"""

import zipfile
import zlib

from django.conf import settings

from portal.documents.validation.messages import MEGABYTE, megabytes, refuse
from portal.documents.validation.types import DOCX, ODT, XLSX, allowed_labels

MAX_RATIO = 100
# A member this small cannot hurt whatever its ratio (a short run of blank XML compresses far).
RATIO_GRACE_BYTES = MEGABYTE
_ODT_MIMETYPE = ODT.mime.encode("ascii")
_CONTENT_TYPES = "[Content_Types].xml"
# Word and Excel keep VBA macros in this member (.docm/.xlsm saved under a .docx/.xlsx name);
# OpenDocument keeps Basic macros and scripts in these folders.
_MACRO_MEMBER = "vbaproject.bin"
_ODT_MACRO_FOLDERS = ("basic/", "scripts/")
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    EOFError,
    RuntimeError,
    NotImplementedError,
    ValueError,
    zlib.error,
)


def unpacked_limit_bytes():
    """The most an office document may unpack to, ``settings.UPLOAD_MAX_UNPACKED_BYTES``
    (50 MB when unset)."""
    return getattr(settings, "UPLOAD_MAX_UNPACKED_BYTES", 50 * MEGABYTE)


def office_type(uploaded_file):
    """The ``DetectedType`` of a ZIP that is a DOCX, XLSX or ODT.

    Refuses any other ZIP (``type_not_allowed``), a member over 1 MB unpacked whose declared
    size is more than 100 times its compressed size (``archive_ratio``), members whose
    declared sizes add up to more than ``unpacked_limit_bytes()`` (``archive_too_large``), a
    DOCX or XLSX without ``[Content_Types].xml`` (``office_incomplete``) and a document with
    macros (``macros``). Leaves the file at position 0.
    """
    not_allowed = refuse("type_not_allowed", allowed=allowed_labels())
    try:
        with zipfile.ZipFile(uploaded_file) as archive:
            members = archive.infolist()
            _check_bounds(members)
            names = {member.filename for member in members}
            odt = "mimetype" in names and _member_start(archive, "mimetype") == _ODT_MIMETYPE
    except _ZIP_ERRORS:
        raise not_allowed from None
    finally:
        uploaded_file.seek(0)
    found = [
        kind
        for kind, present in (
            (DOCX, "word/document.xml" in names),
            (XLSX, "xl/workbook.xml" in names),
            (ODT, odt),
        )
        if present
    ]
    if len(found) != 1:
        raise not_allowed
    lowered = [name.lower() for name in names]
    if found[0] == ODT:
        if any(name.startswith(_ODT_MACRO_FOLDERS) for name in lowered):
            raise refuse("macros")
        return ODT
    if _CONTENT_TYPES not in names:
        raise refuse("office_incomplete")
    if any(name.rsplit("/", 1)[-1] == _MACRO_MEMBER for name in lowered):
        raise refuse("macros")
    return found[0]


def _check_bounds(members):
    for member in members:
        if member.file_size > RATIO_GRACE_BYTES and (
            member.file_size > MAX_RATIO * member.compress_size
        ):
            raise refuse("archive_ratio")
    limit = unpacked_limit_bytes()
    if sum(member.file_size for member in members) > limit:
        raise refuse("archive_too_large", limit=megabytes(limit))


def _member_start(archive, member):
    # Read only a little more than the expected value: the member could be a compression bomb.
    with archive.open(member) as handle:
        return handle.read(len(_ODT_MIMETYPE) + 1)
