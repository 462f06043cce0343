"""Hostile uploads, built in memory: files that look like documents but are not safe to keep,
and file names Django would rewrite. Each comes with the message the portal must answer."""

import functools
import io
import struct
import zipfile
import zlib

from pypdf import PdfWriter

from tests.factories.documents import CONTENT_TYPES_XML, docx_bytes, pdf_bytes, zip_bytes

MB = 1024 * 1024
PDF_UNREADABLE = "This PDF is damaged or incomplete and cannot be read; save or export it again."
PDF_ENCRYPTED = (
    "This PDF is protected by a password or encryption; upload a copy without protection."
)
PDF_JAVASCRIPT = (
    "This PDF contains JavaScript, which is not accepted; export it again as a plain PDF."
)
PDF_ACTIONS = (
    "This PDF runs actions by itself when it is opened or viewed; export it again as a plain PDF."
)
PDF_LAUNCH = "This PDF tries to start other programs; it cannot be uploaded."
PDF_EMBEDDED = "This PDF carries other files inside it; upload each document on its own."
ARCHIVE_RATIO = (
    "This document is compressed far more than a real document can be; save it again from the "
    "program that made it."
)
OFFICE_INCOMPLETE = (
    "This office document is incomplete (it has no list of its parts); save it again from Word "
    "or Excel."
)
MACROS = "Documents containing macros are not accepted; save it as a plain DOCX or XLSX file."
IMAGE_TOO_LARGE = (
    "This image has too many pixels (at most 89 megapixels); make it smaller and upload it again."
)
IMAGE_UNREADABLE = "This image is damaged and cannot be shown; save it again as JPEG or PNG."
INVALID_NAME = "The file name must be a plain name, without folders or control characters."
NAME_TOO_LONG = (
    "The file name is too long: shorten it to at most 255 Latin letters (fewer in other alphabets)."
)


def encrypted_pdf():
    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@functools.cache
def docx_bomb():
    """A DOCX of about 60 KB with a member of 60 MB of zeros, written in chunks so the test
    never holds the unpacked member in memory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES_XML)
        archive.writestr("word/document.xml", "<w:document><w:body><w:p/></w:body></w:document>")
        with archive.open("word/media/image1.bin", "w", force_zip64=True) as member:
            chunk = bytes(MB)
            for _ in range(60):
                member.write(chunk)
    return buffer.getvalue()


def png_with(width, height, pixels):
    def chunk(kind, data):
        crc = struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def corpus():
    """``(label, client file name, bytes, expected message)`` for every hostile upload."""
    pdf = pdf_bytes()
    return [
        ("15-byte PDF", "report.pdf", b"%PDF-1.4\n%%EOF\n", PDF_UNREADABLE),
        ("truncated PDF", "report.pdf", pdf[: len(pdf) // 2], PDF_UNREADABLE),
        (
            "PDF with /OpenAction JavaScript",
            "report.pdf",
            pdf_bytes(
                catalog=b"/OpenAction 4 0 R",
                objects=[b"<</S/JavaScript/JS(app.alert('hello'))>>"],
            ),
            PDF_JAVASCRIPT,
        ),
        (
            "PDF with JavaScript in its name tree",
            "report.pdf",
            pdf_bytes(
                catalog=b"/Names<</JavaScript 4 0 R>>",
                objects=[b"<</Names[(x) 5 0 R]>>", b"<</S/JavaScript/JS(this.print())>>"],
            ),
            PDF_JAVASCRIPT,
        ),
        (
            "PDF with a /Launch link",
            "report.pdf",
            pdf_bytes(
                page=b"/Annots[4 0 R]",
                objects=[b"<</Type/Annot/Subtype/Link/Rect[0 0 9 9]/A<</S/Launch/F(cmd.exe)>>>>"],
            ),
            PDF_LAUNCH,
        ),
        (
            "PDF with a page action",
            "report.pdf",
            pdf_bytes(page=b"/AA<</O 4 0 R>>", objects=[b"<</S/GoTo/D[3 0 R/Fit]>>"]),
            PDF_ACTIONS,
        ),
        ("encrypted PDF", "report.pdf", encrypted_pdf(), PDF_ENCRYPTED),
        (
            "PDF with an embedded file",
            "report.pdf",
            pdf_bytes(
                catalog=b"/Names<</EmbeddedFiles<</Names[(a.exe) 4 0 R]>>>>",
                objects=[
                    b"<</Type/Filespec/F(a.exe)/EF<</F 5 0 R>>>>",
                    b"<</Type/EmbeddedFile/Length 2>>stream\nMZ\nendstream",
                ],
            ),
            PDF_EMBEDDED,
        ),
        ("DOCX bomb", "plan.docx", docx_bomb(), ARCHIVE_RATIO),
        (
            "DOCX without [Content_Types].xml",
            "plan.docx",
            zip_bytes({"word/document.xml": "<w:document/>"}),
            OFFICE_INCOMPLETE,
        ),
        ("DOCX with vbaProject.bin", "plan.docx", docx_bytes(macros=True), MACROS),
        (
            "PNG of 100,000 x 100,000 pixels",
            "photo.png",
            png_with(100_000, 100_000, zlib.compress(b"")),
            IMAGE_TOO_LARGE,
        ),
        (
            "PNG just over the decompression-bomb warning",
            "photo.png",
            png_with(10_000, 9_000, zlib.compress(b"")),
            IMAGE_TOO_LARGE,
        ),
        ("undecodable PNG", "photo.png", png_with(1, 1, b"not zlib data"), IMAGE_UNREADABLE),
    ]


# Names Django's parser rewrites or drops, sent with a valid PDF.
HOSTILE_NAMES = [
    ("../x.pdf", INVALID_NAME),
    ("a/b.pdf", INVALID_NAME),
    ("C:\\Users\\x\\y.pdf", INVALID_NAME),
    ("..", INVALID_NAME),
    (".", INVALID_NAME),
    ("...", INVALID_NAME),
    ("x\x00.pdf", INVALID_NAME),
    ("x\x1b[31m.pdf", INVALID_NAME),
    ("report\u202efdp.exe", INVALID_NAME),
    ("a\u2066b.pdf", INVALID_NAME),
    ("ý" * 126 + ".pdf", NAME_TOO_LONG),
]
