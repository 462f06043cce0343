"""Refusing images that cannot be decoded or would take too much memory to decode."""

import threading
import warnings
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from PIL import Image, ImageFile

from portal.documents.validation.messages import refuse
from portal.documents.validation.types import JPEG

# Pillow's own decompression-bomb threshold (about 89 million pixels) unless it was changed.
DEFAULT_MAX_PIXELS = 89_478_485
_STRICT = threading.Lock()


def check_image(uploaded_file, detected):
    """Decode the image with Pillow as the ``detected`` type (JPEG or PNG). Refuses
    (``image_too_large``) an image with more pixels than Pillow's decompression-bomb limit,
    the level at which Pillow only warns included, and (``image_unreadable``) one Pillow
    cannot decode completely. Leaves the file at position 0."""
    limit = Image.MAX_IMAGE_PIXELS or DEFAULT_MAX_PIXELS
    formats = ["JPEG" if detected == JPEG else "PNG"]
    uploaded_file.seek(0)
    try:
        with _strict_decoding(), Image.open(uploaded_file, formats=formats) as image:
            if image.width * image.height > limit:
                raise Image.DecompressionBombError(image.size)
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise refuse("image_too_large", limit=limit // 1_000_000) from None
    except ValidationError:
        raise
    # Decoders report a damaged file in many ways (OSError, SyntaxError, ValueError...).
    except Exception:
        raise refuse("image_unreadable") from None
    finally:
        uploaded_file.seek(0)


@contextmanager
def _strict_decoding():
    # Both switches are process-wide: WeasyPrint turns LOAD_TRUNCATED_IMAGES on when it is
    # imported, which would let a damaged image through. The web workers run one request at
    # a time; the lock keeps two uploads in one process from restoring each other's values.
    with _STRICT, warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous
