"""The document types the portal accepts."""

from dataclasses import dataclass


@dataclass(frozen=True)
class DetectedType:
    """An accepted document type: file extension used for stored names, MIME type, label."""

    ext: str
    mime: str
    label: str


PDF = DetectedType("pdf", "application/pdf", "PDF")
DOCX = DetectedType(
    "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "DOCX",
)
XLSX = DetectedType(
    "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"
)
ODT = DetectedType("odt", "application/vnd.oasis.opendocument.text", "ODT")
JPEG = DetectedType("jpg", "image/jpeg", "JPEG")
PNG = DetectedType("png", "image/png", "PNG")

ALLOWED_TYPES = (PDF, DOCX, XLSX, ODT, JPEG, PNG)
TYPES_BY_MIME = {kind.mime: kind for kind in ALLOWED_TYPES}


def allowed_labels():
    """The accepted types for people, e.g. ``"PDF, DOCX, XLSX, ODT, JPEG, PNG"``."""
    return ", ".join(kind.label for kind in ALLOWED_TYPES)
