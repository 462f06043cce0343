"""Personal API tokens: a program acting for its user, read-only or read and write."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.validators import validate_single_line


class TokenScope(models.TextChoices):
    READ = "read", _("Read only")
    WRITE = "write", _("Read and write")


class ApiToken(models.Model):
    """Only the SHA-256 of the token is stored: the token itself is shown once, when made."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, validators=[validate_single_line])
    scope = models.CharField(_("scope"), max_length=8, choices=TokenScope.choices)
    key_sha256 = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters, so its owner can tell tokens apart; they do not open anything.
    prefix = models.CharField(max_length=8, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def may_write(self):
        return self.scope == TokenScope.WRITE
