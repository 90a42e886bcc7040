"""How a picture gets reused: Pillow-only transforms, each deterministic for a given seed.

Every transform is `f(image, seed=0) -> image` and returns a new RGB image; transforms that
end in a JPEG (a platform re-encoding, a phone screenshot shared on) do that JPEG round trip
themselves, and `TRANSFORMS[name].quality` says what quality the corpus saves the result at.

    recompress        JPEG at quality 40
    resize_50         half the width and height
    grayscale         luminance only
    brightness        +25 %
    watermark         semi-transparent handle text and round logo in a corner
    caption_bar       a solid bar (12-20 % of the height) above and/or below, wrapped text
    ui_screenshot     the photo inside a fake social post at phone-screenshot size, then JPEG
    screenshot2       that screenshot again inside another post, with a status bar, then JPEG
    mirror            horizontal flip
    crop_5, crop_10   5 % / 10 % of the width and height removed, split across the two sides
    rotate            2-3 degrees either way, the corners filled

`PostTemplate` and `CaptionStyle` are drawn from the seed alone (never from the picture), so a
different picture given the same seed gets the very same UI or caption: the corpus's hard
negatives.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageEnhance, ImageFont, ImageOps

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")  # Debian's fonts-dejavu-core
PHONE = (1080, 2340)  # a phone screenshot's size in pixels

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@cache
def font(size: int, bold: bool = False) -> Font:
    """DejaVu Sans when installed (fonts-dejavu-core), else Pillow's own default font."""
    path = FONT_DIR / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    if path.is_file():
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)


def _rng(seed: int, name: str) -> random.Random:
    return random.Random(f"{name}:{seed}")


def _rgb(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        image = image.convert("RGBA")
        flat = Image.new("RGB", image.size, (255, 255, 255))
        flat.paste(image, mask=image.getchannel("A"))
        return flat
    return image.convert("RGB")


def jpeg_roundtrip(image: Image.Image, quality: int) -> Image.Image:
    buffer = io.BytesIO()
    _rgb(image).save(buffer, "JPEG", quality=quality)
    buffer.seek(0)
    decoded = Image.open(buffer)
    decoded.load()
    return decoded.convert("RGB")


def _text_width(draw: ImageDraw.ImageDraw, text: str, face: Font) -> float:
    return draw.textlength(text, font=face)


def _wrap(draw: ImageDraw.ImageDraw, text: str, face: Font, width: float) -> list[str]:
    """Greedy word wrap to a pixel width."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            trial = f"{line} {word}".strip()
            if not line or _text_width(draw, trial, face) <= width:
                line = trial
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


# --- simple transforms -------------------------------------------------------------------


def recompress(image: Image.Image, seed: int = 0) -> Image.Image:
    return jpeg_roundtrip(image, 40)


def resize_50(image: Image.Image, seed: int = 0) -> Image.Image:
    image = _rgb(image)
    return image.resize((max(1, image.width // 2), max(1, image.height // 2)), Image.LANCZOS)


def grayscale(image: Image.Image, seed: int = 0) -> Image.Image:
    return _rgb(image).convert("L").convert("RGB")


def brightness(image: Image.Image, seed: int = 0) -> Image.Image:
    return ImageEnhance.Brightness(_rgb(image)).enhance(1.25)


def mirror(image: Image.Image, seed: int = 0) -> Image.Image:
    return ImageOps.mirror(_rgb(image))


def _crop(image: Image.Image, share: float, seed: int, name: str) -> Image.Image:
    """Remove `share` of the width and of the height, split across both sides at random."""
    image = _rgb(image)
    rng = _rng(seed, name)
    cut_x, cut_y = round(image.width * share), round(image.height * share)
    left = round(cut_x * rng.uniform(0.0, 1.0))
    top = round(cut_y * rng.uniform(0.0, 1.0))
    return image.crop((left, top, image.width - (cut_x - left), image.height - (cut_y - top)))


def crop_5(image: Image.Image, seed: int = 0) -> Image.Image:
    return _crop(image, 0.05, seed, "crop_5")


def crop_10(image: Image.Image, seed: int = 0) -> Image.Image:
    return _crop(image, 0.10, seed, "crop_10")


def rotate(image: Image.Image, seed: int = 0) -> Image.Image:
    """2-3 degrees either way; the canvas grows to keep every pixel, the corners are filled."""
    rng = _rng(seed, "rotate")
    angle = rng.uniform(2.0, 3.0) * rng.choice((-1, 1))
    fill = rng.choice(((255, 255, 255), (0, 0, 0), (240, 240, 240)))
    return _rgb(image).rotate(angle, Image.BICUBIC, expand=True, fillcolor=fill)


# --- watermark ---------------------------------------------------------------------------

_HANDLES = (
    "@dailyviralpics",
    "@newsflash_24",
    "@the.archive",
    "@planet_shots",
    "@memesdepot",
    "@citywire",
    "@natureclips",
    "@fotoworld",
)


def watermark(image: Image.Image, seed: int = 0) -> Image.Image:
    """A semi-transparent round logo and handle in one corner, as reposting accounts add."""
    rng = _rng(seed, "watermark")
    base = _rgb(image).convert("RGBA")
    layer = Image.new("RGBA", base.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    size = max(12, round(min(base.size) * rng.uniform(0.05, 0.07)))
    face = font(size, bold=True)
    text = rng.choice(_HANDLES)
    alpha = rng.randint(120, 180)
    colour = rng.choice(((255, 255, 255), (20, 20, 20)))
    logo = round(size * 1.4)
    pad = round(size * 0.6)
    width = logo + pad // 2 + round(_text_width(draw, text, face))
    corner = rng.choice(("tl", "tr", "bl", "br"))
    x = pad if corner[1] == "l" else base.width - width - pad
    y = pad if corner[0] == "t" else base.height - logo - pad
    draw.ellipse((x, y, x + logo, y + logo), outline=(*colour, alpha), width=max(2, size // 8))
    letter = font(round(logo * 0.55), bold=True)
    draw.text(
        (x + logo / 2, y + logo / 2),
        text[1].upper(),
        font=letter,
        fill=(*colour, alpha),
        anchor="mm",
    )
    draw.text(
        (x + logo + pad // 2, y + logo / 2), text, font=face, fill=(*colour, alpha), anchor="lm"
    )
    return Image.alpha_composite(base, layer).convert("RGB")


# --- caption bar -------------------------------------------------------------------------

CAPTIONS = (
    "BREAKING: Officials confirm the photo was taken this morning, hours before the announcement",
    "When you finally get the weekend off and this is what you see",
    "Nobody:\nAbsolutely nobody:\nMe at 3am:",
    "This image is going viral, but it is not what it seems. Here is what we know",
    "FACT CHECK: this picture has been shared thousands of times with a false claim",
    "Me explaining to my mom why I need another camera",
    "They said it couldn't be done",
    "LIVE: crowds gather as the story develops, more updates to follow",
    "The view nobody talks about",
    "Share if you remember this",
    "EXCLUSIVE: first pictures from the scene",
    "POV: you opened the group chat after two days",
)


@dataclass(frozen=True)
class CaptionStyle:
    text: str
    where: str  # top, bottom, both
    top_share: float
    bottom_share: float
    dark: bool  # white text on black, else black text on white

    @classmethod
    def from_seed(cls, seed: int) -> CaptionStyle:
        rng = _rng(seed, "caption_bar")
        return cls(
            text=rng.choice(CAPTIONS),
            where=rng.choice(("top", "bottom", "both")),
            top_share=rng.uniform(0.12, 0.20),
            bottom_share=rng.uniform(0.12, 0.20),
            dark=rng.random() < 0.5,
        )


def _bar(width: int, height: int, text: str, dark: bool) -> Image.Image:
    background, ink = ((0, 0, 0), (255, 255, 255)) if dark else ((255, 255, 255), (0, 0, 0))
    bar = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(bar)
    size = max(10, round(height * 0.42))
    while True:  # the biggest type with which the wrapped text fits the bar
        face = font(size, bold=True)
        lines = _wrap(draw, text, face, width * 0.92)
        line_height = round(size * 1.2)
        if (
            len(lines) * line_height <= height * 0.88
            and all(_text_width(draw, line, face) <= width * 0.95 for line in lines)
        ) or size <= 8:
            break
        size -= 2
    y = (height - len(lines) * line_height) / 2 + line_height / 2
    for line in lines:
        draw.text((width / 2, y), line, font=face, fill=ink, anchor="mm")
        y += line_height
    return bar


def caption_bar(
    image: Image.Image, seed: int = 0, style: CaptionStyle | None = None
) -> Image.Image:
    """Meme / news style: solid bars of 12-20 % of the height above and/or below, with text."""
    image = _rgb(image)
    style = style or CaptionStyle.from_seed(seed)
    width, height = image.size
    top = round(height * style.top_share) if style.where in ("top", "both") else 0
    bottom = round(height * style.bottom_share) if style.where in ("bottom", "both") else 0
    canvas = Image.new("RGB", (width, height + top + bottom))
    first, second = (style.text, "") if style.where != "both" else _halves(style.text)
    if top:
        canvas.paste(_bar(width, top, first, style.dark), (0, 0))
    canvas.paste(image, (0, top))
    if bottom:
        canvas.paste(_bar(width, bottom, second or first, style.dark), (0, top + height))
    return canvas


def _halves(text: str) -> tuple[str, str]:
    words = text.split()
    if len(words) < 2:
        return text, text
    cut = len(words) // 2
    return " ".join(words[:cut]), " ".join(words[cut:])


# --- social-post screenshots -------------------------------------------------------------

_NAMES = (
    ("Maria Lopez", "@marialopez"),
    ("Daily Dispatch", "@dailydispatch"),
    ("Kenji Watanabe", "@kenji_w"),
    ("Local News 7", "@localnews7"),
    ("Sam Okafor", "@samokafor"),
    ("Wild Earth", "@wildearth"),
    ("Priya Nair", "@priyanair"),
    ("Breaking Now", "@breakingnow"),
)
_POSTS = (
    "Can't believe I caught this today. No filter, no edits.",
    "This is the picture everyone is talking about right now. Thread below",
    "Sharing this again because it deserves to be seen",
    "Just look at this. Sent to me by a reader this morning, used with permission.",
    "Found this in my camera roll and I have no memory of taking it",
    "Update: we have confirmed where this photo was taken. More soon.",
    "Honestly the best thing I've seen all week",
    "Is this real? Asking for a friend",
)
_QUOTES = (
    "lol look at this",
    "who made this",
    "saw this in my feed, can anyone confirm?",
    "Not again",
    "this is the original, the other one is edited",
    "ok this one got me",
)


@dataclass(frozen=True)
class PostTemplate:
    dark: bool
    name: str
    handle: str
    text: str
    avatar: tuple[int, int, int]
    when: str
    counts: tuple[int, int, int, int]  # replies, reposts, quotes, likes
    verified: bool

    @classmethod
    def from_seed(cls, seed: int, salt: str = "ui") -> PostTemplate:
        rng = _rng(seed, salt)
        name, handle = rng.choice(_NAMES)
        hour, minute = rng.randint(1, 12), rng.randint(0, 59)
        return cls(
            dark=rng.random() < 0.5,
            name=name,
            handle=handle,
            text=rng.choice(_POSTS),
            avatar=(rng.randint(30, 220), rng.randint(30, 220), rng.randint(30, 220)),
            when=f"{hour}:{minute:02d} {rng.choice(('AM', 'PM'))} · "
            f"{rng.choice(('Mar', 'Jun', 'Sep', 'Nov'))} {rng.randint(1, 28)}, 2025",
            counts=(
                rng.randint(3, 900),
                rng.randint(10, 9000),
                rng.randint(1, 400),
                rng.randint(50, 90000),
            ),
            verified=rng.random() < 0.4,
        )


def _palette(dark: bool) -> dict[str, tuple[int, int, int]]:
    if dark:
        return {
            "bg": (0, 0, 0),
            "ink": (231, 233, 234),
            "muted": (113, 118, 123),
            "rule": (47, 51, 54),
            "accent": (29, 155, 240),
        }
    return {
        "bg": (255, 255, 255),
        "ink": (15, 20, 25),
        "muted": (83, 100, 113),
        "rule": (239, 243, 244),
        "accent": (29, 155, 240),
    }


def _compact(number: int) -> str:
    if number >= 1_000_000:
        return f"{number / 1_000_000:.1f}M".replace(".0M", "M")
    if number >= 1000:
        return f"{number / 1000:.1f}K".replace(".0K", "K")
    return str(number)


def _icons(draw: ImageDraw.ImageDraw, y: int, width: int, colour: tuple[int, int, int]) -> None:
    """Reply, repost, like, bookmark and share, as outline shapes across the action bar."""
    slots = [round(width * (0.1 + 0.2 * i)) for i in range(5)]
    s = 22
    x = slots[0]  # speech bubble
    draw.rounded_rectangle(
        (x - s, y - s * 0.8, x + s, y + s * 0.6), radius=12, outline=colour, width=4
    )
    draw.line((x - s * 0.4, y + s * 0.6, x - s * 0.7, y + s), fill=colour, width=4)
    x = slots[1]  # two arrows in a loop
    draw.line((x - s, y - s * 0.5, x + s * 0.6, y - s * 0.5), fill=colour, width=4)
    draw.polygon([(x + s * 0.6, y - s), (x + s, y - s * 0.5), (x + s * 0.6, y)], fill=colour)
    draw.line((x - s * 0.6, y + s * 0.5, x + s, y + s * 0.5), fill=colour, width=4)
    draw.polygon([(x - s * 0.6, y), (x - s, y + s * 0.5), (x - s * 0.6, y + s)], fill=colour)
    x = slots[2]  # heart
    draw.ellipse((x - s, y - s * 0.8, x, y + s * 0.2), outline=colour, width=4)
    draw.ellipse((x, y - s * 0.8, x + s, y + s * 0.2), outline=colour, width=4)
    draw.line((x - s * 0.95, y - s * 0.1, x, y + s), fill=colour, width=4)
    draw.line((x + s * 0.95, y - s * 0.1, x, y + s), fill=colour, width=4)
    x = slots[3]  # bookmark
    draw.line(
        (
            x - s * 0.6,
            y - s,
            x - s * 0.6,
            y + s,
            x,
            y + s * 0.5,
            x + s * 0.6,
            y + s,
            x + s * 0.6,
            y - s,
            x - s * 0.6,
            y - s,
        ),
        fill=colour,
        width=4,
    )
    x = slots[4]  # share: a tray and an arrow up
    draw.line((x - s, y, x - s, y + s, x + s, y + s, x + s, y), fill=colour, width=4)
    draw.line((x, y + s * 0.4, x, y - s), fill=colour, width=4)
    draw.polygon(
        [(x - s * 0.5, y - s * 0.5), (x, y - s * 1.1), (x + s * 0.5, y - s * 0.5)], fill=colour
    )


def _rounded(image: Image.Image, radius: int) -> tuple[Image.Image, Image.Image]:
    mask = Image.new("L", image.size, 0)
    ImageDraw.Draw(mask).rounded_rectangle(
        (0, 0, image.width - 1, image.height - 1), radius, fill=255
    )
    return image, mask


def _post(
    picture: Image.Image,
    template: PostTemplate,
    size: tuple[int, int] = PHONE,
    status_bar: bool = False,
    title: str = "Post",
    max_picture_height: int | None = None,
) -> tuple[Image.Image, int]:
    """A phone screenshot of one post carrying `picture`; also returns where the post ends."""
    width, height = size
    colours = _palette(template.dark)
    canvas = Image.new("RGB", size, colours["bg"])
    draw = ImageDraw.Draw(canvas)
    margin = 40
    y = 0
    if status_bar:
        y = _status_bar(draw, width, colours, template)
    # app bar: back arrow and title
    draw.line((margin, y + 70, margin + 40, y + 70), fill=colours["ink"], width=5)
    draw.line((margin, y + 70, margin + 20, y + 50), fill=colours["ink"], width=5)
    draw.line((margin, y + 70, margin + 20, y + 90), fill=colours["ink"], width=5)
    draw.text(
        (margin + 90, y + 70), title, font=font(44, bold=True), fill=colours["ink"], anchor="lm"
    )
    y += 140
    draw.line((0, y, width, y), fill=colours["rule"], width=2)
    y += 30
    # header: avatar, name (and badge), handle
    avatar = 110
    draw.ellipse((margin, y, margin + avatar, y + avatar), fill=template.avatar)
    draw.text(
        (margin + avatar / 2, y + avatar / 2),
        template.name[0],
        font=font(52, bold=True),
        fill=(255, 255, 255),
        anchor="mm",
    )
    name_x = margin + avatar + 24
    draw.text((name_x, y + 10), template.name, font=font(40, bold=True), fill=colours["ink"])
    if template.verified:
        bx = name_x + draw.textlength(template.name, font=font(40, bold=True)) + 14
        draw.ellipse((bx, y + 16, bx + 36, y + 52), fill=colours["accent"])
        draw.line((bx + 9, y + 34, bx + 16, y + 42, bx + 28, y + 26), fill=(255, 255, 255), width=4)
    draw.text((name_x, y + 62), template.handle, font=font(34), fill=colours["muted"])
    draw.text((width - margin - 40, y + 30), "...", font=font(40, bold=True), fill=colours["muted"])
    y += avatar + 30
    # post text
    face = font(42)
    for line in _wrap(draw, template.text, face, width - 2 * margin):
        draw.text((margin, y), line, font=face, fill=colours["ink"])
        y += 56
    y += 20
    # the picture: full width between the margins, never taller than the screen allows
    below = 420  # timestamp, counts, action bar and a reply box
    limit = height - y - below
    if max_picture_height:
        limit = min(limit, max_picture_height)
    box_w = width - 2 * margin
    scale = min(box_w / picture.width, limit / picture.height)
    shown = _rgb(picture).resize(
        (max(1, round(picture.width * scale)), max(1, round(picture.height * scale))), Image.LANCZOS
    )
    px = margin + (box_w - shown.width) // 2
    shown, mask = _rounded(shown, 28)
    draw.rounded_rectangle(
        (px - 1, y - 1, px + shown.width, y + shown.height), 29, outline=colours["rule"], width=2
    )
    canvas.paste(shown, (px, y), mask)
    y += shown.height + 30
    # timestamp, counts, action bar
    draw.text(
        (margin, y),
        f"{template.when} · {_compact(template.counts[3] * 31)} Views",
        font=font(34),
        fill=colours["muted"],
    )
    y += 70
    draw.line((margin, y, width - margin, y), fill=colours["rule"], width=2)
    y += 28
    x = margin
    for count, label in zip(template.counts[1:], ("Reposts", "Quotes", "Likes"), strict=True):
        number = _compact(count)
        draw.text((x, y), number, font=font(34, bold=True), fill=colours["ink"])
        x += draw.textlength(number, font=font(34, bold=True)) + 10
        draw.text((x, y), label, font=font(34), fill=colours["muted"])
        x += draw.textlength(label, font=font(34)) + 34
    y += 70
    draw.line((margin, y, width - margin, y), fill=colours["rule"], width=2)
    y += 60
    _icons(draw, y, width, colours["muted"])
    y += 60
    end = y
    draw.line((0, y, width, y), fill=colours["rule"], width=2)
    y += 30
    # reply box
    if y + 100 < height:
        draw.ellipse((margin, y, margin + 80, y + 80), fill=(120, 120, 120))
        draw.text(
            (margin + 110, y + 40),
            "Post your reply",
            font=font(38),
            fill=colours["muted"],
            anchor="lm",
        )
        draw.rounded_rectangle(
            (width - margin - 150, y + 10, width - margin, y + 70), 30, fill=colours["accent"]
        )
        draw.text(
            (width - margin - 75, y + 40),
            "Reply",
            font=font(32, bold=True),
            fill=(255, 255, 255),
            anchor="mm",
        )
    return canvas, end


def _status_bar(
    draw: ImageDraw.ImageDraw, width: int, colours: dict, template: PostTemplate
) -> int:
    """Clock, signal, wifi and battery across the top; returns its height."""
    ink = colours["ink"]
    clock = template.when.split(" ·")[0].split(" ")[0]
    draw.text((60, 50), clock, font=font(40, bold=True), fill=ink, anchor="lm")
    x = width - 60
    draw.rounded_rectangle((x - 70, 32, x - 8, 68), 8, outline=ink, width=3)  # battery
    draw.rectangle((x - 64, 38, x - 30, 62), fill=ink)
    draw.rectangle((x - 6, 42, x, 58), fill=ink)
    x -= 100
    for r in (28, 18, 8):  # wifi arcs
        draw.arc((x - r, 64 - r, x + r, 64 + r), 225, 315, fill=ink, width=5)
    x -= 60
    for i in range(4):  # signal bars
        draw.rectangle((x - 40 + i * 11, 64 - (i + 1) * 8, x - 33 + i * 11, 64), fill=ink)
    return 100


def ui_screenshot(
    image: Image.Image, seed: int = 0, template: PostTemplate | None = None
) -> Image.Image:
    """The photo as a post on a phone (1080x2340), white or dark theme, then JPEG (q 85)."""
    template = template or PostTemplate.from_seed(seed)
    canvas, _ = _post(image, template)
    return jpeg_roundtrip(canvas, 85)


def screenshot2(
    image: Image.Image,
    seed: int = 0,
    template: PostTemplate | None = None,
    outer: PostTemplate | None = None,
) -> Image.Image:
    """A screenshot of a screenshot: the post screenshot, cropped to the post as people do,
    shown inside another post (the other theme, a status bar on top), then JPEG (q 75)."""
    template = template or PostTemplate.from_seed(seed)
    outer = outer or PostTemplate.from_seed(seed, salt="ui-outer")
    inner, end = _post(image, template)
    inner = jpeg_roundtrip(inner.crop((0, 140, inner.width, min(inner.height, end + 20))), 85)
    quote = _rng(seed, "quote").choice(_QUOTES)
    outer = PostTemplate(**{**outer.__dict__, "text": quote, "dark": not template.dark})
    canvas, _ = _post(inner, outer, status_bar=True, title="Home")
    return jpeg_roundtrip(canvas, 75)


# --- the registry --------------------------------------------------------------------------


@dataclass(frozen=True)
class Transform:
    name: str
    apply: Callable[..., Image.Image]
    quality: int  # JPEG quality the corpus saves the result at
    note: str


TRANSFORMS: dict[str, Transform] = {
    t.name: t
    for t in (
        Transform("recompress", recompress, 40, "JPEG q=40"),
        Transform("resize_50", resize_50, 90, "half size, Lanczos"),
        Transform("grayscale", grayscale, 90, "luminance only"),
        Transform("brightness", brightness, 90, "+25 % brightness"),
        Transform(
            "watermark",
            watermark,
            90,
            "handle + logo, 5-7 % of the short side, alpha 120-180, a corner",
        ),
        Transform("caption_bar", caption_bar, 90, "12-20 % bars above/below, wrapped text"),
        Transform("ui_screenshot", ui_screenshot, 85, "post UI, 1080x2340, JPEG q=85"),
        Transform("screenshot2", screenshot2, 75, "UI screenshot inside another UI, q=75"),
        Transform("mirror", mirror, 90, "horizontal flip"),
        Transform("crop_5", crop_5, 90, "5 % of width and height removed"),
        Transform("crop_10", crop_10, 90, "10 % of width and height removed"),
        Transform("rotate", rotate, 90, "2-3 degrees, canvas expanded, corners filled"),
    )
}
