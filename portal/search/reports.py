"""Pilot service reports: a grantee's own, and every grantee's for the grant officers."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from grants.permissions import is_grant_officer
from grants.selectors import reports_visible_to
from portal.search.matching import Field
from providers.selectors import provider_for_user

NAME = "reports"
LABEL = _("Reports")
FIELDS = [
    Field("achievements"),
    Field("challenges"),
    Field("changes_observed"),
    Field("services_other_description"),
]


def rows(user):
    if not (is_grant_officer(user) or provider_for_user(user)):
        return None
    return reports_visible_to(user)


def title(row):
    return str(row)


def link(row):
    return reverse("grants:report", args=[row.pk])
