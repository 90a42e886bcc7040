"""The byline under an embedded post: "— Jason Jay Smart (@officejjsmart) May 22, 2023"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .dates import DATE_PATTERN, parse_date

# Embeds separate text and byline with an em dash; sites re-encode it as &#8212;, an en dash
# or a plain hyphen (spaced, so names like Jean-Luc stay whole). The name may be empty
# ("— (@handle)") and the date may be glued on.
BYLINE_PATTERN = (
    r"(?:—|–|&mdash;|&#8212;|(?<!\S)--?(?=\s))\s*"
    r"(?P<name>[^\n()@—–]{0,80}?)\s*"
    r"\(@(?P<handle>[A-Za-z0-9_][A-Za-z0-9_.-]{0,62})\)\s*"
    rf"(?P<date>{DATE_PATTERN})?"
)
_BYLINE = re.compile(BYLINE_PATTERN)


@dataclass(frozen=True)
class Byline:
    name: str | None
    handle: str
    published: str | None


def byline_from_match(match: re.Match[str]) -> Byline:
    name = " ".join(match.group("name").split()) or None
    return Byline(
        name=name, handle=match.group("handle"), published=parse_date(match.group("date"))
    )


def find_byline(text: str) -> Byline | None:
    """The last byline in a piece of text (the embed's own, after any quoted ones)."""
    matches = list(_BYLINE.finditer(text))
    return byline_from_match(matches[-1]) if matches else None
