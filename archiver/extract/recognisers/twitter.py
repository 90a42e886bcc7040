"""X/Twitter: status URLs on twitter.com and x.com, blockquote.twitter-tweet, rendered iframes."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from ...models import Embed, Platform, PostRef
from ..bylines import find_byline
from ..dates import parse_date
from .base import Recogniser, Selector, Url, collapse, has_class, media_in, post_links, text_after

_HANDLE = re.compile(r"^[A-Za-z0-9_]{1,15}$")
_ID = re.compile(r"^\d{1,20}$")


def status_url(handle: str | None, post_id: str) -> str:
    return f"https://twitter.com/{handle or 'i'}/status/{post_id}"


class TwitterRecogniser(Recogniser):
    platform = Platform.TWITTER
    hosts = frozenset(
        {"twitter.com", "x.com", "pic.twitter.com", "pic.x.com", "platform.twitter.com"}
    )
    # twitter-tweet and twitter-video from the embed code; publishers' own renderings
    # (BuzzFeed's subbuzz-tweet) also name their blockquotes after tweets.
    selectors = (
        Selector("blockquote", "tweet"),
        Selector(attribute="data-tweet-id"),
        Selector("amp-twitter"),
    )

    def from_url(self, url: Url) -> PostRef | None:
        seg = url.segments
        if url.host in ("pic.twitter.com", "pic.x.com") and len(seg) == 1:
            return self.ref(None, f"https://pic.twitter.com/{seg[0]}")
        if url.host == "platform.twitter.com":
            tweet_id = url.param("id")
            return self.ref(tweet_id, status_url(None, tweet_id)) if tweet_id else None
        # /HANDLE/status/ID[/photo/1], /i/web/status/ID, /i/status/ID, /statuses/ID
        for index, part in enumerate(seg[:-1]):
            if part in ("status", "statuses") and _ID.match(seg[index + 1]):
                handle = seg[0] if index == 1 and _HANDLE.match(seg[0]) else None
                if handle == "i":
                    handle = None
                return self.ref(seg[index + 1], status_url(handle, seg[index + 1]), handle)
        return None

    def from_element(self, element: HtmlElement) -> Embed | None:
        if element.tag == "blockquote":
            return self._blockquote(element)
        tweet_id = element.get("data-tweet-id") or element.get("data-tweetid")
        if not tweet_id or not _ID.match(tweet_id):
            return None
        found_by = "html:amp-twitter" if element.tag == "amp-twitter" else "html:twitter-iframe"
        embed = Embed(self.platform, tweet_id, status_url(None, tweet_id), found_by=found_by)
        # amp-twitter keeps the embed code's blockquote inside as its placeholder
        placeholder = element.find(".//blockquote")
        inner = self._blockquote(placeholder) if placeholder is not None else None
        if inner is not None and inner.post_id == tweet_id:
            inner.found_by = found_by
            return inner
        return embed

    def _blockquote(self, element: HtmlElement) -> Embed | None:
        """Read the markup the embed code generator writes.

        <blockquote class="twitter-tweet"><p>TEXT <a>pic.twitter.com/x</a></p>&mdash; NAME
        (@HANDLE) <a href="https://twitter.com/HANDLE/status/ID?ref_src=...">May 22, 2023</a>
        </blockquote>. The status link is the last one; earlier ones are inside the text.
        """
        links = post_links(element, self)
        if not links:
            return None
        ref, date_text = links[-1]
        paragraph = element.find(".//p")
        text = collapse(paragraph.text_content()) if paragraph is not None else None
        byline = find_byline(text_after(element, paragraph))
        handle = byline.handle if byline else ref.author_handle
        kind = "html:twitter-video" if has_class(element, "twitter-video") else "html:twitter-tweet"
        return Embed(
            self.platform,
            ref.post_id,
            status_url(handle, ref.post_id or ""),
            found_by=kind,
            author_handle=handle,
            author_name=byline.name if byline else _display_name(element),
            published=parse_date(date_text) or (byline.published if byline else None),
            text=text,
            media_urls=media_in(element),
        )


def _display_name(element: HtmlElement) -> str | None:
    """The author's name in publishers' own tweet markup (class "…display-name")."""
    named = element.xpath(".//*[contains(@class, 'display-name') or contains(@class, 'fullname')]")
    return collapse(named[0].text_content()) if named else None
