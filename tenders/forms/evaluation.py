"""Forms of the evaluation: the panel, declarations, screening, score sheets, moderation."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.form_fields import LineField, TextAreaField
from portal.models import Role, User
from tenders.forms.tender import AshgabatDateTimeField
from tenders.models import Evaluation, PanelMember, ScoreSheet
from tenders.models.evaluation import DEFAULT_DIVERGENCE_SHARE, MIN_EVALUATORS
from tenders.services.evaluation.panel import awaiting_replacement
from tenders.services.evaluation.scoring import MAX_JUSTIFICATION

YES_NO = [("yes", _("Passes")), ("no", _("Fails"))]


class EvaluationForm(forms.Form):
    deadline = AshgabatDateTimeField(label=_("Evaluation deadline"))
    min_evaluators = forms.IntegerField(
        label=_("Minimum number of evaluators"), min_value=MIN_EVALUATORS, max_value=20
    )
    divergence_percent = forms.IntegerField(
        label=_("Divergence threshold (percentage of a criterion's maximum points)"),
        min_value=5,
        max_value=100,
        help_text=_(
            "Scores of one bid on one criterion that differ by more than this are flagged "
            "for the chair's moderation."
        ),
    )
    standstill_days = forms.IntegerField(
        label=_("Standstill period (calendar days)"), min_value=1, max_value=60
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "min_evaluators": MIN_EVALUATORS,
                "divergence_percent": int(DEFAULT_DIVERGENCE_SHARE * 100),
                "standstill_days": Evaluation._meta.get_field("standstill_days").get_default(),
            },
        )
        super().__init__(*args, **kwargs)

    def settings(self):
        data = self.cleaned_data
        return {
            "min_evaluators": data["min_evaluators"],
            "divergence_share": Decimal(data["divergence_percent"]) / 100,
            "standstill_days": data["standstill_days"],
        }


class PanelMemberForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Person"), queryset=User.objects.none())
    role = forms.ChoiceField(label=_("Role on the panel"), choices=PanelMember.Role.choices)

    def __init__(self, *args, evaluation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            User.objects.filter(is_active=True, groups__name=Role.EVALUATOR)
            .exclude(panel_seats__evaluation=evaluation)
            .exclude(pk=evaluation.tender.created_by_id)
            .distinct()
            .order_by("full_name", "username")
        )


class ReplaceMemberForm(PanelMemberForm):
    """A recused member and the evaluator who takes their seat (and role)."""

    member = forms.ModelChoiceField(
        label=_("Recused member"), queryset=PanelMember.objects.none(), empty_label=None
    )

    prefix = "replace"
    field_order = ["member", "user"]

    def __init__(self, *args, evaluation, **kwargs):
        super().__init__(*args, evaluation=evaluation, **kwargs)
        del self.fields["role"]
        self.fields["user"].label = _("Replacement")
        self.fields["member"].queryset = awaiting_replacement(evaluation).select_related("user")
        self.fields["member"].label_from_instance = lambda member: (
            f"{member.user} ({member.get_role_display()})"
        )


class InviteEvaluatorForm(forms.Form):
    prefix = "invite"
    full_name = LineField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("Email address"), max_length=254)
    role = forms.ChoiceField(label=_("Role on the panel"), choices=PanelMember.Role.choices)
    language = forms.ChoiceField(
        label=_("Language of the portal and of its emails"), choices=settings.LANGUAGES
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = get_language()
        codes = dict(settings.LANGUAGES)
        self.fields["language"].initial = current if current in codes else settings.LANGUAGE_CODE


class DeclarationForm(forms.Form):
    NO = "no"
    YES = "yes"

    answer = forms.ChoiceField(
        label=_("Your declaration"),
        widget=forms.RadioSelect,
        choices=[
            (NO, _("I have no conflict of interest with this tender or any of these bidders.")),
            (YES, _("I have a conflict of interest.")),
        ],
    )
    conflicted = forms.MultipleChoiceField(
        label=_("Bidders concerned"), required=False, widget=forms.CheckboxSelectMultiple
    )
    details = TextAreaField(
        label=_("Details of the conflict"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, bidders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conflicted"].choices = [(str(pk), name) for pk, name in bidders]

    def clean(self):
        data = super().clean()
        if data.get("answer") == self.YES and not (data.get("details") or "").strip():
            self.add_error("details", _("Describe the conflict of interest."))
        return data

    @property
    def has_conflict(self):
        return self.cleaned_data["answer"] == self.YES

    def conflicted_providers(self):
        return [int(pk) for pk in self.cleaned_data.get("conflicted") or ()]


class ScreeningForm(forms.Form):
    """One decision (and reason) per requirement line, named ``passed_<id>``/``reason_<id>``."""

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            decided = line.passed if line.passed is not None else line.portal_passed
            self.fields[f"passed_{line.pk}"] = forms.ChoiceField(
                label=line.label,
                choices=YES_NO,
                widget=forms.RadioSelect,
                initial="yes" if decided else "no",
                help_text=_("Portal's finding: %(finding)s") % {"finding": line.finding},
            )
            self.fields[f"reason_{line.pk}"] = TextAreaField(
                label=_("Reason (required to override the portal's finding)"),
                required=False,
                max_length=2000,
                initial=line.reason,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self):
        return [(line, self[f"passed_{line.pk}"], self[f"reason_{line.pk}"]) for line in self.lines]

    def decisions(self):
        return {
            line.pk: (
                self.cleaned_data[f"passed_{line.pk}"] == "yes",
                self.cleaned_data[f"reason_{line.pk}"],
            )
            for line in self.lines
        }


class SheetForm(forms.Form):
    """Points and a justification per eligible bid and criterion."""

    def __init__(self, *args, bids, criteria, scores, **kwargs):
        super().__init__(*args, **kwargs)
        self.bids, self.criteria = list(bids), list(criteria)
        saved = {(s.bid_id, s.criterion_id): s for s in scores}
        for bid in self.bids:
            for criterion in self.criteria:
                key = f"{bid.pk}_{criterion.pk}"
                score = saved.get((bid.pk, criterion.pk))
                self.fields[f"points_{key}"] = forms.DecimalField(
                    label=_("Points (0 to %(max)s)") % {"max": criterion.max_points},
                    required=False,
                    min_value=0,
                    max_value=criterion.max_points,
                    max_digits=4,
                    decimal_places=1,
                    initial=score.points if score else None,
                    widget=forms.NumberInput(attrs={"step": "0.1"}),
                )
                self.fields[f"justification_{key}"] = TextAreaField(
                    label=_("Justification"),
                    required=False,
                    max_length=MAX_JUSTIFICATION,
                    initial=score.justification if score else "",
                    widget=forms.Textarea(attrs={"rows": 3}),
                )

    def groups(self):
        """``(bid, [(criterion, points field, justification field), ...])`` per bid."""
        return [
            (
                bid,
                [
                    (c, self[f"points_{bid.pk}_{c.pk}"], self[f"justification_{bid.pk}_{c.pk}"])
                    for c in self.criteria
                ],
            )
            for bid in self.bids
        ]

    def entries(self):
        return {
            (bid.pk, c.pk): (
                self.cleaned_data[f"points_{bid.pk}_{c.pk}"],
                self.cleaned_data[f"justification_{bid.pk}_{c.pk}"],
            )
            for bid in self.bids
            for c in self.criteria
        }


class SeenSheetForm(forms.Form):
    seen_state = forms.ChoiceField(choices=ScoreSheet.State.choices, widget=forms.HiddenInput)


class SubmitSheetForm(SeenSheetForm):
    """The sheet's state and the fingerprint of the scores its page showed; a missing
    fingerprint is refused by the service as stale, not here."""

    seen = forms.CharField(required=False, strip=False, widget=forms.HiddenInput)


class ReturnSheetForm(SeenSheetForm):
    reason = TextAreaField(
        label=_("What the evaluator should revise"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ModerationForm(forms.Form):
    note = TextAreaField(
        label=_("Moderation note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class SeenEvaluationForm(forms.Form):
    seen_state = forms.ChoiceField(choices=Evaluation.State.choices, widget=forms.HiddenInput)


class StartScoringForm(SeenEvaluationForm):
    deadline = AshgabatDateTimeField(label=_("Evaluation deadline"), required=False)
