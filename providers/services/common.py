"""Helpers the provider services share: locking, stale-form checks, notification context."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from providers.models import Provider, ProviderState
from workflows.errors import ConflictError, DomainError, not_allowed

# The organisation keeps its papers and staff up to date while verified or suspended too (an
# expiring certificate must be renewable), but not while an officer is reviewing a snapshot of
# it, and not once it has been rejected.
MAINTAINABLE_STATES = (
    ProviderState.DRAFT,
    ProviderState.RETURNED,
    ProviderState.VERIFIED,
    ProviderState.SUSPENDED,
)


def lock_provider(provider):
    """Re-read ``provider`` locked for the rest of the transaction."""
    return Provider.objects.select_for_update().get(pk=provider.pk)


def check_seen(row, seen_state):
    """Refuse a form filled in while the organisation was in another state."""
    if seen_state is not None and row.state != seen_state:
        raise ConflictError()


def check_maintainable(row):
    if row.state not in MAINTAINABLE_STATES:
        raise not_allowed(row.get_state_display())


def require(condition, code, message, field=None):
    if not condition:
        raise DomainError(code, message, field=field)


def provider_context(provider):
    """JSON-safe names of the organisation for notification templates, in every language."""
    return {
        "provider_id": provider.pk,
        "provider_name_tk": provider.name_tk,
        "provider_name_ru": provider.name_ru,
        "provider_name_en": provider.name_en or provider.name_tk,
    }


def organisation_url():
    return reverse("providers:my_organisation")


def review_url(provider):
    return reverse("providers:review", args=[provider.pk])


NOT_EDITABLE = _("The organisation's details can only be changed in draft or when returned.")
