"""Clarification questions from providers and the officer's published answers."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenders.models.tender import Tender


class Clarification(models.Model):
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="clarifications")
    provider = models.ForeignKey("providers.Provider", on_delete=models.PROTECT, related_name="+")
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    question = models.TextField(_("question"))
    asked_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["asked_at", "id"]
        verbose_name = _("clarification")
        verbose_name_plural = _("clarifications")

    def __str__(self):
        return self.question[:80]
