"""The service personnel of an organisation and their training."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.documents.models import StoredDocument
from portal.validators import past_date_validators, validate_single_line


class StaffMember(models.Model):
    provider = models.ForeignKey(
        "providers.Provider",
        on_delete=models.CASCADE,
        related_name="staff",
        verbose_name=_("provider"),
    )
    full_name = models.CharField(_("full name"), max_length=200, validators=[validate_single_line])
    position = models.CharField(
        _("role or position"), max_length=200, validators=[validate_single_line]
    )
    qualifications = models.TextField(_("qualifications"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")

    def __str__(self):
        return self.full_name


class TrainingRecord(models.Model):
    """A course a staff member attended; ``in_service`` marks in-service training."""

    staff = models.ForeignKey(
        StaffMember,
        on_delete=models.CASCADE,
        related_name="training_records",
        verbose_name=_("staff member"),
    )
    course = models.CharField(_("course"), max_length=300, validators=[validate_single_line])
    training_provider = models.CharField(
        _("training provider"), max_length=300, validators=[validate_single_line]
    )
    started_on = models.DateField(_("start date"), validators=past_date_validators())
    completed_on = models.DateField(
        _("completion date"), null=True, blank=True, validators=past_date_validators()
    )
    in_service = models.BooleanField(_("in-service training"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-started_on", "id"]
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(completed_on__isnull=True)
                | models.Q(completed_on__gte=models.F("started_on")),
                name="training_completed_after_start",
            )
        ]

    def __str__(self):
        return self.course


class TrainingCertificate(StoredDocument):
    """The certificate file of a training record, when the organisation has one."""

    upload_prefix = "providers/training"

    training = models.OneToOneField(
        TrainingRecord,
        on_delete=models.CASCADE,
        related_name="certificate",
        verbose_name=_("training record"),
    )

    class Meta:
        verbose_name = _("training certificate")
        verbose_name_plural = _("training certificates")
