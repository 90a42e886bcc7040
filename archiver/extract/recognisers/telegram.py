"""Telegram: t.me/CHANNEL/ID (also /s/ and ?embed=1), the widget script's data-telegram-post."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from ...models import Embed, Platform, PostRef
from .base import Recogniser, Selector, Url

_CHANNEL = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$")
_NOT_CHANNELS = {"s", "c", "joinchat", "addstickers", "share", "proxy", "iv", "login"}


class TelegramRecogniser(Recogniser):
    platform = Platform.TELEGRAM
    hosts = frozenset({"t.me", "telegram.me", "telegram.dog"})
    selectors = (Selector(attribute="data-telegram-post"),)

    def from_url(self, url: Url) -> PostRef | None:
        seg = url.segments[1:] if url.segments[:1] == ("s",) else url.segments
        if len(seg) >= 2 and seg[0] not in _NOT_CHANNELS:
            return self.post(seg[0], seg[1])
        return None

    def post(self, channel: str, message_id: str) -> PostRef | None:
        if not (_CHANNEL.match(channel) and message_id.isdigit()):
            return None
        return self.ref(f"{channel}/{message_id}", f"https://t.me/{channel}/{message_id}")

    def from_element(self, element: HtmlElement) -> Embed | None:
        channel, _, message_id = (element.get("data-telegram-post") or "").strip().partition("/")
        ref = self.post(channel, message_id)
        if ref is None:
            return None
        return Embed(self.platform, ref.post_id, ref.url, found_by="html:telegram-widget")
