"""Telegram: the public widget page of one post, then the channel's web preview.

    embed_page   t.me/CHANNEL/ID?embed=1   one div.tgme_widget_message, or "Post not found"
    preview      t.me/s/CHANNEL/ID         the channel's recent posts around ID

Both pages share the message markup: author in .tgme_widget_message_owner_name, text in
.tgme_widget_message_text, time[datetime], photos as CSS background-image URLs on
.tgme_widget_message_photo_wrap, videos as <video src>, views as .tgme_widget_message_views.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from ..errors import FailureReason
from ..extract.html import parse_html
from ..extract.recognisers.base import collapse
from ..models import CaptureStatus, Embed, MediaItem, Platform, PlatformCapture
from .base import Adapter, CaptureContext, Response, outcome
from .common import http_failure
from .endpoints import ENDPOINTS
from .walls import why_empty

_BACKGROUND = re.compile(r"background-image:\s*url\(['\"]?([^'\")]+)['\"]?\)")
_NOT_FOUND = ("post not found", "message not found", "channel is private")


class TelegramAdapter(Adapter):
    platform = Platform.TELEGRAM
    methods = ("embed_page", "preview")

    def embed_page(self, target: Embed, context: CaptureContext) -> PlatformCapture:
        response = context.get(f"{ENDPOINTS['telegram']}/{target.post_id}?embed=1&mode=tme")
        return self._read(response, "embed_page", target)

    def preview(self, target: Embed, context: CaptureContext) -> PlatformCapture:
        response = context.get(f"{ENDPOINTS['telegram']}/s/{target.post_id}")
        return self._read(response, "preview", target)

    def _read(self, response: Response, method: str, target: Embed) -> PlatformCapture:
        failure = http_failure(method, response, {404: FailureReason.NOT_FOUND})
        if failure:
            return failure
        doc = parse_html(response.text)
        if doc is None:
            return outcome(method, why_empty(response), "empty page")
        post_id = (target.post_id or "").lower()
        for block in doc.find_class("tgme_widget_message"):
            if (post_of(block) or "").lower() == post_id:
                return read_message(block, method)
        error = doc.find_class("tgme_widget_message_error")
        message = collapse(error[0].text_content()) if error else None
        if message and any(text in message.lower() for text in _NOT_FOUND):
            return outcome(method, FailureReason.DELETED, message)
        return outcome(method, why_empty(response), message or f"no message {target.post_id}")


def post_of(block: HtmlElement) -> str | None:
    """CHANNEL/ID of a message block: data-post on current pages, the date link on older ones."""
    if block.get("data-post"):
        return str(block.get("data-post"))
    for link in block.find_class("tgme_widget_message_date"):
        path = urlsplit(link.get("href") or "").path.strip("/")
        if path.count("/") == 1:
            return path
    return None


def read_message(block: HtmlElement, method: str) -> PlatformCapture:
    channel, _, message_id = (post_of(block) or "").partition("/")
    owner = _first(block, "tgme_widget_message_owner_name")
    text = _first(block, "tgme_widget_message_text")
    views = _first(block, "tgme_widget_message_views")
    time = block.find(".//time[@datetime]")
    reply = _first(block, "tgme_widget_message_reply")
    return PlatformCapture(
        CaptureStatus.OK,
        method,
        canonical_url=f"https://t.me/{channel}/{message_id}",
        post_id=f"{channel}/{message_id}",
        author_handle=channel,
        author_name=collapse(owner.text_content()) if owner is not None else None,
        published=time.get("datetime") if time is not None else None,
        text=_text(text) if text is not None else None,
        media=_media(block),
        counts={"views": collapse(views.text_content())} if views is not None else {},
        reply_to_url=reply.get("href") if reply is not None else None,
    )


def _first(block: HtmlElement, css_class: str) -> HtmlElement | None:
    found = block.find_class(css_class)
    return found[0] if found else None


def _text(element: HtmlElement) -> str | None:
    """The message text with its line breaks (the parser turned each <br> into a newline)."""
    lines = [" ".join(line.split()) for line in element.text_content().splitlines()]
    return "\n".join(line for line in lines if line) or None


def _media(block: HtmlElement) -> list[MediaItem]:
    items: list[MediaItem] = []
    for wrap in block.find_class("tgme_widget_message_photo_wrap"):
        found = _BACKGROUND.search(wrap.get("style") or "")
        if found:
            items.append(MediaItem(found.group(1), "photo"))
    for video in block.iter("video"):
        if video.get("src"):
            player = next(
                (a for a in video.iterancestors() if "video_player" in (a.get("class") or "")), None
            )
            thumbs = (
                player.find_class("tgme_widget_message_video_thumb") if player is not None else []
            )
            poster = _BACKGROUND.search(thumbs[0].get("style") or "") if thumbs else None
            items.append(
                MediaItem(video.get("src"), "video", poster=poster.group(1) if poster else None)
            )
    return items
