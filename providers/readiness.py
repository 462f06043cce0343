"""What an organisation still lacks before it may ask to be verified."""

from django.utils.translation import gettext_lazy as _

from providers.eligibility import Failure, document_failures
from providers.models import DocumentType

# An officer cannot verify an organisation without its founding papers and where to pay it.
VERIFICATION_DOCUMENTS = (
    DocumentType.CHARTER,
    DocumentType.REGISTRATION_CERTIFICATE,
    DocumentType.BANK_DETAILS,
)


def missing_for_submission(provider, day):
    """Everything that keeps ``provider`` from being submitted on ``day``; empty when ready."""
    failures = document_failures(provider, VERIFICATION_DOCUMENTS, day)
    if not provider.service_types.exists():
        failures.append(
            Failure("no_service_types", _("Choose at least one service type you provide."))
        )
    if not provider.target_groups.exists():
        failures.append(
            Failure("no_target_groups", _("Choose at least one target group you serve."))
        )
    return failures
