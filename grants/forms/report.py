"""Forms of the report pages: the report's content (numbers, breakdown, narrative), its
attachments, submission, and the officer's review."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grants.forms.agreement import BaseRowsFormSet, blank_first
from grants.models import AgeBand, ReportSection, ReportState, ServiceKind, Sex
from grants.services.report_entry import BeneficiaryCell, ReportContent
from portal.documents.fields import DocumentField
from portal.form_fields import LineField, TextAreaField
from portal.validators import MAX_AMOUNT, MAX_COUNT, MAX_INTEGER

TEXTAREA = forms.Textarea(attrs={"rows": 4})


def count_field(label, **kwargs):
    return forms.IntegerField(
        label=label, min_value=0, max_value=MAX_COUNT, required=False, **kwargs
    )


class ReportMainForm(forms.Form):
    seen_version = forms.IntegerField(widget=forms.HiddenInput, max_value=MAX_INTEGER)
    beneficiaries_new = count_field(
        _("New service users"), help_text=_("People first served in this period.")
    )
    beneficiaries_continuing = count_field(
        _("Continuing service users"), help_text=_("People served before and still supported.")
    )
    cases_opened = count_field(_("Cases opened"))
    cases_active = count_field(_("Cases active at the end of the period"))
    cases_closed = count_field(_("Cases closed"))
    services_other_description = LineField(
        label=_("What the other services were"), max_length=300, required=False
    )
    achievements = TextAreaField(label=_("Achievements"), required=False, widget=TEXTAREA)
    challenges = TextAreaField(label=_("Challenges"), required=False, widget=TEXTAREA)
    changes_observed = TextAreaField(
        label=_("Changes observed in service users' lives"),
        required=False,
        widget=TEXTAREA,
        help_text=_("Describe changes for groups of people; do not name or identify anyone."),
    )


class BeneficiaryCellForm(forms.Form):
    target_group = forms.ModelChoiceField(label=_("Target group"), queryset=None)
    etrap = forms.ModelChoiceField(label=_("Etrap"), queryset=None)
    sex = forms.ChoiceField(label=_("Sex"), choices=blank_first(Sex.choices))
    age_band = forms.ChoiceField(label=_("Age"), choices=blank_first(AgeBand.choices))
    new = forms.IntegerField(label=_("New"), min_value=0, max_value=MAX_COUNT)
    continuing = forms.IntegerField(label=_("Continuing"), min_value=0, max_value=MAX_COUNT)

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_group"].queryset = agreement.target_groups.all()
        self.fields["etrap"].queryset = agreement.etraps.all()


class BaseBeneficiaryFormSet(BaseRowsFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        seen = set()
        for row in self.rows():
            key = (row["target_group"].pk, row["etrap"].pk, row["sex"], row["age_band"])
            if key in seen:
                raise forms.ValidationError(
                    _("Each combination of target group, etrap, sex and age may appear only once.")
                )
            seen.add(key)


BeneficiaryFormSet = forms.formset_factory(
    BeneficiaryCellForm, formset=BaseBeneficiaryFormSet, extra=3, can_delete=True
)


class ServicesForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in ServiceKind.choices:
            self.fields[kind] = count_field(label)

    def counts(self):
        return {
            kind: self.cleaned_data[kind]
            for kind in ServiceKind.values
            if self.cleaned_data.get(kind) is not None
        }


class TargetValuesForm(forms.Form):
    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = list(agreement.targets.select_related("target_group", "etrap"))
        for target in self.targets:
            self.fields[f"target_{target.pk}"] = count_field(
                target.label,
                help_text=_("Target over the whole grant: %(number)s") % {"number": target.number},
            )

    def values(self):
        return {target.pk: self.cleaned_data[f"target_{target.pk}"] for target in self.targets}


class ExpenditureForm(forms.Form):
    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(agreement.budget_lines.all())
        for line in self.lines:
            self.fields[f"amount_{line.pk}"] = forms.DecimalField(
                label=_("Spent on “%(line)s” (TMT)") % {"line": line.description},
                min_value=0,
                max_value=MAX_AMOUNT,
                max_digits=14,
                decimal_places=2,
                required=False,
            )
            self.fields[f"explanation_{line.pk}"] = TextAreaField(
                label=_("Explanation if over budget"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def amounts(self):
        return {
            line.pk: (
                self.cleaned_data[f"amount_{line.pk}"],
                self.cleaned_data[f"explanation_{line.pk}"],
            )
            for line in self.lines
        }


class ReportForms:
    """Every form of the report page, bound together, with one ``is_valid`` and the content
    they describe."""

    def __init__(self, report, data=None):
        agreement = report.agreement
        initial = report_initial(report)
        self.main = ReportMainForm(data, initial=initial["main"], prefix="main")
        self.cells = BeneficiaryFormSet(
            data, initial=initial["cells"], prefix="cells", form_kwargs={"agreement": agreement}
        )
        self.services = ServicesForm(data, initial=initial["services"], prefix="services")
        self.targets = TargetValuesForm(
            data, initial=initial["targets"], prefix="targets", agreement=agreement
        )
        self.expenditure = ExpenditureForm(
            data, initial=initial["expenditure"], prefix="expenditure", agreement=agreement
        )

    def all(self):
        return [self.main, self.cells, self.services, self.targets, self.expenditure]

    def is_valid(self):
        return all([form.is_valid() for form in self.all()])

    def content(self):
        main = dict(self.main.cleaned_data)
        main.pop("seen_version")
        return ReportContent(
            **main,
            beneficiaries=tuple(
                BeneficiaryCell(
                    target_group=row["target_group"],
                    etrap=row["etrap"],
                    sex=row["sex"],
                    age_band=row["age_band"],
                    new=row["new"] or 0,
                    continuing=row["continuing"] or 0,
                )
                for row in self.cells.rows()
            ),
            services=self.services.counts(),
            target_values=self.targets.values(),
            expenditures=self.expenditure.amounts(),
        )


def report_initial(report):
    """The report's saved content as initial data for ``ReportForms``."""
    fields = (
        "beneficiaries_new",
        "beneficiaries_continuing",
        "cases_opened",
        "cases_active",
        "cases_closed",
        "services_other_description",
        "achievements",
        "challenges",
        "changes_observed",
    )
    expenditure = {}
    for row in report.expenditures.all():
        expenditure[f"amount_{row.budget_line_id}"] = row.amount
        expenditure[f"explanation_{row.budget_line_id}"] = row.explanation
    return {
        "main": {
            "seen_version": report.version,
            **{name: getattr(report, name) for name in fields},
        },
        "cells": [
            {
                "target_group": cell.target_group_id,
                "etrap": cell.etrap_id,
                "sex": cell.sex,
                "age_band": cell.age_band,
                "new": cell.new,
                "continuing": cell.continuing,
            }
            for cell in report.beneficiary_counts.all()
        ],
        "services": {row.kind: row.count for row in report.service_counts.all()},
        "targets": {f"target_{row.target_id}": row.value for row in report.target_values.all()},
        "expenditure": expenditure,
    }


class SubmitForm(forms.Form):
    """The report's state, version and the fingerprint of what its page showed; a missing
    fingerprint is refused by the service as stale, not here."""

    seen_state = forms.ChoiceField(choices=ReportState.choices, widget=forms.HiddenInput)
    seen_version = forms.IntegerField(widget=forms.HiddenInput, max_value=MAX_INTEGER)
    seen = forms.CharField(required=False, strip=False, widget=forms.HiddenInput)


class ReturnForm(forms.Form):
    """The officer's comments, one box per report section; at least one is filled in."""

    seen_state = forms.ChoiceField(choices=ReportState.choices, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="return", **kwargs)
        for section, label in ReportSection.choices:
            self.fields[section] = TextAreaField(
                label=label, required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def comments(self):
        return {section: self.cleaned_data.get(section, "") for section in ReportSection.values}


class AcceptForm(forms.Form):
    seen_state = forms.ChoiceField(choices=ReportState.choices, widget=forms.HiddenInput)
    note = TextAreaField(
        label=_("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="accept", **kwargs)


class AttachmentForm(forms.Form):
    title = LineField(label=_("Title"), max_length=300)
    file = DocumentField(label=_("File"))


class SpreadsheetForm(forms.Form):
    """The filled-in template of a report; ``grants.spreadsheets.import_`` checks the file."""

    file = forms.FileField(
        label=_("Filled-in template (XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
