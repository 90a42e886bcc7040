"""Vimeo: oEmbed, then the video page's metadata.

oembed   vimeo.com/api/oembed.json?url=https://vimeo.com/ID   title, author, upload date
page     vimeo.com/ID                                           og: and itemprop metadata
"""

from __future__ import annotations

from urllib.parse import urlencode

from ..errors import FailureReason
from ..extract.html import parse_html
from ..models import CaptureStatus, Embed, MediaItem, Platform, PlatformCapture
from .base import Adapter, CaptureContext, outcome
from .common import http_failure, oembed_capture, page_meta
from .endpoints import ENDPOINTS
from .walls import why_empty


def _handle(author_url: object) -> str | None:
    if isinstance(author_url, str) and "vimeo.com/" in author_url:
        return author_url.rstrip("/").rsplit("/", 1)[1] or None
    return None


class VimeoAdapter(Adapter):
    platform = Platform.VIMEO
    methods = ("oembed", "page")

    def oembed(self, target: Embed, context: CaptureContext) -> PlatformCapture:
        url = f"https://vimeo.com/{target.post_id}"
        response = context.get(f"{ENDPOINTS['vimeo.oembed']}?{urlencode({'url': url})}")
        failure = http_failure("oembed", response)
        if failure:
            return failure
        data = response.json()
        handle = _handle(data.get("author_url")) if isinstance(data, dict) else None
        return oembed_capture(response, "oembed", target.post_id, url, handle)

    def page(self, target: Embed, context: CaptureContext) -> PlatformCapture:
        url = f"https://vimeo.com/{target.post_id}"
        response = context.get(url)
        failure = http_failure("page", response, {404: FailureReason.NOT_FOUND})
        if failure:
            return failure
        doc = parse_html(response.text)
        meta = page_meta(doc) if doc is not None else {}
        if "og:title" not in meta:
            return outcome("page", why_empty(response), "no video metadata in the page")
        return PlatformCapture(
            CaptureStatus.OK,
            "page",
            canonical_url=url,
            post_id=target.post_id,
            published=meta.get("uploadDate") or meta.get("datePublished"),
            text=meta["og:title"],
            media=[MediaItem(meta["og:image"], "photo")] if "og:image" in meta else [],
        )
