"""Real photos from fixtures/images and the reused copies the tests make of them."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageOps

IMAGES = Path(__file__).parent.parent / "fixtures" / "images"
PHOTOS = ("astronaut", "coffee", "chelsea", "rocket")


def photo(name: str) -> Image.Image:
    return Image.open(IMAGES / f"{name}.jpg").convert("RGB")


def encode(image: Image.Image, fmt: str = "JPEG", **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def screenshot(
    image: Image.Image, dark: bool = False, text: str = "Breaking news from the border"
) -> Image.Image:
    """The photo inside a post's UI: avatar, name, text above, action bar below."""
    background, ink = ((21, 32, 43), (230, 230, 230)) if dark else ((255, 255, 255), (15, 20, 25))
    width = 720
    scaled = ImageOps.contain(image, (width - 60, 900))
    canvas = Image.new("RGB", (width, scaled.height + 360), background)
    draw = ImageDraw.Draw(canvas)
    draw.ellipse((30, 30, 90, 90), fill=(120, 160, 200))
    draw.text((105, 38), "Some Reporter  @some_reporter · 2h", fill=ink)
    for line, y in ((text, 110), ("More words follow the headline here", 135), ("#tag", 160)):
        draw.text((30, y), line, fill=ink)
    canvas.paste(scaled, (30, 200))
    bar = 200 + scaled.height + 40
    for x in range(30, width - 60, 150):
        draw.rectangle((x, bar, x + 24, bar + 24), outline=ink, width=2)
        draw.text((x + 34, bar + 5), "1.2K", fill=ink)
    return canvas


def caption_bar(image: Image.Image, text: str = "THIS IS HAPPENING NOW") -> Image.Image:
    bar = max(40, image.height // 6)
    canvas = Image.new("RGB", (image.width, image.height + bar), (0, 0, 0))
    canvas.paste(image, (0, bar))
    ImageDraw.Draw(canvas).text((12, bar // 3), text, fill=(255, 255, 255))
    return canvas
