"""The abstract model every domain document model builds on."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.documents.serving import file_response
from portal.documents.storage import document_upload_to
from portal.documents.validation import MAX_NAME_LENGTH


class StoredDocument(models.Model):
    """A file saved by ``portal.documents.storage.store`` with what is known about it.

    Subclass it in a domain app, add the owning relation and set ``upload_prefix`` (the storage
    folder, e.g. ``"tenders/bids"``)::

        class BidDocument(StoredDocument):
            upload_prefix = "tenders/bids"
            bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="documents")

    A service then stores and records the file::

        stored = store(uploaded_file, prefix=BidDocument.upload_prefix)
        BidDocument.from_stored(stored, uploaded_by=actor, bid=bid).save()

    and a view that has checked permission returns ``document.file_response()``.
    """

    upload_prefix = "documents"

    file = models.FileField(_("file"), max_length=300, upload_to=document_upload_to)
    original_name = models.CharField(_("original file name"), max_length=MAX_NAME_LENGTH)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64)
    mime = models.CharField(_("content type"), max_length=100)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True

    def __str__(self):
        return self.original_name

    @classmethod
    def from_stored(cls, stored, *, uploaded_by=None, **fields):
        """An unsaved instance describing ``stored`` (a ``StoredFile``); ``fields`` set the rest."""
        document = cls(**fields)
        document.fill_from(stored, uploaded_by=uploaded_by)
        return document

    def fill_from(self, stored, *, uploaded_by=None):
        """Copy a ``StoredFile``'s name and metadata onto this instance without saving it."""
        self.file = stored.name
        self.original_name = stored.original_name
        self.size = stored.size
        self.sha256 = stored.sha256
        self.mime = stored.mime
        self.uploaded_by = uploaded_by

    def file_response(self):
        """The download response for this document; check permission before calling it."""
        return file_response(self.file.name, download_name=self.original_name, mime=self.mime)
