"""The nightly bulk files of the open data: every release in one file, in each format."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BulkFile(models.Model):
    """The latest bulk file of one format, kept in the document storage, and what it holds."""

    class Format(models.TextChoices):
        JSON = "json", _("release package (JSON)")
        CSV = "csv", _("flattened releases (CSV files in a ZIP)")
        XLSX = "xlsx", _("flattened releases (XLSX)")

    format = models.CharField(_("format"), max_length=8, choices=Format.choices, unique=True)
    # A file field, so the storage clean-up counts the file as referenced and keeps it.
    file = models.FileField(_("file"), max_length=255)
    written_at = models.DateTimeField(_("written at"))
    releases = models.PositiveIntegerField(_("releases"))
    # The newest release in the file: a later one means the file is out of date.
    latest_release = models.PositiveBigIntegerField(_("latest release"), default=0)

    class Meta:
        ordering = ["format"]
        verbose_name = _("open-data bulk file")
        verbose_name_plural = _("open-data bulk files")

    def __str__(self):
        return f"{self.format}: {self.releases}"
