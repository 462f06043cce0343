"""The one field the API asks for that no page has: which tender, by id."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.api.schema import MAX_ID


class TenderIdForm(forms.Form):
    tender = forms.IntegerField(label=_("Tender"), min_value=1, max_value=MAX_ID)
