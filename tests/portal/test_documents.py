"""Accepting and refusing uploads: types by content, size, names; nothing stored on refusal."""

import io
import os

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation
from PIL import ImageFile

from portal.documents.fields import DocumentField
from portal.documents.storage import store
from portal.documents.validation import (
    DOCX,
    JPEG,
    MESSAGES,
    ODT,
    PDF,
    PNG,
    XLSX,
    validate_upload,
)
from portal.documents.validation.office import unpacked_limit_bytes
from tests.factories.documents import (
    CONTENT_TYPES_XML,
    ODT_MIME,
    docx_bytes,
    jpeg_bytes,
    odt_bytes,
    pdf_bytes,
    png_bytes,
    upload,
    xlsx_bytes,
    zip_bytes,
)
from tests.portal.hostile_files import ARCHIVE_RATIO, IMAGE_UNREADABLE, corpus, png_with

MB = 1024 * 1024
NOT_ALLOWED = "This file type is not allowed. Allowed types: PDF, DOCX, XLSX, ODT, JPEG, PNG."
EXECUTABLE = "This file is a program or script, not a document; it cannot be uploaded."
INVALID_NAME = "The file name must be a plain name, without folders or control characters."
NAME_TOO_LONG = (
    "The file name is too long: shorten it to at most 255 Latin letters (fewer in other alphabets)."
)
MACROS = "Documents containing macros are not accepted; save it as a plain DOCX or XLSX file."
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 57
PE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 54 + b"This program cannot be run in DOS mode"
)


def assert_refused_and_nothing_stored(media, uploaded, code, message):
    assert media.names() == []
    with pytest.raises(ValidationError) as refused:
        store(uploaded, prefix="tests/documents")
    assert refused.value.code == code
    assert refused.value.messages == [message]
    assert media.names() == []
    assert default_storage.listdir("") == ([], [])


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (pdf_bytes, PDF),
        (docx_bytes, DOCX),
        (xlsx_bytes, XLSX),
        (odt_bytes, ODT),
        (jpeg_bytes, JPEG),
        (png_bytes, PNG),
    ],
)
def test_each_allowed_type_is_accepted_and_stored_with_its_detected_extension(
    media, build, expected
):
    uploaded = SimpleUploadedFile(f"file.{expected.ext}", build())

    assert validate_upload(uploaded) == expected
    stored = store(uploaded, prefix="tests/documents")

    assert stored.mime == expected.mime
    assert stored.name.endswith(f".{expected.ext}")
    assert media.names() == [stored.name]


def test_type_is_read_from_the_content_not_the_name(media):
    assert validate_upload(upload("png", name="report.pdf")) == PNG
    assert validate_upload(upload("pdf", name="photo.png")) == PDF
    assert store(upload("png", name="report.pdf"), prefix="tests/documents").name.endswith(".png")


def test_validation_leaves_the_file_at_its_start(media):
    uploaded = upload("docx")
    validate_upload(uploaded)
    assert uploaded.read(4) == b"PK\x03\x04"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.pdf", b"Plain text pretending to be a PDF.\n"),
        ("page.pdf", b"<!DOCTYPE html><html><body>hello</body></html>"),
        ("animation.png", b"GIF89a\x01\x00\x01\x00\x80\x00\x00" + b"\x00" * 20),
        ("archive.docx", zip_bytes({"readme.txt": "hello"})),
        ("slides.docx", zip_bytes({"ppt/presentation.xml": "<p/>"})),
        ("sheet.odt", odt_bytes("application/vnd.oasis.opendocument.spreadsheet")),
        ("both.docx", zip_bytes({"word/document.xml": "<d/>", "xl/workbook.xml": "<w/>"})),
        ("broken.docx", b"PK\x03\x04" + b"\x00" * 100),
        ("archive.pdf", b"Rar!\x1a\x07\x00" + b"\x00" * 20),
    ],
)
def test_other_types_are_refused_naming_the_allowed_ones(media, name, content):
    assert_refused_and_nothing_stored(
        media, SimpleUploadedFile(name, content), "type_not_allowed", NOT_ALLOWED
    )


@pytest.mark.parametrize(
    "content",
    [
        ELF,
        PE,
        b"#!/bin/sh\nrm -rf ~\n",
        b"\xef\xbb\xbf\n  #!/usr/bin/env python3\nprint(1)\n",
        b"<?php system($_GET['c']); ?>",
        b"@ECHO OFF\r\ndel /q *\r\n",
        b"\xcf\xfa\xed\xfe" + b"\x00" * 28,
    ],
    ids=["elf", "pe", "shell", "python-after-bom", "php", "batch", "mach-o"],
)
def test_a_renamed_executable_is_refused_as_a_program(media, content):
    assert_refused_and_nothing_stored(
        media, SimpleUploadedFile("report.pdf", content), "executable", EXECUTABLE
    )


@pytest.mark.parametrize(
    "name",
    [
        "../x.pdf",
        "a/b.pdf",
        "/etc/x.pdf",
        "a\\b.pdf",
        "x\x00.pdf",
        "x\n.pdf",
        "r\u202efdp.exe",
        "..",
    ],
)
def test_a_name_with_a_path_or_control_characters_is_refused(media, name):
    assert_refused_and_nothing_stored(
        media, ContentFile(pdf_bytes(), name=name), "invalid_name", INVALID_NAME
    )


def test_a_backslash_name_from_an_upload_is_refused(media):
    uploaded = SimpleUploadedFile("C:\\Users\\a\\report.pdf", pdf_bytes())
    assert_refused_and_nothing_stored(media, uploaded, "invalid_name", INVALID_NAME)


def test_a_name_longer_than_255_bytes_is_refused(media):
    uploaded = ContentFile(pdf_bytes(), name="ý" * 126 + ".pdf")
    assert len(uploaded.name) == 130
    assert_refused_and_nothing_stored(media, uploaded, "name_too_long", NAME_TOO_LONG)


def test_names_in_other_alphabets_are_accepted(media):
    stored = store(upload(name="Ýyllyk hasabat — отчёт.pdf"), prefix="tests/documents")
    assert stored.original_name == "Ýyllyk hasabat — отчёт.pdf"


def test_an_empty_file_is_refused(media):
    assert_refused_and_nothing_stored(
        media, SimpleUploadedFile("empty.pdf", b""), "empty", "The file is empty."
    )


@override_settings(UPLOAD_MAX_BYTES=MB)
def test_a_file_over_the_configured_limit_is_refused_stating_the_limit(media):
    uploaded = SimpleUploadedFile("big.pdf", pdf_bytes(padding=MB))
    assert_refused_and_nothing_stored(
        media, uploaded, "too_large", "The file is too large: at most 1 MB is allowed."
    )


@override_settings(UPLOAD_MAX_BYTES=MB)
def test_a_file_exactly_at_the_limit_is_accepted(media):
    data = pdf_bytes()
    data = pdf_bytes(padding=MB - len(data))
    assert len(data) == MB
    assert store(SimpleUploadedFile("full.pdf", data), prefix="tests/documents").size == MB


def test_the_limit_defaults_to_20_megabytes(media, settings):
    del settings.UPLOAD_MAX_BYTES
    data = pdf_bytes()
    uploaded = SimpleUploadedFile("big.pdf", pdf_bytes(padding=20 * MB - len(data) + 1))
    assert_refused_and_nothing_stored(
        media, uploaded, "too_large", "The file is too large: at most 20 MB is allowed."
    )


def test_a_limit_below_a_megabyte_is_stated_as_a_fraction(media, settings):
    settings.UPLOAD_MAX_BYTES = MB // 2
    uploaded = SimpleUploadedFile("big.pdf", pdf_bytes(padding=MB // 2))
    assert_refused_and_nothing_stored(
        media, uploaded, "too_large", "The file is too large: at most 0.5 MB is allowed."
    )


def test_a_file_larger_than_it_claims_is_refused_by_its_real_size(media, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    lying = File(io.BytesIO(pdf_bytes(padding=5000)), name="small.pdf")
    lying.size = 500
    assert_refused_and_nothing_stored(
        media, lying, "too_large", "The file is too large: at most 0.000954 MB is allowed."
    )


def test_an_office_document_with_macros_is_refused(media):
    uploaded = SimpleUploadedFile("budget.docx", docx_bytes(macros=True))
    assert_refused_and_nothing_stored(media, uploaded, "macros", MACROS)


class DocumentForm(forms.Form):
    document = DocumentField()


def test_the_form_field_accepts_a_document_and_reports_its_type():
    form = DocumentForm(data={}, files={"document": upload("odt", name="plan.odt")})
    assert form.is_valid(), form.errors
    assert form.fields["document"].detected_type == ODT
    assert form.cleaned_data["document"].name == "plan.odt"


def test_the_form_field_shows_the_refusal_next_to_the_field():
    form = DocumentForm(data={}, files={"document": SimpleUploadedFile("cv.pdf", ELF)})
    assert not form.is_valid()
    assert form.errors["document"] == [EXECUTABLE]
    assert form.errors.as_data()["document"][0].code == "executable"


def test_the_form_field_keeps_the_initial_file_when_nothing_new_is_sent():
    field = DocumentField(required=False)
    assert field.clean(None, initial="tenders/bids/2025/01/abc.pdf") == (
        "tenders/bids/2025/01/abc.pdf"
    )
    assert field.detected_type is None


@override_settings(UPLOAD_MAX_BYTES=5 * MB)
def test_the_form_field_tells_the_allowed_types_and_limit():
    rendered = str(DocumentForm()["document"]) + str(DocumentForm()["document"].help_text)
    assert "Allowed types: PDF, DOCX, XLSX, ODT, JPEG, PNG; at most 5 MB." in rendered
    assert 'accept=".docx,.jpeg,.jpg,.odt,.pdf,.png,.xlsx"' in rendered


# Checked by structure, not by the first bytes


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [(name, content, message) for _label, name, content, message in corpus()],
    ids=[label for label, *_rest in corpus()],
)
def test_a_hostile_file_is_refused_with_its_own_message(media, name, content, message):
    with pytest.raises(ValidationError) as refused:
        store(SimpleUploadedFile(name, content), prefix="tests/documents")

    assert refused.value.messages == [message]
    assert refused.value.code in MESSAGES
    assert media.names() == []


def test_a_pdf_that_only_opens_at_its_first_page_is_accepted(media):
    opens_at_page = pdf_bytes(catalog=b"/OpenAction[3 0 R/Fit]")
    assert validate_upload(SimpleUploadedFile("plan.pdf", opens_at_page)) == PDF


@pytest.mark.parametrize(
    "objects",
    [[b"[" + b"0 " * 100_001 + b"]"], [b"[" + b"0 " * 70_000 + b"]"] * 3],
    ids=["one array past pypdf's limit", "more objects than the walk visits"],
)
def test_a_pdf_too_large_to_walk_is_refused(media, objects):
    references = b" ".join(b"%d 0 R" % number for number in range(4, 4 + len(objects)))
    sprawling = pdf_bytes(catalog=b"/Extra[" + references + b"]", objects=objects)
    assert_refused_and_nothing_stored(
        media,
        SimpleUploadedFile("plan.pdf", sprawling),
        "pdf_too_complex",
        "This PDF is too complex to check; export it again as a simpler PDF.",
    )


def test_an_office_document_unpacking_past_the_limit_is_refused(media, settings):
    settings.UPLOAD_MAX_UNPACKED_BYTES = MB // 2
    members = {"[Content_Types].xml": CONTENT_TYPES_XML, "word/document.xml": "<w:document/>"}
    big = zip_bytes({**members, "word/media/photo.bin": os.urandom(600_000)})

    assert_refused_and_nothing_stored(
        media,
        SimpleUploadedFile("plan.docx", big),
        "archive_too_large",
        "This document unpacks to more than 0.5 MB; it cannot be uploaded.",
    )


def test_the_unpacked_limit_defaults_to_50_megabytes(media, settings):
    del settings.UPLOAD_MAX_UNPACKED_BYTES
    members = {"[Content_Types].xml": CONTENT_TYPES_XML, "word/document.xml": "<w:document/>"}
    padded = zip_bytes({**members, "word/media/photo.bin": os.urandom(MB)})
    assert validate_upload(SimpleUploadedFile("plan.docx", padded)) == DOCX
    assert unpacked_limit_bytes() == 50 * MB


def test_an_odt_bomb_and_an_odt_with_macros_are_refused(media):
    bomb = zip_bytes({"mimetype": ODT_MIME, "content.xml": bytes(2 * MB)})
    macros = zip_bytes({"mimetype": ODT_MIME, "Basic/Standard/Module1.xml": "<script/>"})

    assert_refused_and_nothing_stored(
        media, SimpleUploadedFile("plan.odt", bomb), "archive_ratio", ARCHIVE_RATIO
    )
    assert_refused_and_nothing_stored(
        media, SimpleUploadedFile("plan.odt", macros), "macros", MACROS
    )


def test_a_refusal_is_shown_in_the_readers_language(media):
    uploaded = SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n%%EOF\n")
    with translation.override("ru"), pytest.raises(ValidationError) as refused:
        validate_upload(uploaded)
    with translation.override("ru"):
        assert refused.value.messages == [
            "Этот PDF повреждён или неполон и не читается; сохраните или экспортируйте его заново."
        ]


def test_a_damaged_image_is_refused_even_once_weasyprint_is_loaded(media):
    # Importing WeasyPrint lets Pillow load truncated images for the whole process.
    import weasyprint.images  # noqa: F401

    damaged = png_with(1, 1, b"not zlib data")
    assert_refused_and_nothing_stored(
        media, SimpleUploadedFile("photo.png", damaged), "image_unreadable", IMAGE_UNREADABLE
    )
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
