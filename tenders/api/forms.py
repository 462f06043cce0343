"""The fields the API asks for that no page has: which tender, bid or criterion, by id."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.api.schema import MAX_ID


class TenderIdForm(forms.Form):
    tender = forms.IntegerField(label=_("Tender"), min_value=1, max_value=MAX_ID)


class ModerationPairForm(forms.Form):
    """Which flagged score the chair's moderation note is on (the page has them in its address)."""

    bid = forms.IntegerField(label=_("Bid"), min_value=1, max_value=MAX_ID)
    criterion = forms.IntegerField(label=_("Criterion"), min_value=1, max_value=MAX_ID)
