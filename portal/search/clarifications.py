"""Questions and answers: the answers published on public tenders, for everyone."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.search.matching import Field
from tenders.models import Clarification
from tenders.selectors.tender import public_tenders

NAME = "clarifications"
LABEL = _("Questions and answers")
FIELDS = [Field("question", weight="A"), Field("answer", weight="B")]


def rows(user):
    # An unanswered question is seen only by its organisation and the tender's officer.
    return Clarification.objects.filter(
        answered_at__isnull=False, tender__in=public_tenders()
    ).select_related("tender")


def title(row):
    return str(row.tender)


def link(row):
    return reverse("tenders:detail", args=[row.tender_id])
