"""YouTube: watch, youtu.be, /embed/, nocookie, shorts and live URLs; lite-youtube, amp-youtube."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from ...models import Embed, Platform, PostRef
from .base import Recogniser, Selector, Url

_VIDEO_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")


def watch_url(video_id: str) -> str:
    return f"https://www.youtube.com/watch?v={video_id}"


class YouTubeRecogniser(Recogniser):
    platform = Platform.YOUTUBE
    hosts = frozenset({"youtube.com", "youtu.be", "youtube-nocookie.com", "music.youtube.com"})
    # Click-to-load facades (lite-youtube, WP Rocket, consent placeholders) carry only the id.
    selectors = (
        Selector("lite-youtube"),
        Selector("amp-youtube"),
        Selector(attribute="data-youtube-id"),
        Selector(attribute="data-yt-video-token"),
        Selector("div", "youtube", "data-id"),
        Selector("div", "youtube", "data-video-id"),
        Selector("div", "youtube", "data-videoid"),
    )
    id_attributes = (
        "videoid", "data-videoid", "data-youtube-id", "data-yt-video-token", "data-video-id",
        "data-id",
    )  # fmt: skip

    def from_url(self, url: Url) -> PostRef | None:
        seg = url.segments
        video_id = None
        if url.host == "youtu.be" and seg:
            video_id = seg[0]
        elif seg[:1] == ("watch",):
            video_id = url.param("v")
        elif len(seg) >= 2 and seg[0] in ("embed", "shorts", "live", "v", "e"):
            video_id = seg[1]
        if video_id and _VIDEO_ID.match(video_id) and video_id != "videoseries":
            return self.ref(video_id, watch_url(video_id))
        return None

    def from_element(self, element: HtmlElement) -> Embed | None:
        video_id = next((v for a in self.id_attributes if (v := element.get(a))), None)
        if not video_id or not _VIDEO_ID.match(video_id):
            return None
        title = element.get("videotitle") or element.get("playlabel") or element.get("title")
        return Embed(
            self.platform,
            video_id,
            watch_url(video_id),
            found_by=f"html:{element.tag if element.tag != 'div' else 'youtube-facade'}",
            text=title or None,
        )
