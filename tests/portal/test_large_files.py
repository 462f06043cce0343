"""A 20 MB document goes into storage and back out in chunks: the web process never holds it.

What the request handling allocates is measured with tracemalloc in this process; the upload
is read from a file on disk, as a server reads it from its socket. The bucket runs in an S3
server of its own process (``moto_server``, or the server at ``AWS_S3_ENDPOINT_URL``), so
what it keeps is not counted as the portal's.
"""

import gc
import hashlib
import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
from django.urls import reverse

from providers.models import DocumentType, ProviderDocument
from tests.conftest import require, sign_in
from tests.factories.documents import pdf_bytes, upload
from tests.factories.providers import ProviderFactory, admin_of
from tests.integration.conftest import wait_for
from tests.portal.multipart import BOUNDARY, CONTENT_TYPE
from tests.storage import S3Server, free_port, in_bucket

pytestmark = pytest.mark.django_db

SIZE = 20_000_000
# "Less than a few MB": the file is 20 MB; the request may hold a few chunks of it at once.
BOUND = 4 * 1024 * 1024
MOTO_SERVER = Path(sys.executable).with_name("moto_server")


@pytest.fixture(scope="module")
def bucket_elsewhere():
    """An S3 API served by another process, with the bucket created."""
    endpoint = os.environ.get("AWS_S3_ENDPOINT_URL")
    if endpoint:
        server = S3Server(endpoint)
        server.create_bucket()
        yield server
        return
    require(MOTO_SERVER.exists(), f"moto_server at {MOTO_SERVER}")
    port = free_port()
    process = subprocess.Popen(
        [str(MOTO_SERVER), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        server = S3Server(f"http://127.0.0.1:{port}")
        wait_for(lambda: answers(server), timeout=30, message="moto_server to answer")
        yield server
    finally:
        process.terminate()
        process.wait(timeout=10)


def answers(server):
    try:
        server.create_bucket()
    except Exception:  # noqa: BLE001 - not listening yet
        return False
    return True


@pytest.fixture(params=["local", "s3"])
def storage(request, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    if request.param == "local":
        yield request.param
        return
    stored = in_bucket(settings, request.getfixturevalue("bucket_elsewhere"))
    yield request.param
    stored.clear()


@pytest.fixture
def provider():
    return ProviderFactory()


@pytest.fixture
def upload_body(tmp_path, provider):
    """A multipart body on disk holding a 20 MB PDF; ``(path, sha256 of the PDF)``."""
    content = pdf_bytes(padding=SIZE - len(pdf_bytes()))
    assert len(content) == SIZE
    head = (
        "".join(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            for name, value in (
                ("seen_state", provider.state),
                ("document_type", DocumentType.CHARTER),
                ("title", "Charter"),
            )
        )
        + f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    )
    path = tmp_path / "body"
    with path.open("wb") as out:
        out.write(head.encode())
        out.write(content)
        out.write(f"\r\n--{BOUNDARY}--\r\n".encode())
    return path, hashlib.sha256(content).hexdigest()


def peak_memory(work):
    """``(what work() returned, the most memory it had allocated at once, in bytes)``."""
    gc.collect()
    tracemalloc.start()
    try:
        result = work()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_20_mb_upload_and_download_never_hold_the_file_in_memory(
    client, storage, provider, upload_body, capsys
):
    sign_in(client, admin_of(provider))
    body, sha256 = upload_body

    def send_the_body():
        with body.open("rb") as stream:
            return client.request(
                REQUEST_METHOD="POST",
                PATH_INFO=reverse("providers:documents"),
                CONTENT_TYPE=CONTENT_TYPE,
                CONTENT_LENGTH=str(body.stat().st_size),
                **{"wsgi.input": stream},
            )

    def download(document):
        response = client.get(reverse("providers:document_download", args=[document.pk]))
        digest, size = hashlib.sha256(), 0
        for chunk in response.streaming_content:
            digest.update(chunk)
            size += len(chunk)
        return digest.hexdigest(), size

    # The first request imports modules and builds caches; what it holds is not the file's.
    warm_up = {"seen_state": provider.state, "document_type": DocumentType.OTHER}
    client.post(reverse("providers:documents"), {**warm_up, "title": "Other", "file": upload()})
    download(ProviderDocument.objects.get(provider=provider))

    uploaded, upload_peak = peak_memory(send_the_body)
    assert uploaded.status_code == 302, uploaded.content[:2000]
    document = ProviderDocument.objects.get(provider=provider, title="Charter")
    (served, size), download_peak = peak_memory(lambda: download(document))

    with capsys.disabled():
        print(
            f"\n20 MB on {storage}: the upload held at most {upload_peak / 2**20:.1f} MiB, "
            f"the download {download_peak / 2**20:.1f} MiB"
        )
    assert (document.sha256, document.size) == (sha256, SIZE)
    assert (served, size) == (sha256, SIZE)
    assert upload_peak < BOUND, f"the upload held {upload_peak} bytes"
    assert download_peak < BOUND, f"the download held {download_peak} bytes"
