"""Forms of the provider registry. Forms that change an organisation carry the state the user
saw, so a form left open while someone else moved the organisation on is refused as stale."""

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from portal.documents.fields import DocumentField
from portal.form_fields import LineField, TextAreaField
from portal.models import Etrap, ServiceType, TargetGroup, Velayat
from portal.validators import past_date_validators, programme_date_validators
from portal.widgets import DateInput
from providers.models import DocumentType, MemberRole, Provider, ProviderState, StaffMember
from providers.services.registration import DETAIL_FIELDS, RELATED_FIELDS


class SeenStateForm(forms.Form):
    seen_state = forms.ChoiceField(choices=ProviderState.choices, widget=forms.HiddenInput)


class ProviderForm(forms.ModelForm):
    seen_state = forms.ChoiceField(
        choices=ProviderState.choices, widget=forms.HiddenInput, required=False
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Provider
        # Exactly what the registration and update services take.
        fields = [*DETAIL_FIELDS, *RELATED_FIELDS]
        widgets = {
            "registration_date": DateInput,
            "target_groups": forms.CheckboxSelectMultiple,
            "service_types": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["velayat"].queryset = Velayat.objects.filter(active=True)
        self.fields["etrap"].queryset = Etrap.objects.filter(active=True).select_related("velayat")
        self.fields["target_groups"].queryset = TargetGroup.objects.filter(active=True)
        self.fields["service_types"].queryset = ServiceType.objects.filter(active=True)
        if self.instance.pk:
            self.fields["seen_state"].initial = self.instance.state

    def clean(self):
        data = super().clean()
        velayat, etrap = data.get("velayat"), data.get("etrap")
        if velayat and etrap and etrap.velayat_id != velayat.pk:
            self.add_error("etrap", _("The etrap must belong to the selected velayat."))
        return data

    def details(self):
        data = dict(self.cleaned_data)
        data.pop("seen_state", None)
        return data


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices)
    seen_role = forms.ChoiceField(choices=MemberRole.choices, widget=forms.HiddenInput)


class DocumentForm(SeenStateForm):
    document_type = forms.ChoiceField(label=_("Document type"), choices=DocumentType.choices)
    title = LineField(label=_("Title"), max_length=300)
    expires_on = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=DateInput,
        validators=programme_date_validators(),
        help_text=_("Leave empty if the document does not expire."),
    )
    file = DocumentField(label=_("File"))


class StaffForm(forms.ModelForm):
    seen_state = forms.ChoiceField(choices=ProviderState.choices, widget=forms.HiddenInput)

    class Meta:
        model = StaffMember
        fields = ["full_name", "position", "qualifications", "active"]
        field_classes = {"qualifications": TextAreaField}
        widgets = {"qualifications": forms.Textarea(attrs={"rows": 3})}


class TrainingForm(SeenStateForm):
    course = LineField(label=_("Course"), max_length=300)
    training_provider = LineField(label=_("Training provider"), max_length=300)
    started_on = forms.DateField(
        label=_("Start date"), widget=DateInput, validators=past_date_validators()
    )
    completed_on = forms.DateField(
        label=_("Completion date"),
        required=False,
        widget=DateInput,
        validators=past_date_validators(),
        help_text=_("Leave empty while the course is not finished."),
    )
    in_service = forms.BooleanField(label=_("In-service training"), required=False)
    certificate = DocumentField(label=_("Certificate"), required=False)


DECISION_TEXT = {
    "verify": (_("Note (optional)"), False),
    "return": (_("What the organisation must change"), True),
    "reject": (_("Reason for the rejection"), True),
    "suspend": (_("Reason for the suspension"), True),
    "reinstate": (_("Note (optional)"), False),
}


class DecisionForm(SeenStateForm):
    """An officer's decision; ``text`` holds the note, comments or reason the action takes."""

    text = TextAreaField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, action, **kwargs):
        super().__init__(*args, prefix=action, **kwargs)
        label, required = DECISION_TEXT[action]
        self.fields["text"].label = label
        self.fields["text"].required = required


class ReviewFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All states")), *ProviderState.choices]
    )
    velayat = forms.ModelChoiceField(
        label=_("Velayat"), required=False, queryset=Velayat.objects.all()
    )
    q = forms.CharField(label=_("Name or registration number"), required=False, max_length=100)


class SignUpForm(forms.Form):
    full_name = LineField(label=_("Full name"), max_length=200)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            try:
                password_validation.validate_password(first, self.user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data
