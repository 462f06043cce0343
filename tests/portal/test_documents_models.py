"""The abstract document model that domain apps subclass."""

import re

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.db import models
from django.test.utils import isolate_apps

from portal.documents.models import StoredDocument
from portal.documents.storage import StoredFile, document_upload_to, store
from tests.factories.documents import upload

GENERATED = re.compile(r"^tenders/bids/\d{4}/\d{2}/[0-9a-f]{32}\.pdf$")


def test_the_document_model_mixin_is_abstract_and_registers_no_model():
    assert StoredDocument._meta.abstract
    assert StoredDocument not in apps.get_models()
    assert StoredDocument._meta.get_field("file").max_length == 300
    assert StoredDocument._meta.get_field("sha256").max_length == 64
    uploaded_by = StoredDocument._meta.get_field("uploaded_by")
    assert uploaded_by.null
    assert uploaded_by.remote_field.model == django_settings.AUTH_USER_MODEL


def isolated_user_model():
    """Stands in for ``portal.User`` in an isolated app registry, where the real one is absent."""

    class User(models.Model):
        class Meta:
            app_label = "portal"

        def __str__(self):
            return f"user {self.pk}"

    return User


@isolate_apps("portal")
def test_a_domain_document_is_filled_from_a_stored_file():
    user = isolated_user_model()(pk=7)

    class TenderDocument(StoredDocument):
        upload_prefix = "tenders/bids"
        title = models.CharField(max_length=100)

        class Meta:
            app_label = "portal"

    stored = StoredFile(
        name="tenders/bids/2025/04/" + "a" * 32 + ".pdf",
        size=1234,
        sha256="b" * 64,
        mime="application/pdf",
        original_name="Offer.pdf",
    )

    document = TenderDocument.from_stored(stored, uploaded_by=user, title="Technical offer")

    assert document.file.name == stored.name
    assert (document.original_name, document.size, document.sha256, document.mime) == (
        "Offer.pdf",
        1234,
        "b" * 64,
        "application/pdf",
    )
    assert document.title == "Technical offer"
    assert document.uploaded_by_id == 7
    assert document.uploaded_at is not None
    assert str(document) == "Offer.pdf"
    assert GENERATED.match(document_upload_to(document, "x.pdf"))


@isolate_apps("portal")
@pytest.mark.django_db
def test_a_document_model_serves_its_own_file(media):
    isolated_user_model()

    class GrantReport(StoredDocument):
        upload_prefix = "grants/reports"

        class Meta:
            app_label = "portal"

    stored = store(upload("png", name="site visit.png"), prefix=GrantReport.upload_prefix)
    response = GrantReport.from_stored(stored).file_response()
    assert b"".join(response.streaming_content) == media.read(stored.name)
    response.close()

    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="site visit.png"'
