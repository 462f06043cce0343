"""Forms of the award: the approver's decision, objections and their resolution."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.documents.fields import DocumentField
from portal.form_fields import LineField, TextAreaField
from tenders.models import AwardDecision, Objection


class SeenDecisionForm(forms.Form):
    seen_state = forms.ChoiceField(choices=AwardDecision.State.choices, widget=forms.HiddenInput)


class SendBackForm(SeenDecisionForm):
    reason = TextAreaField(
        label=_("Why the proposal is sent back"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ObjectionForm(forms.Form):
    reasons = TextAreaField(
        label=_("Your reasons"), max_length=20000, widget=forms.Textarea(attrs={"rows": 8})
    )
    document_title = LineField(label=_("Document title"), max_length=300, required=False)
    document = DocumentField(label=_("Supporting document"), required=False)

    def documents(self):
        upload = self.cleaned_data.get("document")
        return [(self.cleaned_data.get("document_title"), upload)] if upload else []


class SeenObjectionForm(forms.Form):
    seen_state = forms.ChoiceField(choices=Objection.State.choices, widget=forms.HiddenInput)


class ResolveObjectionForm(SeenObjectionForm):
    DISMISS = "dismiss"
    UPHOLD = "uphold"

    outcome = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[(DISMISS, _("Dismiss the objection")), (UPHOLD, _("Uphold the objection"))],
    )
    reason = TextAreaField(
        label=_("Reasons"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    remedy = forms.ChoiceField(
        label=_("Remedy (when upheld)"),
        required=False,
        widget=forms.RadioSelect,
        choices=Objection.Remedy.choices,
    )
    excluded_bid = forms.TypedChoiceField(
        label=_("Bid to exclude from award (for the exclusion remedy)"),
        required=False,
        coerce=int,
        empty_value=None,
    )

    def __init__(self, *args, proposed_lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["excluded_bid"].choices = [("", "—")] + [
            (line.bid_id, line.bid.provider.name) for line in proposed_lines
        ]

    def clean(self):
        data = super().clean()
        if data.get("outcome") == self.UPHOLD and not data.get("remedy"):
            self.add_error("remedy", _("Choose the remedy."))
        return data
