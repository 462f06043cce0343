"""Checking the file name exactly as the client sent it."""

import unicodedata

from portal.documents.validation.messages import refuse

MAX_NAME_BYTES = 255
# Control, format (NUL, the bidi embeddings U+202A-U+202E and isolates U+2066-U+2069 that make
# "report\u202efdp.exe" display as "reportexe.pdf"), surrogate, private-use and line/paragraph
# separator characters have no place in a file name.
_REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Zl", "Zp"}


def client_name(uploaded_file):
    """The name the client sent: ``client_name`` when the upload handler kept it (Django
    rewrites the name it gives the file), else the file's ``name``."""
    return getattr(uploaded_file, "client_name", getattr(uploaded_file, "name", None))


def check_name(name):
    """Refuse a name that is empty, only dots or spaces, holds a folder separator or a
    refused character, or is longer than 255 bytes in UTF-8 (the usual file-system limit)."""
    if not name or not name.strip(". "):
        raise refuse("invalid_name")
    if "/" in name or "\\" in name:
        raise refuse("invalid_name")
    if any(unicodedata.category(char) in _REFUSED_CATEGORIES for char in name):
        raise refuse("invalid_name")
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        raise refuse("name_too_long", max=MAX_NAME_BYTES)
