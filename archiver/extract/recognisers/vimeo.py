"""Vimeo: vimeo.com/ID and its channel/group/showcase forms, player.vimeo.com/video/ID."""

from __future__ import annotations

from lxml.html import HtmlElement

from ...models import Embed, Platform, PostRef
from .base import Recogniser, Selector, Url


class VimeoRecogniser(Recogniser):
    platform = Platform.VIMEO
    hosts = frozenset({"vimeo.com", "player.vimeo.com"})
    selectors = (Selector("amp-vimeo"), Selector("lite-vimeo"))

    def from_url(self, url: Url) -> PostRef | None:
        seg = url.segments
        if url.host == "player.vimeo.com":
            candidates = seg[1:2] if seg[:1] == ("video",) else ()
        else:
            # vimeo.com/ID, /channels/NAME/ID, /groups/NAME/videos/ID, /showcase/N/video/ID
            candidates = tuple(reversed(seg))[:1] if seg and seg[0] != "user" else ()
        for candidate in candidates:
            if candidate.isdigit():
                return self.ref(candidate, f"https://vimeo.com/{candidate}")
        return None

    def from_element(self, element: HtmlElement) -> Embed | None:
        video_id = element.get("data-videoid") or element.get("videoid")
        if not video_id or not video_id.isdigit():
            return None
        return Embed(
            self.platform, video_id, f"https://vimeo.com/{video_id}", f"html:{element.tag}"
        )
