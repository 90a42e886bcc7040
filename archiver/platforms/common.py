"""Pieces several adapters share: HTTP outcomes, oEmbed answers, page metadata, embed markup."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lxml.html import HtmlElement

from ..errors import FailureReason, ParseError
from ..extract import extract_document
from ..models import CaptureStatus, Embed, MediaItem, PlatformCapture
from .base import Response, outcome
from .walls import blocked

# What an error status means when an oEmbed or API endpoint answers it about a post.
OEMBED_STATUSES: Mapping[int, FailureReason] = {
    401: FailureReason.AUTH_REQUIRED,  # embedding disabled or private: the page may still say
    403: FailureReason.AUTH_REQUIRED,
    404: FailureReason.NOT_FOUND,
}


def http_failure(
    method: str, response: Response, statuses: Mapping[int, FailureReason] = OEMBED_STATUSES
) -> PlatformCapture | None:
    """The outcome of an answer that cannot hold the post, or None for a readable 200."""
    reason = blocked(response)
    if reason is not None:
        return outcome(method, reason, response.exchange.error)
    if response.status == 200:
        return None
    status = response.status or 0
    return outcome(method, statuses.get(status, FailureReason.HTTP_STATUS), f"HTTP {status}")


def oembed_capture(
    response: Response, method: str, post_id: str | None, url: str | None, handle: str | None
) -> PlatformCapture:
    """An oEmbed answer (YouTube, TikTok, Vimeo, Instagram): title, author, thumbnail."""
    data = response.json()
    if not isinstance(data, dict) or not ("title" in data or "html" in data):
        raise ParseError("not an oEmbed answer", response.exchange.url)
    media = []
    if isinstance(data.get("thumbnail_url"), str):
        size = (_int(data.get("thumbnail_width")), _int(data.get("thumbnail_height")))
        media.append(MediaItem(data["thumbnail_url"], "photo", *size))
    # The html is the platform's own embed markup (Facebook's and Instagram's blockquotes
    # carry the text, author and date that their JSON leaves out).
    markup = _markup(data.get("html"))
    return PlatformCapture(
        CaptureStatus.OK,
        method,
        canonical_url=url,
        post_id=post_id,
        author_handle=handle or (markup.author_handle if markup else None),
        author_name=data.get("author_name") or (markup.author_name if markup else None),
        published=data.get("upload_date") or (markup.published if markup else None),
        text=data.get("title") or (markup.text if markup else None),
        media=media,
    )


def _markup(html: object) -> Embed | None:
    if not isinstance(html, str):
        return None
    embeds = extract_document(html.encode(), "oembed", content_type="text/html").embeds
    return embeds[0] if embeds else None


def page_meta(doc: HtmlElement) -> dict[str, str]:
    """A page's Open Graph, Twitter card and schema.org itemprop metadata, first value wins."""
    meta: dict[str, str] = {}
    for element in doc.iter("meta", "link"):
        key = element.get("property") or element.get("name") or element.get("itemprop")
        value = element.get("content") or element.get("href")
        if key and value and key not in meta:
            meta[key] = value
    return meta


def embed_markup(target: Embed) -> PlatformCapture:
    """What the article's own embed markup said, marked as such: not the platform's word."""
    carried = (target.text, target.author_name, target.author_handle, target.published)
    if not any(carried) and not target.media_urls:
        return outcome(
            "embed_markup", FailureReason.NOT_FOUND, "the article's markup carries only the link"
        )
    return PlatformCapture(
        CaptureStatus.OK,
        "embed_markup",
        kind="embed-markup",
        canonical_url=target.url,
        post_id=target.post_id,
        author_handle=target.author_handle,
        author_name=target.author_name,
        published=target.published,
        text=target.text,
        media=[MediaItem(url, "photo") for url in target.media_urls],
    )


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
