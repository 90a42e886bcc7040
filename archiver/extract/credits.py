"""Credit lines under images: "Source: youtube/Suchomimus/Screenshot", "(Image: X/@user)".

A credit is a label (Source, Photo, Foto, Screenshot, Bild, ...) and a short body. The body
is split on "/" and "via"; a token naming a platform gives the platform, the token after it
(or an @handle) the account, and a "screenshot" token the kind.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..models import Credit, Platform

_LABELS = {
    "source": "source", "sources": "source", "quelle": "source", "fuente": "source",
    "fonte": "source", "źródło": "source", "джерело": "source", "источник": "source",
    "credit": "source", "credits": "source", "courtesy": "source",
    "photo": "photo", "photos": "photo", "foto": "photo", "fotos": "photo", "fotó": "photo",
    "picture": "photo", "pictures": "photo", "pic": "photo", "bild": "photo", "фото": "photo",
    "image": "image", "images": "image", "img": "image", "illustration": "image",
    "screenshot": "screenshot", "screenshots": "screenshot", "screengrab": "screenshot",
    "screen grab": "screenshot", "скриншот": "screenshot", "скріншот": "screenshot",
    "video": "video", "video still": "video", "still": "video", "відео": "video", "видео": "video",
    "photo credit": "photo", "image credit": "image", "picture credit": "photo",
    "photograph": "photo", "bildquelle": "source", "crédit photo": "photo",
    "capture d'écran": "screenshot", "captura de pantalla": "screenshot",
    "zrzut ekranu": "screenshot", "footage": "video",
}  # fmt: skip
_PLATFORM_WORDS = {
    "twitter": Platform.TWITTER, "x": Platform.TWITTER, "x.com": Platform.TWITTER,
    "telegram": Platform.TELEGRAM, "tg": Platform.TELEGRAM, "t.me": Platform.TELEGRAM,
    "youtube": Platform.YOUTUBE, "yt": Platform.YOUTUBE,
    "instagram": Platform.INSTAGRAM, "insta": Platform.INSTAGRAM, "ig": Platform.INSTAGRAM,
    "facebook": Platform.FACEBOOK, "fb": Platform.FACEBOOK,
    "tiktok": Platform.TIKTOK, "bluesky": Platform.BLUESKY, "bsky": Platform.BLUESKY,
    "mastodon": Platform.MASTODON, "reddit": Platform.REDDIT, "vimeo": Platform.VIMEO,
    "threads": Platform.THREADS,
}  # fmt: skip
_KIND_WORDS = {"screenshot": "screenshot", "screengrab": "screenshot", "screen grab": "screenshot",
               "video still": "video", "still": "video", "video": "video"}  # fmt: skip

_LABEL = "|".join(sorted((re.escape(label) for label in _LABELS), key=len, reverse=True))
_BODY = r"[^\n()\[\]]{1,90}?"
# At the start of a line or after a caption's sentence, running to the end of the line ...
_LINE_CREDIT = re.compile(
    rf"(?:^|(?<=[.!?»”\"]\s)|(?<=\|\s))(?P<label>{_LABEL})\s*:\s*(?P<body>{_BODY})\s*$",
    re.IGNORECASE | re.MULTILINE,
)
# ... or in brackets anywhere: "(Image: X/@user)", "[Photo: Telegram/rybar]".
_BRACKETED = re.compile(rf"[(\[](?P<label>{_LABEL})\s*:\s*(?P<body>{_BODY})[)\]]", re.IGNORECASE)
# ... or said in words: "Photo via Twitter @user", "screenshot from Telegram channel rybar".
# A bare "X" is a letter as often as a platform ("from x-rays"): it counts with an account only.
_PLATFORM_NAMES = "|".join(
    [*sorted((re.escape(w) for w in _PLATFORM_WORDS if w != "x"), key=len, reverse=True),
     r"x(?=\s*/|\s+@)"]
)  # fmt: skip
_VIA = re.compile(
    r"\b(?P<label>photo|image|picture|screenshot|screengrab|footage|video)s?\s+"
    r"(?:via|from|posted on|shared on|courtesy of)\s+"
    rf"(?P<body>(?:{_PLATFORM_NAMES})\b"
    # an account only where something marks it as one: "/name", "@name", "channel name"
    r"(?:\s*/\s*@?[\w.]{2,40}|\s+@[\w.]{2,40}"
    r"|\s+(?:(?:channel|account|user|page|profile|by)\s+)+@?[\w.]{2,40})?)",
    re.IGNORECASE,
)
_VIA_WORDS = ("photo", "image", "picture", "screen", "footage", "video")
_FILLER = {"channel", "account", "user", "page", "profile", "by"}
_MAX_WORDS = 8


def find_credits(text: str) -> Iterator[Credit]:
    """Every credit line in a block of text, in order."""
    if ":" not in text and not any(word in text.lower() for word in _VIA_WORDS):
        return  # most paragraphs hold no credit at all: skip the patterns
    matches = [*_LINE_CREDIT.finditer(text), *_BRACKETED.finditer(text), *_VIA.finditer(text)]
    for match in sorted(matches, key=lambda m: m.start()):
        text = match.group(0).strip().strip("()[]").rstrip(".")
        credit = parse_credit(text, match["label"], match["body"])
        if credit is not None:
            yield credit


def parse_credit(text: str, label: str, body: str) -> Credit | None:
    body = body.strip().rstrip(".")
    if not body or len(body.split()) > _MAX_WORDS:
        return None  # a sentence that starts with "Source:", not a credit
    tokens = []
    for token in re.split(r"\s*/\s*|\s+via\s+|\s*\|\s*|\s+(?=@)", body):
        first, _, rest = token.strip().partition(" ")
        if first.lower() in _PLATFORM_WORDS and rest:  # "Telegram channel rybar"
            tokens += [first, *(w for w in rest.split() if w.lower() not in _FILLER)]
        elif token.strip():
            tokens.append(token.strip())
    kind = _LABELS[label.lower()]
    platform: Platform | None = None
    account: str | None = None
    for index, token in enumerate(tokens):
        word = token.lower()
        if word in _KIND_WORDS:
            kind = _KIND_WORDS[word]
        elif platform is None and word in _PLATFORM_WORDS:
            platform = _PLATFORM_WORDS[word]
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            if following and following.lower() not in _KIND_WORDS:
                account = following.lstrip("@")
        elif token.startswith("@") and account is None:
            account = token.lstrip("@")
    return Credit(text=text, platform=platform, account=account, kind=kind)
