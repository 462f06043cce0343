"""Documents an organisation files: charter, certificates, bank details, audit reports."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.documents.models import StoredDocument
from portal.validators import programme_date_validators, validate_single_line


class DocumentType(models.TextChoices):
    CHARTER = "charter", _("Charter")
    REGISTRATION_CERTIFICATE = "registration_certificate", _("State registration certificate")
    TAX_CERTIFICATE = "tax_certificate", _("Tax certificate")
    BANK_DETAILS = "bank_details", _("Bank details")
    AUDIT_REPORT = "audit_report", _("Audit report")
    OTHER = "other", _("Other document")


class ProviderDocument(StoredDocument):
    upload_prefix = "providers/documents"

    provider = models.ForeignKey(
        "providers.Provider",
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("provider"),
    )
    document_type = models.CharField(
        _("document type"), max_length=32, choices=DocumentType.choices
    )
    title = models.CharField(_("title"), max_length=300, validators=[validate_single_line])
    expires_on = models.DateField(
        _("valid until"), null=True, blank=True, validators=programme_date_validators()
    )
    # The nearest expiry warning already handled (30 or 7 days), so the sweep's due set shrinks.
    expiry_warned_days = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["document_type", "-uploaded_at"]
        verbose_name = _("provider document")
        verbose_name_plural = _("provider documents")

    def __str__(self):
        return self.title

    def is_valid_on(self, day):
        return self.expires_on is None or self.expires_on >= day
