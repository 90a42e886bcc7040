"""Embeds that an article extractor flattened into plain text.

    ...Russia.pic.twitter.com/7EmFb3IgXi — Jason Jay Smart (@officejjsmart)May 22, 2023
    text — Name (@handle) May 22, 2023                       (no link: keyed by handle + text)
    caption ... A post shared by NAME (@handle) on Mar 3, 2021 at 5:10am PST      (Instagram)

The post's text is what stands between the start of its line and the link or byline.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..models import Embed, Platform
from .bylines import BYLINE_PATTERN, byline_from_match
from .dates import DATE_PATTERN, parse_date
from .recognisers import recognise_url
from .recognisers.base import collapse
from .recognisers.instagram import SHARED_BY

_LINK = (
    r"(?:https?://)?(?:www\.)?pic\.(?:twitter|x)\.com/\w+"
    r"|https?://t\.co/\w+"
    r"|https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/\w{1,15}/status(?:es)?/\d+[^\s—–]*"
    r"|https?://bsky\.app/profile/[\w.:-]+/post/\w+"
)
_FLATTENED = re.compile(rf"(?P<link>{_LINK})?\s*{BYLINE_PATTERN}")
_INSTAGRAM = re.compile(
    SHARED_BY.pattern + rf"(?:\s+(?:on|am|le|el|il|em|op)\s+(?P<date>{DATE_PATTERN}))?",
    re.IGNORECASE,
)
_VIEW_ON_INSTAGRAM = "View this post on Instagram"
# A blockquote embed converted to Markdown: "> — Name ([@handle](…)) [May 1, 2023](STATUS_URL)".
# The byline line starts with a dash and links the date to the status; names and handles may
# have been translated along with the article, so only the link is trusted.
_MARKDOWN_BYLINE = re.compile(
    r"^[> \t]*[—–][^\n]{0,300}?\]\((?P<link>https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/"
    r"\w{1,15}/status(?:es)?/\d+)[^)\s]*\)",
    re.MULTILINE,
)


def find_flattened(text: str) -> Iterator[Embed]:
    """Every flattened tweet, Bluesky post and Instagram post in the text, in order."""
    if "(@" not in text and "/status" not in text:
        return  # every form has an "(@handle)" or a status link; most paragraphs can skip this
    found = [(m.start(), embed) for m in _FLATTENED.finditer(text) if (embed := _post(text, m))]
    found += [(m.start(), _instagram(text, m)) for m in _INSTAGRAM.finditer(text)]
    found += [(m.start(), _markdown(text, m)) for m in _MARKDOWN_BYLINE.finditer(text)]
    for _, embed in sorted(found, key=lambda pair: pair[0]):
        yield embed


def _post(text: str, match: re.Match[str]) -> Embed | None:
    if not match.group("date"):
        return None  # "— Name (@handle)" without a date is too common in prose to trust
    byline = byline_from_match(match)
    link = match.group("link")
    platform = Platform.BLUESKY if "." in byline.handle else Platform.TWITTER
    post_id, url = None, None
    if link:
        ref = recognise_url(link)
        if ref is not None:
            platform, post_id, url = ref.platform, ref.post_id, ref.url
        else:
            url = link if link.startswith("http") else f"https://{link}"
    start = match.start("link") if link else match.start()
    return Embed(
        platform,
        post_id,
        url,
        found_by="text:flattened-post",
        author_handle=byline.handle,
        author_name=byline.name,
        published=byline.published,
        text=_line_before(text, start),
    )


def _instagram(text: str, match: re.Match[str]) -> Embed:
    before = text[: match.start()]
    marker = before.rfind(_VIEW_ON_INSTAGRAM)
    if marker >= 0 and match.start() - marker < 5000:
        caption = collapse(before[marker + len(_VIEW_ON_INSTAGRAM) :])
    else:
        caption = _line_before(text, match.start())
    return Embed(
        Platform.INSTAGRAM,
        None,
        None,
        found_by="text:instagram-shared-by",
        author_handle=match.group("handle"),
        author_name=collapse(match.group("name")),
        published=parse_date(match.group("date")),
        text=caption,
    )


def _markdown(text: str, match: re.Match[str]) -> Embed:
    ref = recognise_url(match.group("link"))
    assert ref is not None  # the pattern only matches status URLs
    quoted = []
    for line in reversed(text[: match.start()].splitlines()):
        if not line.startswith(">"):
            break
        quoted.insert(0, line.lstrip("> "))
    return Embed(
        ref.platform,
        ref.post_id,
        ref.url,
        found_by="text:markdown-post",
        author_handle=ref.author_handle,
        text=collapse(" ".join(quoted)),
    )


def _line_before(text: str, end: int) -> str | None:
    """The text from the start of the line (or, if that is empty, the line above) to `end`."""
    line_start = text.rfind("\n", 0, end) + 1
    line = collapse(text[line_start:end])
    if line is None and line_start > 0:
        previous_start = text.rfind("\n", 0, line_start - 1) + 1
        line = collapse(text[previous_start:line_start])
    return line
