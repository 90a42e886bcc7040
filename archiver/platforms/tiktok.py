"""TikTok: oEmbed, then the video page's rehydration data and Open Graph metadata.

oembed   www.tiktok.com/oembed?url=…   caption (title), author, thumbnail
page     www.tiktok.com/@USER/video/ID  __UNIVERSAL_DATA_FOR_REHYDRATION__ → itemStruct
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from ..errors import FailureReason, ParseError
from ..extract.recognisers.tiktok import video_url
from ..models import CaptureStatus, Embed, MediaItem, Platform, PlatformCapture
from .base import Adapter, CaptureContext, Response, outcome
from .common import http_failure, oembed_capture
from .endpoints import ENDPOINTS
from .walls import why_empty

_REHYDRATION = re.compile(
    r'<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__"[^>]*>(.*?)</script>', re.S
)
# TikTok's own status codes in the page data for a video it will not show.
_STATUS_CODES = {
    10204: FailureReason.NOT_FOUND,
    10216: FailureReason.PROTECTED,
    10222: FailureReason.PROTECTED,
}


class TikTokAdapter(Adapter):
    platform = Platform.TIKTOK
    methods = ("oembed", "page")

    def oembed(self, target: Embed, context: CaptureContext) -> PlatformCapture:
        url = video_url(target.author_handle, target.post_id or "")
        response = context.get(f"{ENDPOINTS['tiktok.oembed']}?{urlencode({'url': url})}")
        failure = http_failure(
            "oembed", response, {400: FailureReason.NOT_FOUND, 404: FailureReason.NOT_FOUND}
        )
        if failure:
            return failure
        data = response.json()
        handle = data.get("author_unique_id") if isinstance(data, dict) else None
        return oembed_capture(
            response, "oembed", target.post_id, url, handle or target.author_handle
        )

    def page(self, target: Embed, context: CaptureContext) -> PlatformCapture:
        url = video_url(target.author_handle, target.post_id or "")
        response = context.get(url)
        failure = http_failure("page", response, {404: FailureReason.NOT_FOUND})
        if failure:
            return failure
        found = _REHYDRATION.search(response.text)
        if not found:
            return outcome("page", why_empty(response), "no rehydration data in the page")
        return _item(response, found.group(1), target)


def _item(response: Response, raw: str, target: Embed) -> PlatformCapture:
    try:
        data = json.loads(raw)
        detail = data["__DEFAULT_SCOPE__"]["webapp.video-detail"]
    except (ValueError, KeyError, TypeError, RecursionError) as exc:
        raise ParseError(f"unexpected rehydration data: {exc}", response.exchange.url) from exc
    code = detail.get("statusCode")
    if code in _STATUS_CODES:
        return outcome("page", _STATUS_CODES[code], str(detail.get("statusMsg") or code))
    item: dict[str, Any] = (detail.get("itemInfo") or {}).get("itemStruct") or {}
    if not item.get("id"):
        raise ParseError(f"no itemStruct in the page (statusCode {code})", response.exchange.url)
    author = item.get("author") or {}
    created = item.get("createTime")
    video = item.get("video") or {}
    return PlatformCapture(
        CaptureStatus.OK,
        "page",
        canonical_url=video_url(author.get("uniqueId"), str(item["id"])),
        post_id=str(item["id"]),
        author_handle=author.get("uniqueId"),
        author_name=author.get("nickname"),
        published=datetime.fromtimestamp(int(created), UTC).isoformat()
        if str(created).isdigit()
        else None,
        text=item.get("desc"),
        media=[MediaItem(video["cover"], "photo")] if isinstance(video.get("cover"), str) else [],
        counts={k: v for k, v in (item.get("stats") or {}).items() if isinstance(v, int)},
    )
