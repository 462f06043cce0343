"""Organisations: for the officers who review them, by name (a misspelt one too, on
PostgreSQL with ``pg_trgm``) or registration number."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.search.matching import translated
from providers import permissions
from providers.selectors import providers_for_review

NAME = "providers"
LABEL = _("Organisations")
FIELDS = translated("name", "A")
NAMES = ("name_tk", "name_ru", "name_en")
CODES = ("registration_number",)


def rows(user):
    if not permissions.is_verification_officer(user):
        return None
    return providers_for_review(user)


def title(row):
    return str(row)


def link(row):
    return reverse("providers:review", args=[row.pk])
