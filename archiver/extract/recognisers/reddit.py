"""Reddit: /r/SUB/comments/ID/ on any subdomain, redd.it/ID, reddit-embed-bq and reddit-card."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from ...models import Embed, Platform, PostRef
from .base import Recogniser, Selector, Url, collapse, post_links

_ID = re.compile(r"^[a-z0-9]{4,10}$")


class RedditRecogniser(Recogniser):
    platform = Platform.REDDIT
    hosts = frozenset({"reddit.com", "embed.reddit.com", "redd.it", "redditmedia.com"})
    selectors = (Selector("blockquote", "reddit-embed-bq"), Selector("blockquote", "reddit-card"))

    def from_url(self, url: Url) -> PostRef | None:
        seg = url.segments
        if url.host == "redd.it" and len(seg) == 1 and _ID.match(seg[0]):
            return self.ref(seg[0], f"https://www.reddit.com/comments/{seg[0]}/")
        for index, part in enumerate(seg[:-1]):
            if part == "comments" and _ID.match(seg[index + 1]):
                post_id = seg[index + 1]
                sub = f"r/{seg[1]}/" if index >= 2 and seg[0] == "r" else ""
                return self.ref(post_id, f"https://www.reddit.com/{sub}comments/{post_id}/")
        return None

    def from_element(self, element: HtmlElement) -> Embed | None:
        links = post_links(element, self)
        if not links:
            return None
        ref, title = links[0]
        users = [
            href.rstrip("/").split("/")[-1]
            for href in element.xpath(".//a/@href")
            if re.search(r"reddit\.com/(?:u|user)/[\w-]+/?$", href)
        ]
        return Embed(
            self.platform,
            ref.post_id,
            ref.url,
            found_by="html:reddit-embed",
            author_handle=users[0] if users else None,
            text=collapse(title),
        )
