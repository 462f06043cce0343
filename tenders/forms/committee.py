"""Forms of opening committees: a member's passphrase and a tender's committee."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.validators import MAX_COMMITTEE
from tenders.services.committee import MIN_PASSPHRASE_LENGTH, committee_candidates
from workflows.errors import interpolate_lazy


class PassphraseForm(forms.Form):
    """Set or change the passphrase that protects the member's opening key."""

    current = forms.CharField(
        label=_("Current passphrase"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    replace = forms.BooleanField(
        label=_("I have lost my passphrase: make a new key"),
        required=False,
        help_text=_(
            "The committees you sit on for tenders already published lose your share; they can "
            "still open the bids while enough other members remain."
        ),
    )
    passphrase = forms.CharField(
        label=_("New passphrase"),
        strip=False,
        min_length=MIN_PASSPHRASE_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=interpolate_lazy(
            _("At least %(count)s characters. Nobody, the portal included, can recover it."),
            {"count": MIN_PASSPHRASE_LENGTH},
        ),
    )
    confirm = forms.CharField(
        label=_("New passphrase again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, has_key, **kwargs):
        super().__init__(*args, **kwargs)
        if not has_key:
            del self.fields["current"]
            del self.fields["replace"]

    def clean(self):
        data = super().clean()
        if data.get("passphrase") and data.get("passphrase") != data.get("confirm"):
            self.add_error("confirm", _("The two passphrases differ."))
        if "current" in self.fields and not data.get("replace") and not data.get("current"):
            self.add_error("current", _("Give your current passphrase."))
        return data


class MemberChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        if hasattr(user, "opening_key"):
            return str(user)
        return _("%(name)s (no opening passphrase yet)") % {"name": user}


class CommitteeForm(forms.Form):
    members = MemberChoiceField(
        label=_("Committee members"),
        queryset=committee_candidates(),
        widget=forms.CheckboxSelectMultiple,
        help_text=interpolate_lazy(
            _("Procurement officers and evaluators, at most %(count)s."), {"count": MAX_COMMITTEE}
        ),
    )
    quorum = forms.IntegerField(
        label=_("Members needed to open the bids"),
        min_value=1,
        max_value=MAX_COMMITTEE,
        initial=2,
    )


class ShareForm(forms.Form):
    """A committee member gives their share of the tender's key."""

    passphrase = forms.CharField(
        label=_("Your opening passphrase"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
