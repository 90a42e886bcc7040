"""Fingerprints of real photos, the content box, and images built to break decoders."""

from __future__ import annotations

import struct
import zlib

import numpy as np
import pytest
from PIL import Image, ImageOps

from archiver.config import ReuseConfig
from archiver.errors import MediaError
from archiver.media.contentbox import content_boxes
from archiver.media.fingerprint import HASH_VERSION, fingerprint
from archiver.media.reuse import pack

from .images import PHOTOS, caption_bar, encode, photo, screenshot


def distance(a: str, b: str) -> int:
    return int(np.bitwise_count(pack(a) ^ pack(b)).sum())


@pytest.mark.parametrize("name", PHOTOS)
def test_photo_gets_every_hash(name: str) -> None:
    data = encode(photo(name))
    fp = fingerprint(data, name)
    assert (fp.info.format, fp.info.mime) == ("JPEG", "image/jpeg")
    assert (fp.info.width, fp.info.height) == photo(name).size
    assert all(len(h) == 16 for h in (fp.phash, fp.dhash, fp.whash))
    assert all(len(h) == 64 for h in (fp.pdq, fp.pdq_mirror, fp.center_pdq, *fp.crop_pdqs))
    assert len(fp.crop_pdqs) == 9
    assert fp.pdq_quality >= 50 and not fp.low_information
    assert fp.hash_version == HASH_VERSION
    assert fp.boxes == [] and fp.box_pdqs == []  # a photo is its own content


def test_a_cropped_copy_is_close_to_one_of_the_stored_crops() -> None:
    original = fingerprint(encode(photo("coffee")), "a")
    image = photo("coffee")
    width, height = image.size
    cropped = image.crop((int(width * 0.04), int(height * 0.01), width, int(height * 0.96)))
    copy = fingerprint(encode(cropped), "b")
    assert distance(original.pdq, copy.pdq) > min(distance(c, copy.pdq) for c in original.crop_pdqs)
    assert min(distance(c, copy.pdq) for c in original.crop_pdqs) <= ReuseConfig().pdq


def test_recompressed_and_resized_copy_stays_close_other_photo_does_not() -> None:
    original = fingerprint(encode(photo("coffee")), "a")
    copy = fingerprint(encode(photo("coffee").resize((300, 200)), quality=40), "b")
    other = fingerprint(encode(photo("chelsea")), "c")
    assert distance(original.pdq, copy.pdq) <= 16
    assert distance(original.pdq, other.pdq) > 64


def test_mirror_hash_meets_a_flipped_copy() -> None:
    original = fingerprint(encode(photo("rocket")), "a")
    flipped = fingerprint(encode(ImageOps.mirror(photo("rocket"))), "b")
    assert distance(original.pdq, flipped.pdq) > 64
    assert distance(original.pdq_mirror, flipped.pdq) <= 16


@pytest.mark.parametrize("dark", [False, True])
def test_content_box_finds_the_photo_in_a_screenshot(dark: bool) -> None:
    shot = screenshot(photo("astronaut"), dark=dark)
    [box] = content_boxes(np.asarray(shot))
    assert abs(box[0] - 30) <= 12 and abs(box[1] - 200) <= 12  # where screenshot() put it
    fp = fingerprint(encode(shot), "shot")
    original = fingerprint(encode(photo("astronaut")), "photo")
    assert fp.box_pdqs and min(distance(b, original.pdq) for b in fp.box_pdqs) <= 31


def test_content_box_finds_the_photo_under_a_caption_bar() -> None:
    captioned = caption_bar(photo("chelsea"))
    fp = fingerprint(encode(captioned), "captioned")
    original = fingerprint(encode(photo("chelsea")), "photo")
    assert fp.boxes and fp.boxes[0][1] >= 40
    assert min(distance(b, original.pdq) for b in fp.box_pdqs) <= 31


def test_flat_image_is_low_information() -> None:
    fp = fingerprint(encode(Image.new("RGB", (400, 300), (200, 30, 30))), "flat")
    assert fp.low_information


def test_exif_rotation_is_applied_before_hashing() -> None:
    upright = photo("coffee")
    stored = upright.rotate(-90, expand=True)  # as a camera writes it, sideways...
    exif = Image.Exif()
    exif[0x0112] = 8  # ...with "turn 90 degrees anticlockwise to view" in its EXIF
    fp = fingerprint(encode(stored, exif=exif), "rotated")
    reference = fingerprint(encode(upright), "upright")
    assert (fp.info.width, fp.info.height) == upright.size
    assert distance(fp.pdq, reference.pdq) <= 16


@pytest.mark.parametrize(
    "variant",
    [
        lambda im: encode(im.convert("CMYK"), "JPEG"),
        lambda im: encode(Image.fromarray(np.asarray(im.convert("L"), np.uint16) * 257), "PNG"),
        lambda im: encode(im.convert("P", palette=Image.Palette.ADAPTIVE), "PNG", transparency=0),
        lambda im: encode(im, "WEBP"),
        lambda im: encode(im, "GIF", save_all=True, append_images=[im.rotate(10), im.rotate(20)]),
    ],
    ids=["cmyk-jpeg", "16-bit-png", "palette-transparency", "webp", "animated-gif"],
)  # fmt: skip
def test_unusual_but_valid_images_hash_like_the_original(variant: object) -> None:
    data = variant(photo("chelsea"))  # type: ignore[operator]
    fp = fingerprint(data, "variant")
    reference = fingerprint(encode(photo("chelsea")), "photo")
    assert distance(fp.pdq, reference.pdq) <= 40


def test_animated_gif_hashes_later_frames() -> None:
    frames = [
        photo("chelsea"),
        photo("coffee").resize(photo("chelsea").size),
        photo("rocket").resize(photo("chelsea").size),
    ]
    fp = fingerprint(encode(frames[0], "GIF", save_all=True, append_images=frames[1:]), "anim")
    assert len(fp.frame_pdqs) == 2


def _png_header_only(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(ihdr))
        + chunk
        + struct.pack(">I", zlib.crc32(chunk))
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "not a decodable image"),
        (encode(photo("coffee"))[:3000], "broken image"),
        (_png_header_only(100_000, 100_000), "not a decodable image"),
        (b"<html>not an image</html>", "not a decodable image"),
    ],
    ids=["zero-bytes", "truncated", "bomb-dimensions", "html"],
)
def test_broken_images_raise_a_media_error(data: bytes, message: str) -> None:
    with pytest.raises(MediaError, match=message):
        fingerprint(data, "bad")
