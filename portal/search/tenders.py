"""Tenders: every public notice, for everyone, in each of its three languages."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.search.matching import translated
from tenders.selectors.tender import public_tenders

NAME = "tenders"
LABEL = _("Tenders")
FIELDS = [*translated("title", "A"), *translated("description", "B")]


def rows(user):
    return public_tenders()


def title(row):
    return str(row)


def link(row):
    return reverse("tenders:detail", args=[row.pk])
