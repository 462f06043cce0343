"""Why an upload is refused: one code and one translatable message per reason."""

from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext_lazy as _

MEGABYTE = 1024 * 1024

MESSAGES = {
    "invalid_name": _("The file name must be a plain name, without folders or control characters."),
    "name_too_long": _(
        "The file name is too long: shorten it to at most %(max)d Latin letters (fewer in "
        "other alphabets)."
    ),
    "empty": _("The file is empty."),
    "too_large": _("The file is too large: at most %(limit)s MB is allowed."),
    "executable": _("This file is a program or script, not a document; it cannot be uploaded."),
    "macros": _(
        "Documents containing macros are not accepted; save it as a plain DOCX or XLSX file."
    ),
    "type_not_allowed": _("This file type is not allowed. Allowed types: %(allowed)s."),
    "pdf_unreadable": _(
        "This PDF is damaged or incomplete and cannot be read; save or export it again."
    ),
    "pdf_encrypted": _(
        "This PDF is protected by a password or encryption; upload a copy without protection."
    ),
    "pdf_javascript": _(
        "This PDF contains JavaScript, which is not accepted; export it again as a plain PDF."
    ),
    "pdf_actions": _(
        "This PDF runs actions by itself when it is opened or viewed; export it again as a "
        "plain PDF."
    ),
    "pdf_launch": _("This PDF tries to start other programs; it cannot be uploaded."),
    "pdf_embedded_files": _(
        "This PDF carries other files inside it; upload each document on its own."
    ),
    "pdf_too_complex": _("This PDF is too complex to check; export it again as a simpler PDF."),
    "office_incomplete": _(
        "This office document is incomplete (it has no list of its parts); save it again "
        "from Word or Excel."
    ),
    "archive_too_large": _(
        "This document unpacks to more than %(limit)s MB; it cannot be uploaded."
    ),
    "archive_ratio": _(
        "This document is compressed far more than a real document can be; save it again "
        "from the program that made it."
    ),
    "image_too_large": _(
        "This image has too many pixels (at most %(limit)s megapixels); make it smaller and "
        "upload it again."
    ),
    "image_unreadable": _(
        "This image is damaged and cannot be shown; save it again as JPEG or PNG."
    ),
}


def refuse(code, **params):
    """A ``ValidationError`` carrying ``code`` and its translatable message."""
    return ValidationError(MESSAGES[code], code=code, params=params or None)


def megabytes(size):
    """``size`` bytes in megabytes, formatted for the active language (``"20"``, ``"0,5"``)."""
    value = size / MEGABYTE
    if value == int(value):
        return formats.number_format(int(value))
    return formats.number_format(float(f"{value:.3g}"))
