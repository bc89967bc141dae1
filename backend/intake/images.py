"""Residents' photos: checked, re-encoded without metadata, and a thumbnail made."""

import io
import warnings
from dataclasses import dataclass
from typing import IO

from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}
MAX_PIXELS = 50_000_000
LONGEST_SIDE = 2048
THUMBNAIL_SIDE = 320


class PhotoRejected(ValueError):
    """The file is not a photo we can take. `reason` is a code each interface words in the
    resident's language: not_an_image, wrong_format, too_many_pixels, too_large."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class CleanPhoto:
    image: bytes
    thumbnail: bytes
    width: int
    height: int


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    # A new JPEG from the pixels alone: no EXIF (so no GPS position), no comments, no ICC.
    image.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()


def photo_clean(source: IO[bytes]) -> CleanPhoto:
    """Decode the upload, refuse what is not an image, and re-encode it as a plain JPEG."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source) as opened:
                if opened.format not in ACCEPTED_FORMATS:
                    raise PhotoRejected("wrong_format")
                if opened.width * opened.height > MAX_PIXELS:
                    raise PhotoRejected("too_many_pixels")
                # Turn the pixels the way the camera meant, before the orientation tag goes.
                upright = ImageOps.exif_transpose(opened).convert("RGB")
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise PhotoRejected("too_many_pixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        if isinstance(exc, PhotoRejected):
            raise
        raise PhotoRejected("not_an_image") from None
    upright.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
    small = upright.copy()
    small.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    return CleanPhoto(
        image=_jpeg(upright), thumbnail=_jpeg(small), width=upright.width, height=upright.height
    )
