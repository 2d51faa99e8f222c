"""The History's thumbnails: small JPEGs made from the decoded image, stored beside the entries.

They live in their own table rather than in a column of `entries`: a search scans `entries`, and
inline blobs would make every scan of a large history read all of its thumbnails too.
"""

from __future__ import annotations

import io
import logging

import numpy as np
from PIL import Image

from infinityvision_desktop.core.images import thumbnail

log = logging.getLogger(__name__)

__all__ = ["THUMBNAIL_SIDE", "THUMBNAIL_QUALITY", "encode_thumbnail", "decode_thumbnail"]

THUMBNAIL_SIDE = 96  # pixels, the long side: the view shows 48 px, sharp on a 2x screen
THUMBNAIL_QUALITY = 80  # JPEG quality: clean at the shown size, and a long history stays a small file


def encode_thumbnail(rgb: np.ndarray, side: int = THUMBNAIL_SIDE) -> bytes:
    """A JPEG of at most `side` pixels on its long side, from RGB (or grey/RGBA) uint8 pixels."""
    image = Image.fromarray(np.ascontiguousarray(rgb))
    if image.mode != "RGB":
        image = image.convert("RGB")
    image = Image.fromarray(thumbnail(np.asarray(image), side))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=THUMBNAIL_QUALITY)
    return buffer.getvalue()


def decode_thumbnail(data: bytes) -> np.ndarray | None:
    """A stored thumbnail as RGB uint8 pixels, or None if it cannot be read."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            return np.asarray(image.convert("RGB"))
    except Exception:  # noqa: BLE001 - a bad thumbnail is shown as none, never fatal
        log.warning("unreadable history thumbnail (%d bytes)", len(data or b""))
        return None
