"""Forms an officer fills to write, publish, amend and cancel a tender."""

import datetime
from pathlib import PurePosixPath

from django import forms
from django.forms import formset_factory, inlineformset_factory
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.documents.fields import DocumentField
from portal.form_fields import LineField, TextAreaField
from portal.models import Etrap, ServiceType, TargetGroup, Velayat
from portal.validators import (
    MAX_AMOUNT,
    MAX_INTEGER,
    MIN_AMOUNT,
    programme_date_validators,
)
from portal.widgets import DateInput
from providers.models import DocumentType
from tenders.localtime import ASHGABAT
from tenders.models import Tender, TenderCriterion
from tenders.services.amendment import AMENDABLE_FIELDS
from tenders.services.tender import DRAFT_FIELDS, RELATION_FIELDS
from tenders.services.tender_checks import MAX_TECHNICAL_SCORE, TOTAL_WEIGHT

ASHGABAT_TIME_HELP = _("Date and time in Ashgabat (UTC+05:00).")


class AshgabatDateTimeField(forms.DateTimeField):
    """A date and time typed and shown as Ashgabat wall-clock time, stored as an aware time."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    default_validators = programme_date_validators()

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", ASHGABAT_TIME_HELP)
        kwargs.setdefault("input_formats", ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
        super().__init__(**kwargs)

    def prepare_value(self, value):
        with timezone.override(ASHGABAT):
            return super().prepare_value(value)

    def to_python(self, value):
        with timezone.override(ASHGABAT):
            return super().to_python(value)


def _check_consistency(form, data):
    """Errors that are wrong in any draft: dates the wrong way round, etraps of another
    velayat. Missing items are left to the publication check."""
    questions, submission = data.get("questions_deadline"), data.get("submission_deadline")
    if questions and submission and questions >= submission:
        form.add_error(
            "questions_deadline",
            _("The questions deadline must be before the submission deadline."),
        )
    start, end = data.get("grant_start"), data.get("grant_end")
    if start and end and end <= start:
        form.add_error("grant_end", _("The grant period must end after it starts."))
    velayat = data.get("velayat")
    if velayat and any(etrap.velayat_id != velayat.pk for etrap in data.get("etraps") or ()):
        form.add_error("etraps", _("Every etrap must belong to the chosen velayat."))


class TenderForm(forms.ModelForm):
    """The whole draft. Only a title and the service and area are needed to save a draft;
    publishing checks the rest."""

    required_document_types = forms.MultipleChoiceField(
        label=_("Documents every bidder must hold"),
        choices=DocumentType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Being verified by the ministry is always required."),
    )
    questions_deadline = AshgabatDateTimeField(label=_("Questions deadline"), required=False)
    submission_deadline = AshgabatDateTimeField(label=_("Submission deadline"), required=False)
    removed_documents = forms.ModelMultipleChoiceField(
        label=_("Remove these documents"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Tender
        fields = [*DRAFT_FIELDS, *RELATION_FIELDS]
        widgets = {
            "description_tk": forms.Textarea(attrs={"rows": 6}),
            "description_ru": forms.Textarea(attrs={"rows": 6}),
            "description_en": forms.Textarea(attrs={"rows": 6}),
            "target_groups": forms.CheckboxSelectMultiple,
            "etraps": forms.CheckboxSelectMultiple,
            "grant_start": DateInput,
            "grant_end": DateInput,
        }
        field_classes = {
            "description_tk": TextAreaField,
            "description_ru": TextAreaField,
            "description_en": TextAreaField,
        }
        help_texts = {
            "title_tk": _("Turkmen and Russian are required for publishing; English is optional."),
            "etraps": _("Leave empty when the whole velayat is covered."),
            "price_weight": _("Leave 0 when price is not scored. With the criteria, 100 in all."),
            "min_technical_score": _(
                "Bids below this technical score (out of 100) are not considered further."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_type"].queryset = ServiceType.objects.filter(active=True)
        self.fields["target_groups"].queryset = TargetGroup.objects.filter(active=True)
        self.fields["target_groups"].required = False
        self.fields["velayat"].queryset = Velayat.objects.filter(active=True)
        self.fields["velayat"].widget.attrs.update(etrap_switch_attrs())
        self.fields["etraps"].queryset = etraps_of(self._chosen_velayat())
        documents = self.instance.documents.all() if self.instance.pk else None
        if documents:
            self.fields["removed_documents"].queryset = documents
        else:
            del self.fields["removed_documents"]

    def _chosen_velayat(self):
        if self.is_bound:
            return self.data.get(self.add_prefix("velayat")) or None
        return self.instance.velayat_id

    def clean(self):
        data = super().clean()
        titles = ("title_tk", "title_ru", "title_en")
        if not any((data.get(name) or "").strip() for name in titles):
            self.add_error("title_tk", _("Give the tender a title in at least one language."))
        if (data.get("price_weight") or 0) > TOTAL_WEIGHT:
            self.add_error("price_weight", _("A weight is at most 100."))
        score = data.get("min_technical_score")
        if score is not None and not 0 < score <= MAX_TECHNICAL_SCORE:
            self.add_error(
                "min_technical_score",
                _("The minimum technical score must be above 0 and at most 100."),
            )
        _check_consistency(self, data)
        return data

    def values(self):
        return {name: self.cleaned_data[name] for name in (*DRAFT_FIELDS, *RELATION_FIELDS)}


def etraps_of(velayat_id):
    """The etraps offered for a velayat (all etraps when none is chosen yet)."""
    etraps = Etrap.objects.filter(active=True).select_related("velayat")
    if velayat_id and str(velayat_id).isdigit():
        return etraps.filter(velayat_id=velayat_id)
    return etraps


def etrap_switch_attrs():
    """htmx attributes that reload the etrap choices when the velayat changes."""
    return {
        "hx-get": reverse("tenders:etrap_options"),
        "hx-target": "#etrap-options",
        "hx-trigger": "change",
        "hx-swap": "innerHTML",
    }


class CriterionForm(forms.ModelForm):
    class Meta:
        model = TenderCriterion
        fields = ["title_tk", "title_ru", "title_en", "guidance", "weight", "max_points"]
        field_classes = {"guidance": TextAreaField}
        widgets = {"guidance": forms.Textarea(attrs={"rows": 2})}


CriterionFormSet = inlineformset_factory(
    Tender, TenderCriterion, form=CriterionForm, extra=2, can_delete=True, max_num=20
)


def criteria_values(formset):
    """The criteria a valid formset describes, in order, without the deleted and empty ones."""
    return [
        {
            **{name: form.cleaned_data.get(name) for name in CriterionForm.Meta.fields},
            "id": form.instance.pk,
        }
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class TermsDocumentForm(forms.Form):
    title = LineField(label=_("Document title"), max_length=300, required=False)
    file = DocumentField(label=_("File"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("title") and not data.get("file"):
            self.add_error("file", _("Choose the file to upload."))
        if data.get("file") and not data.get("title"):
            data["title"] = PurePosixPath(data["file"].name).stem[:300]
        return data


TermsDocumentFormSet = formset_factory(TermsDocumentForm, extra=2, max_num=10)


def document_values(formset):
    """``(title, uploaded_file)`` pairs of a valid document formset."""
    return [
        (form.cleaned_data["title"], form.cleaned_data["file"])
        for form in formset.forms
        if form.cleaned_data.get("file")
    ]


class CancelForm(forms.Form):
    reason = TextAreaField(
        label=_("Reason for cancellation"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Everyone with a bid on the tender receives it."),
    )
    seen_state = forms.CharField(widget=forms.HiddenInput, required=False)


class AmendmentForm(forms.Form):
    """The amendable parts of a published tender, shown with their current values."""

    title_tk = LineField(label=_("title (Turkmen)"), max_length=300)
    title_ru = LineField(label=_("title (Russian)"), max_length=300)
    title_en = LineField(label=_("title (English)"), max_length=300, required=False)
    description_tk = TextAreaField(label=_("description (Turkmen)"))
    description_ru = TextAreaField(label=_("description (Russian)"))
    description_en = TextAreaField(label=_("description (English)"), required=False)
    budget_ceiling = forms.DecimalField(
        label=_("budget ceiling (TMT)"),
        max_digits=14,
        decimal_places=2,
        min_value=MIN_AMOUNT,
        max_value=MAX_AMOUNT,
    )
    grant_start = forms.DateField(
        label=_("grant period start"), widget=DateInput, validators=programme_date_validators()
    )
    grant_end = forms.DateField(
        label=_("grant period end"), widget=DateInput, validators=programme_date_validators()
    )
    questions_deadline = AshgabatDateTimeField(label=_("Questions deadline"))
    submission_deadline = AshgabatDateTimeField(label=_("Submission deadline"))
    withdrawn_documents = forms.ModelMultipleChoiceField(
        label=_("Withdraw these documents"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = TextAreaField(
        label=_("Reason for the amendment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Published with the amendment and sent to every bidder."),
    )
    seen_amendments = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0, max_value=MAX_INTEGER, required=False
    )

    def __init__(self, *args, tender, **kwargs):
        initial = {name: getattr(tender, name) for name in AMENDABLE_FIELDS}
        initial["seen_amendments"] = tender.amendments.count()
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["withdrawn_documents"].queryset = tender.documents.filter(
            withdrawn_at__isnull=True
        )

    def clean(self):
        data = super().clean()
        _check_consistency(self, data)
        return data

    def values(self):
        return {name: self.cleaned_data[name] for name in AMENDABLE_FIELDS}


def default_deadlines(now=None):
    """Suggested deadlines for a new tender: questions in 2 weeks, bids in 3, at 18:00."""
    today = timezone.localtime(now or timezone.now(), ASHGABAT).date()
    at_six = datetime.time(18, 0)

    def moment(days):
        return datetime.datetime.combine(today + datetime.timedelta(days=days), at_six, ASHGABAT)

    return {"questions_deadline": moment(14), "submission_deadline": moment(21)}
