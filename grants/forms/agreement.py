"""Forms of the agreement pages: draft terms, budget, targets, tranche plan, the signed file,
and the officer's decisions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grants.models import (
    AgreementState,
    GrantBudgetLine,
    ReportingFrequency,
    TargetMeasure,
    TrancheCondition,
)
from grants.services.draft import MAX_REPORT_DUE_DAYS
from portal.documents.fields import DocumentField
from portal.form_fields import LineField, TextAreaField
from portal.validators import (
    MAX_AMOUNT,
    MAX_COUNT,
    MAX_INTEGER,
    MAX_PERIODS,
    programme_date_validators,
)
from portal.widgets import DateInput


def blank_first(choices):
    """Choices starting with an empty one, so an untouched extra formset row posts nothing and
    is left out rather than refused."""
    return [("", "---------"), *choices]


class VersionForm(forms.Form):
    seen_version = forms.IntegerField(widget=forms.HiddenInput, max_value=MAX_INTEGER)


class TermsForm(VersionForm):
    start_date = forms.DateField(
        label=_("Start date"), widget=DateInput, validators=programme_date_validators()
    )
    end_date = forms.DateField(
        label=_("End date"), widget=DateInput, validators=programme_date_validators()
    )
    reporting_frequency = forms.ChoiceField(
        label=_("Reporting frequency"), choices=ReportingFrequency.choices
    )
    report_due_days = forms.IntegerField(
        label=_("Days to report after each period"),
        min_value=0,
        max_value=MAX_REPORT_DUE_DAYS,
        help_text=_("Each report is due this many days after its period ends."),
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The grant cannot end before it starts."))
        return data


class BudgetLineForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Category"), choices=blank_first(GrantBudgetLine.Category.choices)
    )
    description = LineField(label=_("Description"), max_length=300)
    amount = forms.DecimalField(
        label=_("Amount (TMT)"), min_value=0, max_value=MAX_AMOUNT, max_digits=14, decimal_places=2
    )


class TargetForm(forms.Form):
    measure = forms.ChoiceField(
        label=_("What is counted"), choices=blank_first(TargetMeasure.choices)
    )
    target_group = forms.ModelChoiceField(label=_("Target group"), queryset=None, required=False)
    etrap = forms.ModelChoiceField(label=_("Etrap"), queryset=None, required=False)
    number = forms.IntegerField(label=_("Number over the grant"), min_value=0, max_value=MAX_COUNT)

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_group"].queryset = agreement.target_groups.all()
        self.fields["etrap"].queryset = agreement.etraps.all()

    def clean(self):
        data = super().clean()
        if not data.get("target_group") and not data.get("etrap"):
            raise forms.ValidationError(_("A target needs a target group, an etrap or both."))
        return data


class TrancheForm(forms.Form):
    percentage = forms.DecimalField(
        label=_("Share of the grant (%)"),
        min_value=0.01,
        max_value=100,
        max_digits=5,
        decimal_places=2,
    )
    condition = forms.ChoiceField(
        label=_("Paid after"), choices=blank_first(TrancheCondition.choices)
    )
    period_number = forms.IntegerField(
        label=_("Report number"),
        min_value=1,
        max_value=MAX_PERIODS,
        required=False,
        help_text=_("For a period report: the number of the report that releases the tranche."),
    )

    def clean(self):
        data = super().clean()
        if data.get("condition") == TrancheCondition.PERIOD_REPORT and not data.get(
            "period_number"
        ):
            self.add_error(
                "period_number", _("Give the number of the report that releases the tranche.")
            )
        return data


class BaseRowsFormSet(forms.BaseFormSet):
    """A formset of rows where a blank extra row is left out and a ticked row is deleted."""

    def rows(self):
        """The cleaned data of the rows to keep, in order (call after ``is_valid``)."""
        return [
            form.cleaned_data
            for index, form in enumerate(self.forms)
            if (index < self.initial_form_count() or form.has_changed())
            and not form.cleaned_data.get("DELETE")
        ]


BudgetFormSet = forms.formset_factory(
    BudgetLineForm, formset=BaseRowsFormSet, extra=2, can_delete=True
)
TargetFormSet = forms.formset_factory(TargetForm, formset=BaseRowsFormSet, extra=2, can_delete=True)
TrancheFormSet = forms.formset_factory(
    TrancheForm, formset=BaseRowsFormSet, extra=1, can_delete=True
)


class AgreementFileForm(VersionForm):
    file = DocumentField(label=_("Signed agreement (scanned, with both signatures)"))


class DecisionForm(forms.Form):
    """An officer's decision; ``text`` is the reason (suspend, terminate) or an optional note."""

    seen_state = forms.ChoiceField(choices=AgreementState.choices, widget=forms.HiddenInput)
    text = TextAreaField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    LABELS = {
        "activate": (_("Note (optional)"), False),
        "suspend": (_("Reason for the suspension"), True),
        "resume": (_("Note (optional)"), False),
        "terminate": (_("Reason for the termination"), True),
    }

    def __init__(self, *args, action, **kwargs):
        super().__init__(*args, prefix=action, **kwargs)
        label, required = self.LABELS[action]
        self.fields["text"].label = label
        self.fields["text"].required = required
        if action == "activate":
            del self.fields["text"]


class AgreementFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All states")), *AgreementState.choices]
    )
    q = forms.CharField(label=_("Reference or organisation"), required=False, max_length=100)
