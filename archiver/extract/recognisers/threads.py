"""Threads: threads.net and threads.com /@USER/post/CODE, blockquote.text-post-media."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from ...models import Embed, Platform, PostRef
from .base import Recogniser, Selector, Url

_SHORTCODE = re.compile(r"^[A-Za-z0-9_-]{5,64}$")


class ThreadsRecogniser(Recogniser):
    platform = Platform.THREADS
    hosts = frozenset({"threads.net", "threads.com"})
    selectors = (Selector("blockquote", "text-post-media"),)

    def from_url(self, url: Url) -> PostRef | None:
        seg = url.segments
        is_post = len(seg) >= 3 and seg[0].startswith("@") and seg[1] == "post"
        if is_post and _SHORTCODE.match(seg[2]):
            post_url = f"https://www.threads.net/{seg[0]}/post/{seg[2]}"
            return self.ref(seg[2], post_url, seg[0][1:])
        return None

    def from_element(self, element: HtmlElement) -> Embed | None:
        return self.embed_from_links(element, "data-text-post-permalink", "html:threads-embed")
