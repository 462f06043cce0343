"""Form fields for the text users type, with the portal's rules for control characters."""

from django import forms

from portal.validators import MAX_TEXT_LENGTH, strip_control_characters, validate_single_line


class LineField(forms.CharField):
    """A one-line text (a name, title, reference): control characters and bidirectional
    overrides are refused with a field error."""

    default_validators = [validate_single_line]


class TextAreaField(forms.CharField):
    """A multi-line text of at most ``max_length`` characters (10 000 unless told). Control
    characters other than tab, newline and carriage return are removed, not refused: they
    arrive by pasting, and nobody types them on purpose."""

    widget = forms.Textarea

    def __init__(self, *, max_length=MAX_TEXT_LENGTH, **kwargs):
        super().__init__(max_length=max_length, **kwargs)

    def to_python(self, value):
        return super().to_python(strip_control_characters(value))
