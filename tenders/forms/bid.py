"""Forms for preparing and submitting a bid."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.documents.fields import DocumentField
from portal.form_fields import LineField, TextAreaField
from portal.validators import MAX_AMOUNT, MIN_AMOUNT
from tenders.models import Bid, BidBudgetLine

MAX_SECTION_LENGTH = 20000


class SeenStateForm(forms.Form):
    """The bid's state when the page was loaded, so a stale page is refused, not acted on."""

    seen_state = forms.ChoiceField(choices=Bid.State.choices, widget=forms.HiddenInput)


class ProposalForm(SeenStateForm):
    """One answer per evaluation criterion of the tender, named ``criterion_<id>``."""

    def __init__(self, *args, criteria, sections, **kwargs):
        super().__init__(*args, **kwargs)
        texts = {section.criterion_id: section.text for section in sections}
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"criterion_{criterion.pk}"] = TextAreaField(
                label=criterion.title,
                help_text=criterion.guidance,
                required=False,
                max_length=MAX_SECTION_LENGTH,
                initial=texts.get(criterion.pk, ""),
                widget=forms.Textarea(attrs={"rows": 8}),
            )

    def answers(self):
        return {
            criterion.pk: self.cleaned_data[f"criterion_{criterion.pk}"]
            for criterion in self.criteria
        }


class StaffForm(SeenStateForm):
    """Propose a member of the organisation's own roster; anyone else is not a valid choice."""

    staff_member = forms.ModelChoiceField(label=_("Staff member"), queryset=None)
    role_in_project = LineField(label=_("Role in the project"), max_length=200, required=False)

    def __init__(self, *args, roster, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff_member"].queryset = roster


class BudgetLineForm(SeenStateForm):
    category = forms.ChoiceField(label=_("Category"), choices=BidBudgetLine.Category.choices)
    description = LineField(label=_("Description"), max_length=300)
    amount = forms.DecimalField(
        label=_("Amount (TMT)"),
        max_digits=14,
        decimal_places=2,
        min_value=MIN_AMOUNT,
        max_value=MAX_AMOUNT,
    )


class BidDocumentForm(SeenStateForm):
    title = LineField(label=_("Title"), max_length=300)
    file = DocumentField(label=_("File"))
