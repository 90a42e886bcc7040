"""What an image is: decoded once to check it, measure it and hash it.

sha256 names the exact bytes. The perceptual hashes find the same picture after it was
re-encoded, resized, recoloured, mirrored, captioned or screenshotted:

    phash, dhash, whash   imagehash's 64-bit hashes, hex
    pdq                   Meta's PDQ, 256 bits, hex, with its quality score (0-100)
    pdq_mirror            PDQ of the horizontally flipped image
    boxes, box_pdqs       the content boxes (the photo inside a screenshot or captioned image,
                          and inside that the next one) and their PDQs
    center_pdq            PDQ of the central 90%, for a query that is the uncropped original
    crop_pdqs             PDQs of 95% crops on a 3x3 grid of offsets: a copy cropped by a few
                          per cent, on any sides, is close to one of them
    frame_pdqs            PDQ of a few later frames of an animated image

The image is decoded once, at reduced size where the format allows (JPEG draft mode), EXIF
orientation applied, and every hash is taken from that one reduced RGB picture, averaged down
further (a box filter) for the hashes that want less. The sha256 is
taken on another core while the image decodes. HASH_VERSION names this pipeline: hashes of
different versions are never compared.
"""

from __future__ import annotations

import hashlib
import io
import threading
import warnings

import imagehash
import numpy as np
import pdqhash
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from ..errors import MediaError
from ..models import Fingerprint, ImageInfo
from .contentbox import content_boxes

# Pillow warns (rather than refuses) between its pixel limit and twice it; `_refuse_bombs`
# refuses those itself, so the warning is only noise.
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)

HASH_VERSION = 4
WORK_SIZE = 512  # long side of the reduced picture: a photo inside a screenshot is found on it
HASH_SIZE = 256  # long side (at most) of the picture the hashes are taken from
CROP_HASH_SIZE = 128  # the nine crops, and imagehash's hashes (32x32 at most), from less
_GRID = (0.0, 0.5, 1.0)  # where the stored 95% crops sit: a cropped copy is near one of them
PDQ_QUALITY_FLOOR = 50  # PDQ's documented floor: below it the hash is not trustworthy
_FLAT_STD = 6.0  # grey levels: below this spread the image is a flat colour
_MAX_FRAMES = 4

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


def looks_like_image(data: bytes) -> bool:
    """Whether the bytes start like an image (WebP included), whatever the file is called."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return True
    return any(data.startswith(signature) for signature, _ in _SIGNATURES)


def fingerprint(data: bytes, source: str) -> Fingerprint:
    """Decode an image once and describe it; `MediaError` when it is not a whole image."""
    picture, info, frames = _decode(data, source)
    work = np.asarray(picture)  # up to WORK_SIZE: enough detail to find a photo in a screenshot
    small = _shrink(picture, HASH_SIZE)
    rgb = np.asarray(small)
    pdq, quality = _pdq(rgb)
    # hashed from flipped pixels: PDQ's own dihedral variants land too far from that (measured)
    mirror = _pdq(np.ascontiguousarray(rgb[:, ::-1]))[0]
    tiny = _shrink(small, CROP_HASH_SIZE)
    crop_rgb = np.asarray(tiny)
    grey = tiny.convert("L")  # imagehash shrinks it further (to 32x32 at most)
    boxes = content_boxes(work)
    scale = info.width / picture.width
    return Fingerprint(
        info=info,
        phash=str(imagehash.phash(grey)),
        dhash=str(imagehash.dhash(grey)),
        whash=str(imagehash.whash(grey, image_scale=64, remove_max_haar_ll=False)),
        pdq=pdq,
        pdq_quality=quality,
        pdq_mirror=mirror,
        center_pdq=_pdq(_crop(rgb, 0.05, 0.5, 0.5))[0],
        hash_version=HASH_VERSION,
        boxes=[tuple(round(v * scale) for v in box) for box in boxes],  # type: ignore[misc]
        box_pdqs=[
            _pdq(_fit(work[top:bottom, left:right]))[0] for left, top, right, bottom in boxes
        ],
        crop_pdqs=[_pdq(_crop(crop_rgb, 0.025, x, y))[0] for x in _GRID for y in _GRID],
        frame_pdqs=[_pdq(np.asarray(frame))[0] for frame in frames],
        low_information=quality < PDQ_QUALITY_FLOOR or _flat(small),
    )


def _decode(data: bytes, source: str) -> tuple[Image.Image, ImageInfo, list[Image.Image]]:
    """The reduced RGB picture, what the file is, and a few later frames if it is animated."""
    digest = _Sha256(data)
    digest.start()
    try:
        image = Image.open(io.BytesIO(data))
        _refuse_bombs(image)
        orientation = image.getexif().get(0x0112, 1)
        width, height = _oriented_size(image, orientation)
        image_format = image.format or "unknown"
        mime = Image.MIME.get(image_format, "application/octet-stream")
        frames = _later_frames(image)
        # JPEG draft mode decodes at 1/2, 1/4 or 1/8 scale: ask for the smallest that
        # still leaves the picture at least half the working size
        image.draft("RGB", (WORK_SIZE // 2, WORK_SIZE // 2))
        image.load()
        picture = _reduced_rgb(image, orientation)
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise MediaError(f"{source}: not a decodable image ({exc})", source) from exc
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise MediaError(f"{source}: broken image: {exc}", source) from exc
    info = ImageInfo(
        sha256=digest.hexdigest(),
        size=len(data),
        width=width,
        height=height,
        format=image_format,
        mime=mime,
    )
    return picture, info, frames


def _refuse_bombs(image: Image.Image) -> None:
    """Pillow only warns between its pixel limit and twice it; a warning is no refusal, and
    turning warnings into errors is not safe across the threads that fingerprint."""
    pixels = image.width * image.height
    if Image.MAX_IMAGE_PIXELS and pixels > Image.MAX_IMAGE_PIXELS:
        raise Image.DecompressionBombError(
            f"{pixels} pixels is over the {Image.MAX_IMAGE_PIXELS}-pixel limit"
        )


class _Sha256(threading.Thread):
    """sha256 of the bytes, taken on another core while the image decodes: hashlib and
    Pillow's decoder both let go of the GIL, so a big file's digest costs no wall time."""

    def __init__(self, data: bytes) -> None:
        super().__init__(daemon=True)
        self._data = data
        self._hexdigest = ""

    def run(self) -> None:
        self._hexdigest = hashlib.sha256(self._data).hexdigest()

    def hexdigest(self) -> str:
        self.join()
        return self._hexdigest


def _oriented_size(image: Image.Image, orientation: int) -> tuple[int, int]:
    """Width and height as the image is meant to be seen (EXIF orientation 5-8 swap them)."""
    width, height = image.size
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def _reduced_rgb(image: Image.Image, orientation: int = 1) -> Image.Image:
    """Upright, RGB (transparency laid on white), and at most WORK_SIZE on its long side.

    A step that would change nothing is skipped rather than run as a copy: copying the
    decoded picture costs as much as several of the hashes taken from it.
    """
    if orientation != 1:
        image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        image = image.convert("RGBA")
        flattened = Image.new("RGB", image.size, (255, 255, 255))
        flattened.paste(image, mask=image.getchannel("A"))
        image = flattened
    elif image.mode == "I;16" or image.mode.startswith("I"):
        image = Image.fromarray(
            (np.asarray(image, dtype=np.float64) / 256).clip(0, 255).astype(np.uint8)
        )
    if image.mode != "RGB":
        image = image.convert("RGB")
    image.thumbnail((WORK_SIZE, WORK_SIZE), Image.Resampling.BILINEAR)
    return image


def _later_frames(image: Image.Image) -> list[Image.Image]:
    """A few frames after the first of an animated GIF or WebP, reduced like the first."""
    count = getattr(image, "n_frames", 1)
    if count < 2:
        return []
    picks = sorted({count // 3, (2 * count) // 3, count - 1} - {0})[: _MAX_FRAMES - 1]
    frames = []
    for index, frame in enumerate(ImageSequence.Iterator(image)):
        if index in picks:
            frames.append(_reduced_rgb(frame.copy()))
    image.seek(0)
    return frames


def _crop(rgb: np.ndarray, share: float, x: float, y: float) -> np.ndarray:
    """Cut `share` of the width and of the height, placed by x and y (0: all from the right
    or bottom, 0.5: half each side, 1: all from the left or top)."""
    height, width, _ = rgb.shape
    cut_x, cut_y = round(width * share * 2), round(height * share * 2)
    left, top = round(cut_x * x), round(cut_y * y)
    return np.ascontiguousarray(rgb[top : top + height - cut_y, left : left + width - cut_x])


def _fit(rgb: np.ndarray) -> np.ndarray:
    """A content box brought to the size its hash is taken at."""
    return np.asarray(_shrink(Image.fromarray(np.ascontiguousarray(rgb)), HASH_SIZE))


def _shrink(image: Image.Image, size: int) -> Image.Image:
    """At most `size` on the long side, each pixel the average of the area it covers: a box
    filter is what the hashes want, and the cheapest resampling that is more than a pick of
    pixels. Always to that size, so copies at different resolutions are hashed alike."""
    scale = size / max(image.size)
    if scale >= 1:
        return image
    width, height = max(1, round(image.width * scale)), max(1, round(image.height * scale))
    return image.resize((width, height), Image.Resampling.BOX)


def _flat(image: Image.Image) -> bool:
    """One colour all over, give or take: measured before the smallest reduction, which
    would average a fine texture (wood grain, sand) down to flat."""
    return float(np.asarray(image.convert("L")).std()) < _FLAT_STD


def _pdq(rgb: np.ndarray) -> tuple[str, int]:
    """PDQ as 64 hex digits, and its quality."""
    bits, quality = pdqhash.compute(rgb)
    return _hex(bits), int(quality)


def _hex(bits: np.ndarray) -> str:
    return np.packbits(bits.astype(np.uint8)).tobytes().hex()
