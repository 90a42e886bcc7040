"""Mastodon: /@USER/ID on any instance (iframes end in /embed), blockquote.mastodon-embed."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from ...models import Embed, Platform, PostRef
from .base import Recogniser, Selector, Url

_USER = re.compile(r"^@[A-Za-z0-9_.]{1,64}(@[A-Za-z0-9.-]{1,253})?$")
_ID = re.compile(r"^\d{1,20}$")


class MastodonRecogniser(Recogniser):
    """Mastodon runs on thousands of hosts, so `from_url` reads the path on any host.

    It is asked only about URLs that embed markup points at (iframes, data-embed-url), never
    about links in running text, which is what keeps `/@user/123` on other sites from matching.
    """

    platform = Platform.MASTODON
    hosts = frozenset()
    selectors = (Selector("blockquote", "mastodon-embed"),)

    def accepts_host(self, host: str) -> bool:
        return True

    def from_url(self, url: Url) -> PostRef | None:
        seg = url.segments[:-1] if url.segments[-1:] == ("embed",) else url.segments
        if len(seg) == 2 and _USER.match(seg[0]) and _ID.match(seg[1]):
            user, status_id = seg
        elif len(seg) == 4 and seg[0] == "users" and seg[2] == "statuses" and _ID.match(seg[3]):
            user, status_id = f"@{seg[1]}", seg[3]
        else:
            return None
        post_url = f"https://{url.host}/{user}/{status_id}"
        return self.ref(f"{url.host}/{user}/{status_id}", post_url, user[1:])

    def from_element(self, element: HtmlElement) -> Embed | None:
        return self.embed_from_links(element, "data-embed-url", "html:mastodon-embed")
