"""Storing documents: generated names, checksums, real storage, the abstract model."""

import hashlib
import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.test import RequestFactory

from portal.documents.storage import (
    UploadTo,
    discard,
    generate_name,
    kept_on_success,
    store,
    upload_to,
)
from providers.models import Provider
from tests.factories.documents import pdf_bytes, upload, xlsx_bytes
from tests.factories.providers import ProviderFactory

GENERATED = re.compile(r"^tenders/bids/\d{4}/\d{2}/[0-9a-f]{32}\.(pdf|xlsx|png|bin)$")


def test_store_saves_the_bytes_and_returns_their_size_checksum_and_type(media):
    data = xlsx_bytes()

    stored = store(upload("xlsx", name="Budget 2025.xlsx"), prefix="tenders/bids")

    assert stored.size == len(data)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.mime == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert stored.original_name == "Budget 2025.xlsx"
    assert media.read(stored.name) == data
    with default_storage.open(stored.name, "rb") as handle:
        assert handle.read() == data


def test_the_stored_name_is_generated_and_never_contains_the_uploaded_name(media):
    stored = store(upload(name="secret-tender-plan.pdf"), prefix="tenders/bids")

    assert GENERATED.match(stored.name)
    assert "secret" not in stored.name
    assert "plan" not in stored.name


@time_machine.travel(datetime(2025, 3, 31, 20, 30, tzinfo=UTC), tick=False)
def test_the_stored_name_is_dated_in_ashgabat_time(media):
    stored = store(upload(), prefix="tenders/bids")
    assert stored.name.startswith("tenders/bids/2025/04/")


def test_storing_the_same_file_twice_keeps_two_copies(media):
    first = store(upload(), prefix="tenders/bids")
    second = store(upload(), prefix="tenders/bids")

    assert first.name != second.name
    assert first.sha256 == second.sha256
    assert len(media.names()) == 2


def test_a_file_uploaded_through_a_request_is_stored_from_its_temporary_file(
    media, settings, tmp_path
):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    data = pdf_bytes(padding=70_000)
    request = RequestFactory().post("/", {"document": upload(content=data, name="big.pdf")})
    uploaded = request.FILES["document"]
    assert hasattr(uploaded, "temporary_file_path")

    stored = store(uploaded, prefix="tenders/bids")
    uploaded.close()

    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert media.read(stored.name) == data


@pytest.mark.parametrize("prefix", ["", "../x", "/abs", "Tenders", "a//b", "a/", "a b"])
def test_an_unsafe_prefix_is_a_programming_error_and_stores_nothing(media, prefix):
    with pytest.raises(ValueError):
        store(upload(), prefix=prefix)
    assert media.names() == []


def test_discard_removes_a_stored_file_and_may_be_repeated(media):
    stored = store(upload(), prefix="tenders/bids")

    discard(stored.name)
    discard(stored.name)

    assert media.names() == []


@pytest.mark.parametrize(
    ("filename", "ext"),
    [("Report.PDF", "pdf"), ("photo.jpeg", "jpg"), ("tool.exe", "bin"), ("noext", "bin")],
)
def test_upload_to_generates_names_keeping_only_accepted_extensions(filename, ext):
    name = upload_to("tenders/bids")(None, filename)
    assert GENERATED.match(name.replace(".jpg", ".bin"))
    assert name.endswith(f".{ext}")


def test_upload_to_is_serialisable_in_migrations():
    assert upload_to("tenders/bids").deconstruct() == (
        "portal.documents.storage.UploadTo",
        ("tenders/bids",),
        {},
    )
    assert UploadTo("tenders/bids") == upload_to("tenders/bids")
    with pytest.raises(ValueError):
        upload_to("../escape")


def test_generate_name_uses_the_prefix_and_extension():
    assert GENERATED.match(generate_name("tenders/bids", "png"))


@pytest.mark.django_db(transaction=True)
def test_files_stored_for_a_transaction_that_rolls_back_are_removed(media):
    first, second = ProviderFactory(), ProviderFactory()
    with pytest.raises(IntegrityError):
        with kept_on_success() as files, transaction.atomic():
            stored = files.store(upload("pdf"), prefix="tests/documents")
            assert media.names() == [stored.name]
            Provider.objects.filter(pk=second.pk).update(
                registration_number=first.registration_number
            )

    assert media.names() == []


@pytest.mark.django_db
def test_files_stored_in_a_block_that_succeeds_are_kept(media):
    with kept_on_success() as files, transaction.atomic():
        stored = files.store(upload("pdf"), prefix="tests/documents")

    assert media.names() == [stored.name]
