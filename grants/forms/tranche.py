from django import forms
from django.utils.translation import gettext_lazy as _

from grants.models import TrancheState
from grants.services.tranche import MAX_REFERENCE_LENGTH
from portal.form_fields import LineField
from portal.validators import programme_date_validators
from portal.widgets import DateInput


class TrancheStateForm(forms.Form):
    seen_state = forms.ChoiceField(choices=TrancheState.choices, widget=forms.HiddenInput)


class PaymentForm(TrancheStateForm):
    paid_on = forms.DateField(
        label=_("Payment date"), widget=DateInput, validators=programme_date_validators()
    )
    reference = LineField(label=_("Payment reference"), max_length=MAX_REFERENCE_LENGTH)
