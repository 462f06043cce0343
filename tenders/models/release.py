"""Open-data releases: what the public learns of a contracting process, one event at a time.

A release is written once, in the transaction of the event it tells of (see
``tenders.opendata``), and never changed or deleted: publishers of the Open Contracting Data
Standard correct the record with a newer release, not by rewriting an old one.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReleaseQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Published releases cannot be changed.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise PermissionError("Published releases cannot be changed.")

    def update_or_create(self, defaults=None, create_defaults=None, **kwargs):
        raise PermissionError("Published releases cannot be changed.")

    def delete(self):
        raise PermissionError("Published releases cannot be deleted.")


class Release(models.Model):
    """One OCDS release: its OCID, its id, its date and tags, and the release JSON itself."""

    ocid = models.CharField(_("OCID"), max_length=100)
    release_id = models.CharField(_("release id"), max_length=150, unique=True)
    date = models.DateTimeField(_("date"), db_index=True)
    tags = models.JSONField(_("tags"))
    data = models.JSONField(_("release"))

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["ocid", "date"], name="release_ocid_date")]
        verbose_name = _("open-data release")
        verbose_name_plural = _("open-data releases")

    def __str__(self):
        return self.release_id

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Published releases cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Published releases cannot be deleted.")
