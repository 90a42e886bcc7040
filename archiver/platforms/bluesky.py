"""Bluesky: the public AppView, app.bsky.feed.getPostThread, after resolving a handle to its DID.

appview   public.api.bsky.app/xrpc/com.atproto.identity.resolveHandle?handle=H
          public.api.bsky.app/xrpc/app.bsky.feed.getPostThread?uri=at://DID/…/RKEY&depth=0
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from ..errors import FailureReason, ParseError
from ..models import CaptureStatus, Embed, MediaItem, Platform, PlatformCapture
from .base import Adapter, CaptureContext, outcome
from .common import http_failure
from .endpoints import ENDPOINTS

_THREAD_STATES = {
    "app.bsky.feed.defs#notFoundPost": FailureReason.NOT_FOUND,
    "app.bsky.feed.defs#blockedPost": FailureReason.PROTECTED,
}


def post_url(at_uri: str) -> str | None:
    """at://AUTHORITY/app.bsky.feed.post/RKEY → https://bsky.app/profile/AUTHORITY/post/RKEY."""
    parts = at_uri.removeprefix("at://").split("/")
    if len(parts) == 3 and parts[1] == "app.bsky.feed.post":
        return f"https://bsky.app/profile/{parts[0]}/post/{parts[2]}"
    return None


class BlueskyAdapter(Adapter):
    platform = Platform.BLUESKY
    methods = ("appview",)

    def appview(self, target: Embed, context: CaptureContext) -> PlatformCapture:
        authority, _, rkey = (target.post_id or "").partition("/")
        if not authority.startswith("did:"):
            answer = _xrpc(context, "com.atproto.identity.resolveHandle", {"handle": authority})
            if isinstance(answer, PlatformCapture):
                return answer
            if not isinstance(answer.get("did"), str):
                raise ParseError("resolveHandle answered no did", context.last_url)
            authority = answer["did"]
        uri = f"at://{authority}/app.bsky.feed.post/{rkey}"
        answer = _xrpc(
            context, "app.bsky.feed.getPostThread", {"uri": uri, "depth": 0, "parentHeight": 0}
        )
        if isinstance(answer, PlatformCapture):
            return answer
        thread = answer.get("thread")
        if not isinstance(thread, dict):
            raise ParseError("getPostThread answered no thread", context.last_url)
        state = _THREAD_STATES.get(str(thread.get("$type")))
        if state:
            return outcome("appview", state, str(thread.get("$type")))
        return _post(thread.get("post"), target, context.last_url)


def _xrpc(
    context: CaptureContext, method: str, params: dict[str, Any]
) -> dict[str, Any] | PlatformCapture:
    """An XRPC query's answer object, or the capture outcome when there is none."""
    response = context.get(f"{ENDPOINTS['bluesky.appview']}/{method}?{urlencode(params)}")
    failure = http_failure("appview", response, {400: FailureReason.NOT_FOUND})
    if failure:
        return failure
    answer = response.json()
    if not isinstance(answer, dict):
        raise ParseError(f"{method} answered no object", response.exchange.url)
    return answer


def _post(post: Any, target: Embed, url: str) -> PlatformCapture:
    if not isinstance(post, dict) or not isinstance(post.get("record"), dict):
        raise ParseError("thread has no post record", url)
    record = post["record"]
    author = post.get("author") or {}
    reply = ((record.get("reply") or {}).get("parent") or {}).get("uri")
    langs = record.get("langs")
    counts = {
        k: post[k] for k in ("replyCount", "repostCount", "likeCount", "quoteCount") if k in post
    }
    embed = post.get("embed") or {}
    return PlatformCapture(
        CaptureStatus.OK,
        "appview",
        canonical_url=target.url,
        post_id=target.post_id,
        author_handle=author.get("handle"),
        author_name=author.get("displayName"),
        published=record.get("createdAt"),
        text=record.get("text"),
        lang=langs[0] if isinstance(langs, list) and langs else None,
        media=_media(embed),
        counts=counts,
        quoted_url=_quoted(embed),
        reply_to_url=post_url(reply) if isinstance(reply, str) else None,
    )


def _media(embed: dict[str, Any]) -> list[MediaItem]:
    """Images (also inside a quote with media) and videos of a post view's embed."""
    kind = str(embed.get("$type", ""))
    if kind.startswith("app.bsky.embed.recordWithMedia"):
        return _media(embed.get("media") or {})
    items = []
    for image in embed.get("images") or []:
        ratio = image.get("aspectRatio") or {}
        if image.get("fullsize"):
            items.append(
                MediaItem(
                    image["fullsize"],
                    "photo",
                    ratio.get("width"),
                    ratio.get("height"),
                    image.get("alt") or None,
                )
            )
    if kind.startswith("app.bsky.embed.video") and embed.get("playlist"):
        ratio = embed.get("aspectRatio") or {}
        items.append(
            MediaItem(
                embed["playlist"],
                "video",
                ratio.get("width"),
                ratio.get("height"),
                embed.get("alt"),
                poster=embed.get("thumbnail"),
            )
        )
    return items


def _quoted(embed: dict[str, Any]) -> str | None:
    record = embed.get("record") or {}
    if str(embed.get("$type", "")).startswith("app.bsky.embed.recordWithMedia"):
        record = record.get("record") or {}
    uri = record.get("uri")
    return post_url(uri) if isinstance(uri, str) else None
