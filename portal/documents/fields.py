"""The form field for document uploads."""

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext

from portal.documents.validation import (
    ALLOWED_TYPES,
    MAX_NAME_LENGTH,
    allowed_labels,
    upload_limit_megabytes,
    validate_upload,
)

_ACCEPT = ",".join(sorted({f".{kind.ext}" for kind in ALLOWED_TYPES} | {".jpeg"}))


def _help_text():
    return gettext("Allowed types: %(allowed)s; at most %(limit)s MB.") % {
        "allowed": allowed_labels(),
        "limit": upload_limit_megabytes(),
    }


# Lazy so the text follows the reader's language and the limit configured at request time.
upload_help_text = lazy(_help_text, str)


class DocumentField(forms.FileField):
    """A ``FileField`` that accepts only documents passing ``validate_upload``.

    ``clean`` returns the uploaded file (or the form's initial file when nothing new was sent,
    or ``False`` when a clearable input is cleared) and raises ``ValidationError`` with the
    codes of ``validate_upload``. The detected type of the last cleaned upload is available as
    ``field.detected_type``. Defaults: a 255-character name limit, a help text naming the
    allowed types and size limit, and an ``accept`` attribute listing the allowed types for the
    browser's file picker (a convenience only; the server decides).
    """

    def __init__(self, *, max_length=MAX_NAME_LENGTH, help_text=None, **kwargs):
        super().__init__(
            max_length=max_length,
            help_text=upload_help_text() if help_text is None else help_text,
            **kwargs,
        )
        self.detected_type = None

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.setdefault("accept", _ACCEPT)
        return attrs

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        if value and value is not initial:
            self.detected_type = validate_upload(value)
        return value
