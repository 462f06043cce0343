"""Whether a provider may take part in a tender: verified, documents in order, trained staff."""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from providers.models import DocumentType, StaffMember
from workflows.errors import interpolate_lazy


@dataclass(frozen=True)
class Failure:
    code: str
    message: str


def check(provider, *, required_document_types, min_trained_staff, at):
    """Return what keeps ``provider`` from being eligible at ``at``; an empty list means eligible.

    ``at`` is a date or an aware datetime (taken in the portal's time zone). A document counts
    when it is unexpired on that day; a staff member counts when active and holding an
    in-service training record completed on or before that day.
    """
    day = _as_date(at)
    failures = []
    if not provider.is_verified:
        failures.append(Failure("not_verified", _("The organisation is not verified.")))
    failures.extend(document_failures(provider, required_document_types, day))
    trained = trained_staff(provider, day).count()
    if trained < min_trained_staff:
        failures.append(
            Failure(
                "trained_staff",
                interpolate_lazy(
                    _(
                        "At least %(required)s active staff with completed in-service training "
                        "are required; the organisation has %(trained)s."
                    ),
                    {"required": min_trained_staff, "trained": trained},
                ),
            )
        )
    return failures


def trained_staff(provider, day):
    """Active staff of ``provider`` with in-service training completed on or before ``day``."""
    return StaffMember.objects.filter(
        provider=provider,
        active=True,
        training_records__in_service=True,
        training_records__completed_on__isnull=False,
        training_records__completed_on__lte=day,
    ).distinct()


def document_failures(provider, required_document_types, day):
    labels = dict(DocumentType.choices)
    valid = set(
        provider.documents.filter(document_type__in=list(required_document_types))
        .exclude(expires_on__lt=day)
        .values_list("document_type", flat=True)
    )
    return [
        Failure(
            f"missing_document:{code}",
            interpolate_lazy(
                _("A valid “%(type)s” document is missing."), {"type": labels.get(code, code)}
            ),
        )
        for code in dict.fromkeys(required_document_types)
        if code not in valid
    ]


def _as_date(at):
    if hasattr(at, "hour"):
        return timezone.localdate(at) if timezone.is_aware(at) else at.date()
    return at
