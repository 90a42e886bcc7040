"""TikTok: /@USER/video/ID, /embed/v2/ID, blockquote.tiktok-embed, amp-tiktok."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from ...models import Embed, Platform, PostRef
from .base import Recogniser, Selector, Url, collapse, media_in

_ID = re.compile(r"^\d{8,25}$")


def video_url(handle: str | None, video_id: str) -> str:
    if handle:
        return f"https://www.tiktok.com/@{handle}/video/{video_id}"
    return f"https://www.tiktok.com/embed/v2/{video_id}"


class TikTokRecogniser(Recogniser):
    platform = Platform.TIKTOK
    hosts = frozenset({"tiktok.com"})
    selectors = (Selector("blockquote", "tiktok-embed"), Selector("amp-tiktok"))

    def from_url(self, url: Url) -> PostRef | None:
        seg = url.segments
        is_video = len(seg) >= 3 and seg[0].startswith("@") and seg[1] in ("video", "photo")
        if is_video and _ID.match(seg[2]):
            return self.ref(seg[2], video_url(seg[0][1:], seg[2]), seg[0][1:])
        if seg[:1] == ("embed",) and seg and _ID.match(seg[-1]):
            return self.ref(seg[-1], video_url(None, seg[-1]))
        return None

    def from_element(self, element: HtmlElement) -> Embed | None:
        ref = self.first_ref([element.get("cite"), element.get("data-src")])
        video_id = element.get("data-video-id")
        if ref is None and video_id and _ID.match(video_id):
            ref = self.ref(video_id, video_url(None, video_id))
        if ref is None:
            return None
        handle = ref.author_handle
        return Embed(
            self.platform,
            ref.post_id,
            ref.url,
            found_by=f"html:{'amp-tiktok' if element.tag == 'amp-tiktok' else 'tiktok-embed'}",
            author_handle=handle,
            text=_caption(element, handle),
            media_urls=media_in(element),
        )


def _caption(element: HtmlElement, handle: str | None) -> str | None:
    """The section's text without the leading @handle and the trailing ♬ sound credit."""
    section = element.find(".//section")
    if section is None:
        return None
    text = collapse(section.text_content()) or ""
    if handle and text.startswith(f"@{handle}"):
        text = text[len(handle) + 1 :]
    return collapse(text.split("♬")[0])
