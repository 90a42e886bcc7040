"""YouTube: oEmbed, then the watch page's metadata and playability status.

    oembed   www.youtube.com/oembed?url=…&format=json   title, channel, thumbnail
    watch    www.youtube.com/watch?v=ID                  og:/itemprop metadata, upload date

The watch page's playabilityStatus says why a video does not play: removed, private,
age-restricted, blocked in this country. The video itself is not downloaded.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

from lxml.html import HtmlElement

from ..errors import FailureReason
from ..extract.html import parse_html
from ..extract.recognisers.youtube import watch_url
from ..models import CaptureStatus, Embed, MediaItem, Platform, PlatformCapture
from .base import Adapter, CaptureContext, outcome
from .common import http_failure, oembed_capture, page_meta
from .endpoints import ENDPOINTS
from .walls import blocked, why_empty

_PLAYABILITY = re.compile(
    r'"playabilityStatus":\s*(\{"status":\s*"[A-Z_]+"(?:,\s*"reason":\s*"(?:[^"\\]|\\.)*")?)'
)
_OEMBED_WORDS = {
    b"Forbidden": FailureReason.PROTECTED,  # a private video
    b"Unauthorized": FailureReason.AUTH_REQUIRED,  # embedding disabled: the page may still show it
    b"Not Found": FailureReason.NOT_FOUND,
    b"Bad Request": FailureReason.NOT_FOUND,
}
_OEMBED_STATUSES = {
    401: FailureReason.AUTH_REQUIRED,
    403: FailureReason.PROTECTED,
    404: FailureReason.NOT_FOUND,
}
_STATUS_REASONS = (
    ("removed by the uploader", FailureReason.DELETED),
    ("has been removed", FailureReason.DELETED),
    ("account associated with this video has been terminated", FailureReason.SUSPENDED),
    ("private", FailureReason.PROTECTED),
    ("confirm your age", FailureReason.AGE_GATED),
    ("in your country", FailureReason.GEO_BLOCKED),
    ("copyright", FailureReason.WITHHELD),
)


def handle_from(author_url: object) -> str | None:
    """https://www.youtube.com/@handle → handle (older /user/ and /channel/ URLs give none)."""
    if isinstance(author_url, str) and "/@" in author_url:
        return author_url.rsplit("/@", 1)[1].strip("/") or None
    return None


class YouTubeAdapter(Adapter):
    platform = Platform.YOUTUBE
    methods = ("oembed", "watch")

    def oembed(self, target: Embed, context: CaptureContext) -> PlatformCapture:
        url = watch_url(target.post_id or "")
        query = urlencode({"url": url, "format": "json"})
        response = context.get(f"{ENDPOINTS['youtube.oembed']}?{query}")
        # YouTube answers errors with a bare word, once even under a 200 status
        word = _OEMBED_WORDS.get(response.exchange.body.strip())
        if word is not None and blocked(response) is None:
            return outcome("oembed", word, response.exchange.body.decode())
        failure = http_failure("oembed", response, _OEMBED_STATUSES)
        if failure:
            return failure
        data = response.json()
        return oembed_capture(
            response, "oembed", target.post_id, url, handle_from(data.get("author_url"))
        )

    def watch(self, target: Embed, context: CaptureContext) -> PlatformCapture:
        url = watch_url(target.post_id or "")
        response = context.get(f"{ENDPOINTS['youtube.watch']}?{urlencode({'v': target.post_id})}")
        failure = http_failure("watch", response, {404: FailureReason.NOT_FOUND})
        if failure:
            return failure
        playability = _playability(response.text)
        if playability and playability.get("status") not in ("OK", "LIVE_STREAM_OFFLINE"):
            text = str(playability.get("reason") or playability.get("status"))
            reason = next(
                (r for word, r in _STATUS_REASONS if word in text.lower()), FailureReason.NOT_FOUND
            )
            return outcome("watch", reason, text)
        doc = parse_html(response.text)
        meta = page_meta(doc) if doc is not None else {}
        if doc is None or "og:title" not in meta:
            return outcome("watch", why_empty(response), "no video metadata in the watch page")
        image = meta.get("og:image")
        size = (_int(meta.get("og:image:width")), _int(meta.get("og:image:height")))
        return PlatformCapture(
            CaptureStatus.OK,
            "watch",
            canonical_url=url,
            post_id=target.post_id,
            author_handle=handle_from(_author(doc, "url", "href")),
            author_name=_author(doc, "name", "content"),
            published=meta.get("datePublished") or meta.get("uploadDate"),
            text=meta["og:title"],
            media=[MediaItem(image, "photo", *size)] if image else [],
        )


def _author(doc: HtmlElement, prop: str, attribute: str) -> str | None:
    """A property of the channel, inside the page's itemprop="author" block."""
    values = doc.xpath(f'//*[@itemprop="author"]//*[@itemprop="{prop}"]/@{attribute}')
    return str(values[0]) if values else None


def _playability(html: str) -> dict[str, object] | None:
    found = _PLAYABILITY.search(html)
    if not found:
        return None
    try:
        value = json.loads(found.group(1) + "}")
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None
