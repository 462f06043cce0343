"""Document, export and report tests run twice: on the local file system and on an S3 API.

The S3 API is the server at ``AWS_S3_ENDPOINT_URL`` when that is set (CI may point it at MinIO),
otherwise a moto server this test run starts on a free loopback port. Each test gets its own
folder (``location``) in one private bucket, so what a test lists is only what it stored.
"""

import os
import posixpath
import socket
import uuid
from pathlib import Path

import pytest

from tests.conftest import require

BUCKET = os.environ.get("AWS_STORAGE_BUCKET_NAME") or "portal-test-documents"
REGION = os.environ.get("AWS_S3_REGION_NAME") or "us-east-1"


class S3Server:
    """Where the S3 API listens, with a boto3 client for looking at the bucket directly."""

    def __init__(self, endpoint_url, moto=None):
        import boto3

        self.endpoint_url = endpoint_url
        self.moto = moto
        self.access_key = os.environ.get("AWS_ACCESS_KEY_ID") or "portal-test"
        self.secret_key = os.environ.get("AWS_SECRET_ACCESS_KEY") or "portal-test-secret"
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name=REGION,
        )

    def create_bucket(self):
        existing = {bucket["Name"] for bucket in self.client.list_buckets().get("Buckets", [])}
        if BUCKET not in existing:
            self.client.create_bucket(Bucket=BUCKET)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def s3_server():
    """The S3 API of this run, with the bucket created; skipped (failed in CI) if there is none."""
    endpoint = os.environ.get("AWS_S3_ENDPOINT_URL")
    moto = None
    if not endpoint:
        try:
            from moto.server import ThreadedMotoServer
        except ImportError:
            require(False, "moto[server] (pip install -r requirements-dev.txt)")
        port = free_port()
        moto = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        moto.start()
        endpoint = f"http://127.0.0.1:{port}"
    server = S3Server(endpoint, moto)
    try:
        server.create_bucket()
    except Exception as error:  # noqa: BLE001 - any failure means there is no usable S3 API
        if moto:
            moto.stop()
        require(False, f"an S3 API at {endpoint} ({error})")
    yield server
    if moto:
        moto.stop()


class StoredFiles:
    """What the default storage holds, read the same way on either backend."""

    def __init__(self, backend, *, root=None, server=None, location=None):
        self.backend = backend
        self.root = root
        self.server = server
        self.location = location

    def names(self):
        """The sorted storage names of every stored file."""
        if self.backend == "local":
            return sorted(
                path.relative_to(self.root).as_posix()
                for path in Path(self.root).rglob("*")
                if path.is_file()
            )
        prefix = f"{self.location}/"
        pages = self.server.client.get_paginator("list_objects_v2").paginate(
            Bucket=BUCKET, Prefix=prefix
        )
        return sorted(
            entry["Key"][len(prefix) :] for page in pages for entry in page.get("Contents", ())
        )

    def read(self, name):
        """The bytes stored under ``name``, read past the portal (file system or ``get_object``)."""
        if self.backend == "local":
            return (Path(self.root) / name).read_bytes()
        body = self.server.client.get_object(Bucket=BUCKET, Key=self.key(name))["Body"]
        return body.read()

    def key(self, name):
        return posixpath.join(self.location, name)

    def clear(self):
        """Delete what the test stored in the bucket."""
        for name in self.names():
            self.server.client.delete_object(Bucket=BUCKET, Key=self.key(name))


@pytest.fixture(params=["local", "s3"])
def media(request, settings, tmp_path):
    """The default storage, empty: a temporary ``MEDIA_ROOT`` or a fresh folder of the bucket."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    if request.param == "local":
        yield StoredFiles("local", root=settings.MEDIA_ROOT)
        return
    stored = in_bucket(settings, request.getfixturevalue("s3_server"))
    yield stored
    stored.clear()


def in_bucket(settings, server):
    """Point the default storage at a fresh folder of ``server``'s bucket; return its files."""
    location = f"tests/{uuid.uuid4().hex}"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": server.endpoint_url,
                "region_name": REGION,
                "access_key": server.access_key,
                "secret_key": server.secret_key,
                "location": location,
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": False,
            },
        },
    }
    return StoredFiles("s3", server=server, location=location)
