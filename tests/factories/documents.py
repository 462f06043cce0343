"""Small but real document files, built in memory, for upload tests.

``upload("docx", name="plan.docx")`` gives a ``SimpleUploadedFile`` ready to put in a form's
``files`` or pass to ``portal.documents.storage.store``.
"""

import io
import struct
import zipfile
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

CONTENT_TYPES_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    "</Types>"
)
ODT_MIME = "application/vnd.oasis.opendocument.text"


def pdf_bytes(padding=0, *, catalog=b"", page=b"", objects=()):
    """A one-page PDF with a correct cross-reference table.

    ``padding`` bytes of comment make it as large as a test needs; ``catalog`` and ``page``
    add entries to the document catalog (object 1) and the page (object 3); ``objects`` are
    the bodies of further objects, numbered from 4.
    """
    bodies = [
        b"<</Type/Catalog/Pages 2 0 R" + catalog + b">>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]" + page + b">>",
        *objects,
    ]
    out = b"%PDF-1.4\n%" + b"%" * padding + b"\n"
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj" % number + body + b"endobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer<</Size %d/Root 1 0 R>>\n" % (len(bodies) + 1)
    return out + b"startxref\n%010d\n%%%%EOF\n" % xref


def zip_bytes(members):
    """A ZIP archive of ``{name: bytes or str}``, members in the given order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            compression = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=compression)
    return buffer.getvalue()


def docx_bytes(*, macros=False):
    """A Word document with the members Word writes; ``macros`` adds a VBA project."""
    members = {
        "[Content_Types].xml": CONTENT_TYPES_XML,
        "_rels/.rels": "<Relationships/>",
        "word/document.xml": "<w:document><w:body><w:p/></w:body></w:document>",
    }
    if macros:
        members["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0"
    return zip_bytes(members)


def xlsx_bytes():
    """An Excel workbook with one sheet."""
    return zip_bytes(
        {
            "[Content_Types].xml": CONTENT_TYPES_XML,
            "_rels/.rels": "<Relationships/>",
            "xl/workbook.xml": "<workbook><sheets><sheet name='1'/></sheets></workbook>",
            "xl/worksheets/sheet1.xml": "<worksheet><sheetData/></worksheet>",
        }
    )


def odt_bytes(mimetype=ODT_MIME):
    """An OpenDocument file; another ``mimetype`` makes a spreadsheet, presentation..."""
    return zip_bytes(
        {
            "mimetype": mimetype,
            "content.xml": "<office:document-content/>",
            "META-INF/manifest.xml": "<manifest:manifest/>",
        }
    )


def png_bytes():
    """A 1x1 pixel PNG."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def jpeg_bytes():
    """A 1x1 pixel JPEG photo."""
    buffer = io.BytesIO()
    Image.new("RGB", (1, 1), (0, 128, 0)).save(buffer, format="JPEG")
    return buffer.getvalue()


BUILDERS = {
    "pdf": (pdf_bytes, "application/pdf"),
    "docx": (
        docx_bytes,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": (xlsx_bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "odt": (odt_bytes, ODT_MIME),
    "jpg": (jpeg_bytes, "image/jpeg"),
    "png": (png_bytes, "image/png"),
}


def upload(kind="pdf", *, name=None, content=None):
    """A ``SimpleUploadedFile`` of an accepted ``kind`` (pdf, docx, xlsx, odt, jpg, png);
    ``content`` replaces the bytes, e.g. to upload something else under a document's name."""
    build, content_type = BUILDERS[kind]
    data = build() if content is None else content
    return SimpleUploadedFile(name or f"document.{kind}", data, content_type=content_type)
