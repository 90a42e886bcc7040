"""X/Twitter: the syndication endpoint embeds use, then oEmbed, then the embed page.

    syndication   cdn.syndication.twimg.com/tweet-result?id=ID&token=T   tweet JSON or tombstone
    oembed        publish.twitter.com/oembed?url=…                          the blockquote markup
    embed_page    platform.twitter.com/embed/Tweet.html?id=ID               its __NEXT_DATA__ JSON

A post known only by a pic.twitter.com or t.co link (a flattened embed) is first resolved by
following the link's redirects to /HANDLE/status/ID/photo/1.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any
from urllib.parse import urlencode

import lxml.html

from ..errors import FailureReason, ParseError
from ..extract.recognisers import recognise_url
from ..extract.recognisers.twitter import TwitterRecogniser, status_url
from ..models import CaptureStatus, Embed, MediaItem, Platform, PlatformCapture, PostRef
from .base import Adapter, CaptureContext, Response, outcome
from .common import http_failure
from .endpoints import ENDPOINTS
from .jsnumber import to_radix_string
from .walls import blocked, why_empty

_NEXT_DATA = re.compile(r'<script id="__NEXT_DATA__"[^>]*>(.*?)</script>', re.S)
_TOMBSTONES = (
    ("deleted", FailureReason.DELETED),
    ("violated", FailureReason.DELETED),
    ("limits who can view", FailureReason.PROTECTED),
    ("protected", FailureReason.PROTECTED),
    ("suspended", FailureReason.SUSPENDED),
    ("withheld", FailureReason.WITHHELD),
    ("age-restricted", FailureReason.AGE_GATED),
    ("adult content", FailureReason.AGE_GATED),
)
_SHORT_LINK_HOSTS = ("pic.twitter.com", "pic.x.com", "t.co")


def syndication_token(tweet_id: str) -> str:
    """The token the embed widget sends: ((id / 1e15) * π) in base 36, zeros and dot removed."""
    value = (float(int(tweet_id)) / 1e15) * math.pi
    return re.sub(r"(0+|\.)", "", to_radix_string(value, 36))


class TwitterAdapter(Adapter):
    platform = Platform.TWITTER
    methods = ("syndication", "oembed", "embed_page")

    def run_chain(
        self, target: Embed, context: CaptureContext, names: list[str]
    ) -> PlatformCapture:
        if target.post_id:
            return super().run_chain(target, context, names)
        resolved = self.resolve(target, context)
        if isinstance(resolved, PlatformCapture):
            return resolved
        post = Embed(
            self.platform, resolved.post_id, resolved.url, target.found_by, resolved.author_handle
        )
        result = super().run_chain(post, context, names)
        result.resolved = resolved
        return result

    def resolve(self, target: Embed, context: CaptureContext) -> PostRef | PlatformCapture:
        """Follow a pic.twitter.com or t.co link until a hop names the status it belongs to."""
        if not target.url or not any(host in target.url for host in _SHORT_LINK_HOSTS):
            return outcome("resolve", FailureReason.NO_URL, "no status id and no short link")
        response = context.get(target.url)
        exchange = response.exchange
        for url in [hop.location for hop in exchange.redirects] + [exchange.final_url or ""]:
            ref = recognise_url(url) if url else None
            if ref is not None and ref.post_id:
                return ref
        reason = blocked(response) or FailureReason.NOT_FOUND
        return outcome("resolve", reason, f"{target.url} did not lead to a status")

    def syndication(self, target: Embed, context: CaptureContext) -> PlatformCapture:
        tweet_id = target.post_id or ""
        query = urlencode({"id": tweet_id, "token": syndication_token(tweet_id), "lang": "en"})
        response = context.get(f"{ENDPOINTS['twitter.syndication']}?{query}")
        failure = http_failure("syndication", response)
        if failure:
            return failure
        if not response.exchange.body.strip():
            return outcome("syndication", FailureReason.NOT_FOUND, "empty answer")
        return tweet_capture(response.json(), "syndication", response)

    def oembed(self, target: Embed, context: CaptureContext) -> PlatformCapture:
        post_url = status_url(target.author_handle, target.post_id or "")
        query = urlencode({"url": post_url, "omit_script": "true", "dnt": "true"})
        response = context.get(f"{ENDPOINTS['twitter.oembed']}?{query}")
        if response.status == 403:
            return outcome("oembed", FailureReason.PROTECTED, "oEmbed answered 403")
        failure = http_failure("oembed", response)
        if failure:
            return failure
        data = response.json()
        if not isinstance(data, dict) or not isinstance(data.get("html"), str):
            raise ParseError("oEmbed answer has no html", response.exchange.url)
        markup = lxml.html.fragment_fromstring(data["html"], create_parent="div")
        quote = markup.find(".//blockquote")
        embed = TwitterRecogniser().from_element(quote) if quote is not None else None
        if embed is None or embed.post_id != target.post_id:
            raise ParseError("oEmbed html holds no blockquote for this post", response.exchange.url)
        return PlatformCapture(
            CaptureStatus.OK,
            "oembed",
            canonical_url=embed.url,
            post_id=embed.post_id,
            author_handle=embed.author_handle,
            author_name=data.get("author_name") or embed.author_name,
            published=embed.published,
            text=embed.text,
        )

    def embed_page(self, target: Embed, context: CaptureContext) -> PlatformCapture:
        query = urlencode({"id": target.post_id or ""})
        response = context.get(f"{ENDPOINTS['twitter.embed_page']}?{query}")
        failure = http_failure("embed_page", response)
        if failure:
            return failure
        found = _NEXT_DATA.search(response.text)
        tweet = _find_tweet(_json_or_none(found.group(1)) if found else None)
        if tweet is None:
            return outcome("embed_page", why_empty(response), "no tweet data in the embed page")
        return tweet_capture(tweet, "embed_page", response)


def tweet_capture(data: Any, method: str, response: Response) -> PlatformCapture:
    """Read the tweet JSON that syndication and the embed page share."""
    if not isinstance(data, dict):
        raise ParseError("tweet answer is not an object", response.exchange.url)
    if not data:  # what the endpoint answers for an id that never existed
        return outcome(method, FailureReason.NOT_FOUND, "empty answer")
    if data.get("__typename") == "TweetTombstone":
        text = _tombstone_text(data)
        reason = next(
            (r for word, r in _TOMBSTONES if word in text.lower()), FailureReason.NOT_FOUND
        )
        return outcome(method, reason, text or "tombstone without text")
    tweet_id = data.get("id_str")
    if not isinstance(tweet_id, str) or not isinstance(data.get("text"), str):
        raise ParseError("tweet answer has no id_str or text", response.exchange.url)
    user = data.get("user") if isinstance(data.get("user"), dict) else {}
    handle = user.get("screen_name")
    counts = {
        k: data[k] for k in ("favorite_count", "conversation_count", "retweet_count") if k in data
    }
    edits = (data.get("edit_control") or {}).get("edit_tweet_ids")
    if edits:
        counts["edit_tweet_ids"] = edits
    return PlatformCapture(
        CaptureStatus.OK,
        method,
        canonical_url=status_url(handle, tweet_id),
        post_id=tweet_id,
        author_handle=handle,
        author_name=user.get("name"),
        published=data.get("created_at"),
        text=data["text"],
        lang=data.get("lang"),
        media=tweet_media(data),
        counts=counts,
        quoted_url=_other_tweet(data.get("quoted_tweet")),
        reply_to_url=_reply_to(data),
    )


def tweet_media(data: dict[str, Any]) -> list[MediaItem]:
    items: list[MediaItem] = []
    for detail in data.get("mediaDetails") or []:
        still = detail.get("media_url_https")
        info = detail.get("original_info") or {}
        size = (info.get("width"), info.get("height"))
        alt = detail.get("ext_alt_text")
        if detail.get("type") == "photo" and still:
            items.append(MediaItem(original_size(still), "photo", *size, alt=alt))
        elif detail.get("type") in ("video", "animated_gif"):
            variants = (detail.get("video_info") or {}).get("variants") or []
            mp4 = [v for v in variants if v.get("content_type") == "video/mp4" and v.get("url")]
            best = max(mp4, key=lambda v: v.get("bitrate") or 0)["url"] if mp4 else still
            kind = "video" if detail["type"] == "video" else "gif"
            if best:
                poster = original_size(still) if still else None
                items.append(
                    MediaItem(best, kind, *size, alt=alt, poster=poster, variants=variants)
                )
    if not items:  # older answers list photos only
        for photo in data.get("photos") or []:
            if photo.get("url"):
                items.append(
                    MediaItem(
                        original_size(photo["url"]),
                        "photo",
                        photo.get("width"),
                        photo.get("height"),
                    )
                )
    return items


def original_size(url: str) -> str:
    """pbs.twimg.com/media/ID.jpg → …/media/ID?format=jpg&name=orig (the full-size file)."""
    match = re.match(r"^(https://pbs\.twimg\.com/media/[\w-]+)\.(\w+)$", url)
    return f"{match.group(1)}?format={match.group(2)}&name=orig" if match else url


def _tombstone_text(data: dict[str, Any]) -> str:
    tombstone = data.get("tombstone") or {}
    text = tombstone.get("text") if isinstance(tombstone, dict) else None
    if isinstance(text, dict):
        text = text.get("text")
    return text if isinstance(text, str) else ""


def _other_tweet(data: Any) -> str | None:
    if isinstance(data, dict) and isinstance(data.get("id_str"), str):
        user = data.get("user") if isinstance(data.get("user"), dict) else {}
        return status_url(user.get("screen_name"), data["id_str"])
    return None


def _reply_to(data: dict[str, Any]) -> str | None:
    parent = _other_tweet(data.get("parent"))
    reply_id = data.get("in_reply_to_status_id_str")
    if parent or not isinstance(reply_id, str):
        return parent
    return status_url(data.get("in_reply_to_screen_name"), reply_id)


def _json_or_none(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _find_tweet(data: Any) -> dict[str, Any] | None:
    """The tweet object inside the embed page's Next.js data, wherever it is nested."""
    if isinstance(data, dict):
        if data.get("__typename") in ("Tweet", "TweetTombstone") or (
            "id_str" in data and "text" in data and "user" in data
        ):
            return data
        children = list(data.values())
    elif isinstance(data, list):
        children = data
    else:
        return None
    for child in children:
        found = _find_tweet(child)
        if found is not None:
            return found
    return None
