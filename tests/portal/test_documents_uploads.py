"""The upload handler: the portal sees and keeps the file name exactly as the client sent it."""

import pytest

from providers.models import ProviderDocument, TrainingRecord
from tests.conftest import sign_in
from tests.factories.documents import pdf_bytes
from tests.portal.multipart import multipart
from tests.portal.test_hostile_uploads import provider_document, training_certificate

pytestmark = pytest.mark.django_db


def post(client, place, file_name, content):
    sign_in(client, place.user)
    body, content_type = multipart(place.fields, {place.file_field: (file_name, content)})
    return client.generic("POST", place.url, body, content_type=content_type)


def test_the_name_sent_is_kept_as_the_documents_name(client, media):
    # Django's own parser would turn "&amp;" into "&".
    response = post(client, provider_document(), "R&amp;D «meýilnama».pdf", pdf_bytes())

    assert response.status_code == 302
    assert ProviderDocument.objects.get().original_name == "R&amp;D «meýilnama».pdf"


def test_an_optional_file_left_empty_is_no_file_not_a_bad_name(client, media):
    response = post(client, training_certificate(), "", b"")

    assert response.status_code == 302
    record = TrainingRecord.objects.get()
    assert not hasattr(record, "certificate")
