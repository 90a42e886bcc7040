"""YouTube: watch, youtu.be, /embed/, nocookie, shorts and live URLs; lite-youtube, amp-youtube."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from ...models import Embed, Platform, PostRef
from .base import Recogniser, Url

_VIDEO_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")


def watch_url(video_id: str) -> str:
    return f"https://www.youtube.com/watch?v={video_id}"


class YouTubeRecogniser(Recogniser):
    platform = Platform.YOUTUBE
    hosts = frozenset({"youtube.com", "youtu.be", "youtube-nocookie.com", "music.youtube.com"})
    xpath = "//lite-youtube | //amp-youtube"

    def from_url(self, url: Url) -> PostRef | None:
        seg = url.segments
        video_id = None
        if url.host == "youtu.be" and seg:
            video_id = seg[0]
        elif seg[:1] == ("watch",):
            video_id = url.param("v")
        elif len(seg) >= 2 and seg[0] in ("embed", "shorts", "live", "v", "e"):
            video_id = seg[1]
        if video_id and _VIDEO_ID.match(video_id):
            return self.ref(video_id, watch_url(video_id))
        return None

    def from_element(self, element: HtmlElement) -> Embed | None:
        video_id = element.get("videoid") or element.get("data-videoid")
        if not video_id or not _VIDEO_ID.match(video_id):
            return None
        title = element.get("videotitle") or element.get("playlabel") or element.get("title")
        return Embed(
            self.platform,
            video_id,
            watch_url(video_id),
            found_by=f"html:{element.tag}",
            text=title or None,
        )
