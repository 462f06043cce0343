"""Asking and answering clarification questions."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.form_fields import TextAreaField
from portal.permissions import is_staff_member
from providers.models import ProviderState
from tenders import permissions
from tenders.localtime import format_moment
from tenders.models import Tender
from tenders.services.clarification import MAX_QUESTION_LENGTH


class QuestionForm(forms.Form):
    question = TextAreaField(
        label=_("Your question"),
        max_length=MAX_QUESTION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The answer is published for everyone without naming your organisation."),
    )


class AnswerForm(forms.Form):
    answer = TextAreaField(
        label=_("Answer"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Published on the tender's notice for everyone; the asker is not named."),
    )


def question_panel(user, provider, tender, *, form=None):
    """What a visitor sees where questions are asked: a form, or why they cannot ask.

    Returns None when the tender is not open or the visitor is ministry staff.
    """
    if tender.state != Tender.State.PUBLISHED or is_staff_member(user):
        return None
    if not user.is_authenticated:
        return {"login": True}
    if timezone.now() >= tender.questions_deadline:
        return {
            "refusal": _("The deadline for questions was %(deadline)s.")
            % {"deadline": format_moment(tender.questions_deadline)}
        }
    if provider is None:
        return {"refusal": _("Only members of a registered organisation can ask questions.")}
    if provider.state != ProviderState.VERIFIED:
        return {"refusal": _("Only verified organisations may ask questions about tenders.")}
    if not permissions.can_ask_on_behalf(user, provider):
        return {
            "refusal": _("Only your organisation's administrators and editors may ask questions.")
        }
    return {"form": form or QuestionForm()}
