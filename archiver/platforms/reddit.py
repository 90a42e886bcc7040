"""Reddit: the public JSON of a post, www.reddit.com/comments/ID/.json.

The answer is two Listings, the post and its comments. A post its author deleted keeps its
row with author "[deleted]"; one removed by moderators says so in removed_by_category.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from typing import Any

from ..errors import FailureReason, ParseError
from ..models import CaptureStatus, Embed, MediaItem, Platform, PlatformCapture
from .base import Adapter, CaptureContext, Response, outcome
from .common import http_failure
from .endpoints import ENDPOINTS

_STATUSES = {
    403: FailureReason.PROTECTED,
    404: FailureReason.NOT_FOUND,
    451: FailureReason.WITHHELD,
}


class RedditAdapter(Adapter):
    platform = Platform.REDDIT
    methods = ("json",)

    def json(self, target: Embed, context: CaptureContext) -> PlatformCapture:
        response = context.get(f"{ENDPOINTS['reddit']}/comments/{target.post_id}/.json?raw_json=1")
        failure = http_failure("json", response, _STATUSES)
        if failure:
            return failure
        post = _post(response)
        removed = post.get("removed_by_category")
        if post.get("author") == "[deleted]" or removed:
            return outcome(
                "json", FailureReason.DELETED, f"removed: {removed or 'deleted by author'}"
            )
        created = post.get("created_utc")
        counts = {k: post[k] for k in ("score", "num_comments", "upvote_ratio") if k in post}
        return PlatformCapture(
            CaptureStatus.OK,
            "json",
            canonical_url=f"https://www.reddit.com{post['permalink']}"
            if post.get("permalink")
            else target.url,
            post_id=post.get("id") or target.post_id,
            author_handle=post.get("author"),
            published=datetime.fromtimestamp(created, UTC).isoformat()
            if isinstance(created, int | float)
            else None,
            text="\n\n".join(t for t in (post.get("title"), post.get("selftext")) if t) or None,
            media=_media(post),
            counts=counts,
        )


def _post(response: Response) -> dict[str, Any]:
    data = response.json()
    try:
        post = data[0]["data"]["children"][0]["data"]
    except (KeyError, IndexError, TypeError) as exc:
        raise ParseError("not a Reddit post listing", response.exchange.url) from exc
    if not isinstance(post, dict):
        raise ParseError("not a Reddit post listing", response.exchange.url)
    return post


def _media(post: dict[str, Any]) -> list[MediaItem]:
    """Gallery images in gallery order, else the preview image, else a hosted video."""
    items: list[MediaItem] = []
    metadata = post.get("media_metadata") or {}
    order = [i.get("media_id") for i in (post.get("gallery_data") or {}).get("items", [])]
    for media_id in order or list(metadata):
        source = (metadata.get(media_id) or {}).get("s") or {}
        url, kind = (source.get("u"), "photo") if source.get("u") else (source.get("gif"), "gif")
        if url:
            items.append(MediaItem(html.unescape(url), kind, source.get("x"), source.get("y")))
    if not items:
        for image in (post.get("preview") or {}).get("images", [])[:1]:
            source = image.get("source") or {}
            if source.get("url"):
                items.append(
                    MediaItem(
                        html.unescape(source["url"]),
                        "photo",
                        source.get("width"),
                        source.get("height"),
                    )
                )
    video = ((post.get("media") or {}).get("reddit_video") or {}).get("fallback_url")
    if video:
        items.append(MediaItem(video, "video"))
    return items
