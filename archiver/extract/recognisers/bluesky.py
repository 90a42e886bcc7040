"""Bluesky: bsky.app/profile/AUTHORITY/post/RKEY, at:// URIs, blockquote.bluesky-embed."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from ...models import Embed, Platform, PostRef
from ..bylines import find_byline
from ..dates import parse_date
from .base import Recogniser, Selector, Url, collapse, media_in, post_links, text_after

_RKEY = re.compile(r"^[A-Za-z0-9._:~-]{1,512}$")


class BlueskyRecogniser(Recogniser):
    platform = Platform.BLUESKY
    hosts = frozenset({"bsky.app", "staging.bsky.app", "embed.bsky.app"})
    selectors = (Selector("blockquote", "bluesky-embed"),)

    def from_url(self, url: Url) -> PostRef | None:
        seg = url.segments
        if len(seg) >= 4 and seg[0] == "profile" and seg[2] == "post":
            return self.post(seg[1], seg[3])
        if url.host == "embed.bsky.app" and len(seg) >= 4 and seg[0] == "embed":
            return self.post(seg[1], seg[3])  # /embed/DID/app.bsky.feed.post/RKEY
        return None

    def from_at_uri(self, uri: str) -> PostRef | None:
        # at://did:plc:xyz/app.bsky.feed.post/RKEY
        parts = uri.removeprefix("at://").split("/")
        if len(parts) == 3 and parts[1] == "app.bsky.feed.post":
            return self.post(parts[0], parts[2])
        return None

    def post(self, authority: str, rkey: str) -> PostRef | None:
        if not authority or not _RKEY.match(rkey):
            return None
        handle = None if authority.startswith("did:") else authority
        post_url = f"https://bsky.app/profile/{authority}/post/{rkey}"
        return self.ref(f"{authority}/{rkey}", post_url, handle)

    def from_element(self, element: HtmlElement) -> Embed | None:
        ref = self.from_at_uri(element.get("data-bluesky-uri") or "")
        links = post_links(element, self)
        date_text = links[-1][1] if links else None
        ref = ref or (links[-1][0] if links else None)
        if ref is None:
            return None
        paragraph = element.find(".//p")
        byline = find_byline(text_after(element, paragraph))
        return Embed(
            self.platform,
            ref.post_id,
            ref.url,
            found_by="html:bluesky-embed",
            author_handle=byline.handle if byline else None,
            author_name=byline.name if byline else None,
            published=parse_date(date_text) or (byline.published if byline else None),
            text=collapse(paragraph.text_content()) if paragraph is not None else None,
            media_urls=media_in(element),
        )
