"""Refusing PDFs that cannot be read or that carry active content.

The file is parsed with pypdf and every object reachable from the trailer (the document
catalog, the page tree, annotations, name trees, forms) is visited once, without decoding any
content stream. What a reader would run or open by itself is refused: JavaScript, actions run
when the document opens or on events (``/OpenAction`` with an action, ``/AA``), ``/Launch``
actions and embedded files.
"""

from django.core.exceptions import ValidationError
from pypdf import PdfReader
from pypdf.errors import LimitReachedError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from portal.documents.validation.messages import refuse

# A very large report has a few tens of thousands of objects; a file built to make the walk
# slow is refused rather than walked for ever.
MAX_OBJECTS = 200_000
# When several kinds are present, the most dangerous one is named.
_PRIORITY = ("pdf_launch", "pdf_javascript", "pdf_embedded_files", "pdf_actions")


class _TooComplex(Exception):
    pass


def check_pdf(uploaded_file):
    """Refuse a PDF that pypdf cannot parse or that has no page (``pdf_unreadable``), that is
    encrypted (``pdf_encrypted``), that has more than ``MAX_OBJECTS`` objects
    (``pdf_too_complex``) or that carries active content (``pdf_launch``, ``pdf_javascript``,
    ``pdf_embedded_files``, ``pdf_actions``). Leaves the file at position 0."""
    uploaded_file.seek(0)
    try:
        reader = PdfReader(uploaded_file, strict=False)
        if reader.is_encrypted:
            raise refuse("pdf_encrypted")
        found = _active_content(reader.trailer)
        if not len(reader.pages):
            raise refuse("pdf_unreadable")
    except ValidationError:
        raise
    # pypdf bounds its own work too (array and dictionary sizes, stream lengths...).
    except (_TooComplex, LimitReachedError):
        raise refuse("pdf_too_complex") from None
    # A hostile file can make the parser fail in many ways (bad numbers, broken references,
    # endless nesting); each means the document cannot be read.
    except Exception:
        raise refuse("pdf_unreadable") from None
    finally:
        uploaded_file.seek(0)
    for code in _PRIORITY:
        if code in found:
            raise refuse(code)


def _active_content(trailer):
    found = set()
    seen = set()
    stack = [trailer]
    visited = 0
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            reference = (node.idnum, node.generation)
            if reference in seen:
                continue
            seen.add(reference)
            node = node.get_object()
        visited += 1
        if visited > MAX_OBJECTS:
            raise _TooComplex
        if isinstance(node, DictionaryObject):
            found |= _kinds(node)
            stack.extend(dict.values(node))
        elif isinstance(node, ArrayObject):
            stack.extend(list.__iter__(node))
    return found


def _kinds(node):
    kinds = set()
    action = _resolved(node, "/S")
    if action == "/Launch":
        kinds.add("pdf_launch")
    if action == "/JavaScript" or "/JS" in node or "/JavaScript" in node:
        kinds.add("pdf_javascript")
    if (
        "/EmbeddedFiles" in node
        or "/EF" in node
        or _resolved(node, "/Type") == "/EmbeddedFile"
        or _resolved(node, "/Subtype") == "/FileAttachment"
    ):
        kinds.add("pdf_embedded_files")
    # An /OpenAction that is only a destination (open at page 1) is harmless and common.
    if "/AA" in node or isinstance(_resolved(node, "/OpenAction"), DictionaryObject):
        kinds.add("pdf_actions")
    return kinds


def _resolved(node, key):
    value = dict.get(node, key)
    return value.get_object() if isinstance(value, IndirectObject) else value
