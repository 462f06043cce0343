"""Form widgets shared by the portal's forms."""

from django import forms


class DateInput(forms.DateInput):
    """The browser's date picker. Its value is always ISO (``2026-03-15``), whatever the
    language: a localised value such as ``15.03.2026`` would leave the picker empty."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")
