"""Who works for an organisation in the portal, and invitations to join it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberRole(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    EDITOR = "editor", _("Editor")
    VIEWER = "viewer", _("Viewer")


class Membership(models.Model):
    """A user's place in an organisation. A user belongs to at most one organisation."""

    provider = models.ForeignKey(
        "providers.Provider",
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("provider"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="provider_memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=16, choices=MemberRole.choices)
    created_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    class Meta:
        ordering = ["provider", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["provider", "user"], name="unique_member_per_provider"),
            models.UniqueConstraint(fields=["user"], name="one_provider_per_user"),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"


class Invitation(models.Model):
    """An emailed invitation to join an organisation with a role, valid until ``expires_at``."""

    provider = models.ForeignKey(
        "providers.Provider",
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("provider"),
    )
    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=16, choices=MemberRole.choices)
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    revoked_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.email} → {self.provider}"

    def is_open(self, now):
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now
