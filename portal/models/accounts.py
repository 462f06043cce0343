"""Users and the staff roles they hold. Roles are Django groups named by their code."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from portal.validators import validate_single_line
from workflows.preferences import EmailFrequency


class Role(models.TextChoices):
    PROCUREMENT_OFFICER = "procurement_officer", _("Procurement officer")
    EVALUATOR = "evaluator", _("Evaluator")
    APPROVER = "approver", _("Ministry approver")
    GRANT_OFFICER = "grant_officer", _("Grant officer")
    SYSTEM_ADMIN = "system_admin", _("System administrator")


class User(AbstractUser):
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(
        _("full name"), max_length=200, blank=True, validators=[validate_single_line]
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="tk"
    )
    email_frequency = models.CharField(
        _("email notifications"),
        max_length=16,
        choices=EmailFrequency.choices,
        default=EmailFrequency.IMMEDIATE,
        help_text=_("In-app notifications always arrive at once."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.get_username()

    @cached_property
    def role_codes(self):
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, role):
        return self.is_active and role in self.role_codes
