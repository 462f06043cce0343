"""Documents in an S3 bucket: private objects, downloads through the portal, honest hashes,
nothing left behind, and a clear answer when the bucket does not answer."""

import datetime
import hashlib
import io
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest
from botocore.config import Config
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from portal.documents.orphans import orphaned_names, remove_orphans
from portal.documents.storage import generate_name, store
from providers.models import DocumentType, ProviderDocument
from providers.services import document_add, document_remove
from tests.conftest import sign_in
from tests.factories.documents import pdf_bytes, upload
from tests.factories.grants import officer
from tests.factories.providers import ProviderDocumentFactory, ProviderFactory, admin_of
from tests.storage import BUCKET, free_port
from tests.workflows.file_jobs import started_job
from workflows.tasks import run_file_job

pytestmark = [pytest.mark.django_db, pytest.mark.parametrize("media", ["s3"], indirect=True)]

BUCKET_DOWN = {
    "en": "The file store is not answering, so the file was not saved.",
    "tk": "Faýl ammary jogap bermeýär, şonuň üçin faýl saklanmady.",
    "ru": "Файловое хранилище не отвечает, поэтому файл не сохранён.",
}


@pytest.fixture
def bucket_down(media, settings):
    """The same S3 storage, pointed at a port where no S3 server listens (any more)."""
    default = settings.STORAGES["default"]
    options = {
        **default["OPTIONS"],
        "endpoint_url": f"http://127.0.0.1:{free_port()}",
        "client_config": Config(retries={"max_attempts": 1}, connect_timeout=1),
    }
    settings.STORAGES = {**settings.STORAGES, "default": {**default, "OPTIONS": options}}
    return media


@pytest.fixture
def restartable_bucket(media, settings):
    """The bucket served by an S3 server of this test's own, which the test may stop and start
    again on the same port (what it stored stays, as on a restarted MinIO)."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = {"moto": ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)}
    server["moto"].start()
    default = settings.STORAGES["default"]
    options = {
        **default["OPTIONS"],
        "endpoint_url": f"http://127.0.0.1:{port}",
        "client_config": Config(retries={"max_attempts": 1}, connect_timeout=1),
    }
    settings.STORAGES = {**settings.STORAGES, "default": {**default, "OPTIONS": options}}

    def stop():
        server["moto"].stop()

    def start():
        server["moto"] = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        server["moto"].start()

    yield stop, start
    server["moto"].stop()


def signed_in_admin(client, provider, language="en"):
    user = admin_of(provider)
    user.language = language
    user.save(update_fields=["language"])
    sign_in(client, user)


def upload_document(client, provider, content, language="en"):
    signed_in_admin(client, provider, language)
    return client.post(
        reverse("providers:documents"),
        {
            "seen_state": provider.state,
            "document_type": DocumentType.CHARTER,
            "title": "Charter",
            "file": upload("pdf", content=content),
        },
    )


def test_stored_objects_are_refused_to_anonymous_readers(media):
    stored = store(upload(), prefix="tenders/bids")
    address = f"{media.server.endpoint_url}/{default_storage.bucket_name}/{media.key(stored.name)}"

    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(address, timeout=5)

    assert refused.value.code == 403


def test_a_download_is_streamed_by_the_portal_and_names_no_bucket(client, media):
    provider = ProviderFactory()
    upload_document(client, provider, pdf_bytes())
    document = ProviderDocument.objects.get(provider=provider)

    page = client.get(reverse("providers:documents"))
    response = client.get(reverse("providers:document_download", args=[document.pk]))

    bucket_host = urlsplit(media.server.endpoint_url).netloc
    assert response.status_code == 200
    assert response.streaming
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert bucket_host not in page.content.decode()
    assert "X-Amz" not in page.content.decode()
    assert all(bucket_host not in value for value in response.headers.values())


def test_the_hash_recorded_at_upload_is_the_hash_of_the_bytes_in_the_bucket(client, media):
    provider = ProviderFactory()
    content = pdf_bytes(padding=5_000)

    upload_document(client, provider, content)

    document = ProviderDocument.objects.get(provider=provider)
    in_bucket = media.read(document.file.name)
    assert in_bucket == content
    assert document.sha256 == hashlib.sha256(in_bucket).hexdigest()
    assert document.size == len(in_bucket)


def test_a_refused_upload_leaves_no_object_in_the_bucket(client, media):
    provider = ProviderFactory()
    before = media.names()

    response = upload_document(client, provider, b"MZ\x90\x00 not a document")

    assert "file" in response.context["form"].errors
    assert media.names() == before == []
    assert not ProviderDocument.objects.exists()


def test_a_repeated_upload_keeps_one_object_and_a_removed_document_none(
    media, django_capture_on_commit_callbacks
):
    provider = ProviderFactory()
    actor = admin_of(provider)
    fields = {"document_type": DocumentType.CHARTER, "title": "Charter"}

    with django_capture_on_commit_callbacks(execute=True):
        first = document_add(actor=actor, provider=provider, upload=upload("pdf"), **fields)
        again = document_add(actor=actor, provider=provider, upload=upload("pdf"), **fields)
    assert again.pk == first.pk
    assert media.names() == [first.file.name]

    with django_capture_on_commit_callbacks(execute=True):
        document_remove(actor=actor, document=first)

    assert media.names() == []


def test_an_export_is_written_to_the_bucket_and_served_from_it(client, media):
    sign_in(client, officer())
    started = client.post(reverse("grants:dashboard_csv", args=["summary"]))
    job = started_job(started)

    run_file_job(job.pk)

    job.refresh_from_db()
    assert media.names() == [job.file.name]
    assert job.file.name.startswith("file-jobs/")
    response = client.get(reverse("workflows:file_job_download", args=[job.pk]))
    served = b"".join(response.streaming_content)
    assert served == media.read(job.file.name)
    assert served.decode("utf-8-sig").splitlines()[0] == "Figure,Value"


def test_the_orphan_finder_lists_and_removes_objects_no_row_references(media):
    document = ProviderDocumentFactory()
    orphan = default_storage.save(generate_name("tenders/bids", "pdf"), ContentFile(b"left"))
    out = io.StringIO()

    call_command("storage_orphans", stdout=out)

    assert out.getvalue().splitlines() == [orphan, "1 file(s) not referenced by any row."]
    removed = remove_orphans(orphaned_names(), now=timezone.now() + datetime.timedelta(days=2))
    assert removed == [orphan]
    assert media.names() == [document.file.name]


@pytest.mark.parametrize("language", ["en", "tk", "ru"])
def test_an_upload_while_the_bucket_is_down_is_refused_and_records_nothing(
    client, bucket_down, language
):
    provider = ProviderFactory()

    response = upload_document(client, provider, pdf_bytes(), language)

    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["file"])
    assert BUCKET_DOWN[language] in errors
    assert not ProviderDocument.objects.exists()


def test_an_upload_refused_while_the_server_is_stopped_succeeds_once_it_is_back(
    client, media, restartable_bucket
):
    stop, start = restartable_bucket
    provider = ProviderFactory()
    stop()

    refused = upload_document(client, provider, pdf_bytes(), "tk")

    assert BUCKET_DOWN["tk"] in " ".join(refused.context["form"].errors["file"])
    assert not ProviderDocument.objects.exists()
    start()
    page = client.get(reverse("providers:documents"))
    accepted = upload_document(client, provider, pdf_bytes(), "tk")

    assert page.status_code == 200
    assert accepted.status_code == 302
    document = ProviderDocument.objects.get(provider=provider)
    assert media.names() == [document.file.name]
    assert media.read(document.file.name) == pdf_bytes()


def test_a_download_while_the_bucket_is_down_answers_503(client, media, request):
    document = ProviderDocumentFactory()
    signed_in_admin(client, document.provider, "ru")
    request.getfixturevalue("bucket_down")

    response = client.get(reverse("providers:document_download", args=[document.pk]))

    assert response.status_code == 503
    assert "Файловое хранилище не отвечает" in response.content.decode()


def test_the_health_probe_writes_reads_and_deletes_in_the_bucket_it_names(client, media):
    response = client.get(reverse("health"))

    assert response.json()["storage"] == {"ok": True, "backend": "S3Storage", "bucket": BUCKET}
    assert media.names() == []


def test_the_health_page_names_the_bucket_storage_when_it_does_not_answer(client, bucket_down):
    response = client.get(reverse("health"))

    assert response.status_code == 503
    assert response.json()["storage"] == {"ok": False, "backend": "S3Storage", "bucket": BUCKET}
