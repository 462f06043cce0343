"""Serving stored documents: attachment headers, cleaned names, no public media route."""

import pytest
from django.http import Http404

from portal.documents.serving import file_response, safe_download_name
from portal.documents.storage import store
from tests.factories.documents import pdf_bytes, upload

PDF_MIME = "application/pdf"

# Closing a response signals the end of a request, which checks the database connection.
pytestmark = pytest.mark.django_db


def body_of(response):
    try:
        return b"".join(response.streaming_content)
    finally:
        response.close()


def test_a_document_is_streamed_as_a_private_attachment(media):
    data = pdf_bytes()
    stored = store(upload(name="Annual report.pdf", content=data), prefix="tenders/bids")

    response = file_response(stored.name, download_name=stored.original_name, mime=stored.mime)

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == PDF_MIME
    assert response["Content-Disposition"] == 'attachment; filename="Annual report.pdf"'
    assert response["Content-Length"] == str(len(data))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert body_of(response) == data


def test_a_name_in_another_alphabet_is_encoded_for_the_header(media):
    stored = store(upload(), prefix="tenders/bids")

    response = file_response(stored.name, download_name="Ýyllyk hasabat.pdf", mime=PDF_MIME)
    body_of(response)

    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%C3%9Dyllyk%20hasabat.pdf"
    )


def test_a_hostile_download_name_is_cleaned(media):
    stored = store(upload(), prefix="tenders/bids")

    response = file_response(stored.name, download_name='..\\..\\evil"\r\nname.pdf', mime=PDF_MIME)
    body_of(response)

    assert response["Content-Disposition"] == 'attachment; filename="evil\\"name.pdf"'


def test_a_type_outside_the_allow_list_is_sent_as_octet_stream(media):
    stored = store(upload(), prefix="tenders/bids")

    response = file_response(stored.name, download_name="page.html", mime="text/html")
    body_of(response)

    assert response["Content-Type"] == "application/octet-stream"


def test_a_missing_file_is_not_found(media):
    with pytest.raises(Http404):
        file_response("tenders/bids/2025/01/missing.pdf", download_name="x.pdf", mime=PDF_MIME)


@pytest.mark.parametrize(
    ("name", "mime", "expected"),
    [
        ("Offer.pdf", PDF_MIME, "Offer.pdf"),
        ("Offer.PDF", PDF_MIME, "Offer.PDF"),
        ("photo.jpeg", "image/jpeg", "photo.jpeg"),
        ("report.pdf", "image/png", "report.pdf.png"),
        ("a/b/../c.pdf", PDF_MIME, "c.pdf"),
        ("...hidden.pdf", PDF_MIME, "hidden.pdf"),
        ("  spaced \t  name .pdf", PDF_MIME, "spaced name .pdf"),
        ("\x00\x1b", PDF_MIME, "document.pdf"),
        ("", "application/octet-stream", "document"),
        ("x" * 300 + ".pdf", PDF_MIME, "x" * 146 + ".pdf"),
    ],
)
def test_safe_download_name(name, mime, expected):
    assert safe_download_name(name, mime=mime) == expected


def test_stored_files_have_no_public_url(media, client):
    stored = store(upload(), prefix="tenders/bids")

    assert client.get(f"/{stored.name}").status_code == 404
    assert client.get(f"/media/{stored.name}").status_code == 404
