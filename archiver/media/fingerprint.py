"""What an image is: decoded once to check it, measure it and hash it.

sha256 names the exact bytes; the perceptual hashes (imagehash's pHash and dHash, 64 bits,
hex) let a re-encoded or resized copy be found later. Decoding uses JPEG draft mode so a
large photo is hashed from a reduced decode, and Pillow's decompression-bomb limit stands.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

import imagehash
from PIL import Image, UnidentifiedImageError

from ..errors import MediaError
from ..models import ImageInfo

# Magic numbers of the formats Pillow decodes that the web uses for photos and screenshots.
_SIGNATURES = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
)
_HASH_SIZE = 256  # pixels on the long side of the reduced decode used for hashing


def looks_like_image(data: bytes) -> bool:
    """Whether the bytes start like an image (WebP included), whatever the file is called."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return True
    return any(data.startswith(signature) for signature, _ in _SIGNATURES)


@dataclass(frozen=True)
class Fingerprint:
    info: ImageInfo
    phash: str
    dhash: str


def fingerprint(data: bytes, source: str) -> Fingerprint:
    """Decode an image once and describe it; `MediaError` when it is not a whole image."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            image_format = image.format or "unknown"
            mime = Image.MIME.get(image_format, "application/octet-stream")
            image.draft("RGB", (_HASH_SIZE, _HASH_SIZE))
            image.load()
            small = image.convert("RGB")
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise MediaError(f"{source}: not a decodable image ({exc})", source) from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise MediaError(f"{source}: broken image: {exc}", source) from exc
    info = ImageInfo(
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        width=width,
        height=height,
        format=image_format,
        mime=mime,
    )
    return Fingerprint(info, str(imagehash.phash(small)), str(imagehash.dhash(small)))
