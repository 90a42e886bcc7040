"""The contract every platform recogniser keeps, and the URL helpers they share."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar
from urllib.parse import parse_qs, unquote, urlsplit

from lxml.html import HtmlElement

from ...models import Embed, Platform, PostRef

_STRIP_HOST_PREFIXES = ("www.", "m.", "mobile.", "web.", "old.", "new.", "np.")


@dataclass(frozen=True)
class Selector:
    """Which elements hold an embed: a tag, a class fragment, an attribute (and what it holds).

    Selectors are matched in Python during one pass over the page's elements: libxml2's
    XPath took 5 ms a page to evaluate the same conditions, the Python pass 0.5 ms.
    """

    tag: str = "*"
    class_contains: str | None = None
    attribute: str | None = None
    value_contains: str | None = None

    def matches(self, element: HtmlElement) -> bool:
        if self.tag != "*" and element.tag != self.tag:
            return False
        if self.class_contains and self.class_contains not in (element.get("class") or ""):
            return False
        if self.attribute is None:
            return True
        value = element.get(self.attribute)
        return value is not None and (self.value_contains is None or self.value_contains in value)


@dataclass(frozen=True)
class Url:
    """A URL taken apart the way recognisers need it: bare host, path segments, query."""

    raw: str
    host: str
    path: str
    segments: tuple[str, ...]
    query: dict[str, list[str]]

    @classmethod
    def parse(cls, raw: str) -> Url | None:
        text = raw.strip()
        if text.startswith("//"):
            text = "https:" + text
        elif not re.match(r"^[a-z][a-z0-9+.-]*:", text, re.I):
            text = "https://" + text
        try:
            parts = urlsplit(text)
            host = (parts.hostname or "").lower()
        except ValueError:
            return None
        if parts.scheme.lower() not in ("http", "https", "at") or not host:
            return None
        for prefix in _STRIP_HOST_PREFIXES:
            if host.startswith(prefix) and host.count(".") >= 2:
                host = host[len(prefix) :]
                break
        segments = tuple(unquote(s) for s in parts.path.split("/") if s)
        return cls(text, host, parts.path, segments, parse_qs(parts.query))

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None


class Recogniser:
    """Knows one platform's URLs and embed markup.

    `hosts` lists the bare hosts whose URLs `from_url` understands; `selectors` name the
    elements of an article that `from_element` reads. Both are class attributes so that
    everything about a platform is found in its own file.
    """

    platform: ClassVar[Platform]
    hosts: ClassVar[frozenset[str]] = frozenset()
    selectors: ClassVar[tuple[Selector, ...]] = ()

    def claims(self, element: HtmlElement) -> bool:
        return any(selector.matches(element) for selector in self.selectors)

    def from_url(self, url: Url) -> PostRef | None:
        """Name the post this URL points at, or None when it is not a post URL."""
        raise NotImplementedError

    def from_element(self, element: HtmlElement) -> Embed | None:
        """Read an embed from an element that `xpath` selected."""
        return None

    def ref(self, post_id: str | None, url: str, handle: str | None = None) -> PostRef:
        return PostRef(self.platform, post_id, url, handle)

    def accepts_host(self, host: str) -> bool:
        return host in self.hosts

    def ref_for(self, link: str | None) -> PostRef | None:
        """The post a link names, if it is one of this platform's post links."""
        parsed = Url.parse(link) if link else None
        return self.from_url(parsed) if parsed and self.accepts_host(parsed.host) else None

    def embed_from_links(self, element: HtmlElement, attribute: str, found_by: str) -> Embed | None:
        """The embed named by an attribute holding its permalink, or else by a link inside."""
        ref = self.first_ref([element.get(attribute), *element.xpath(".//a/@href")])
        if ref is None:
            return None
        return Embed(self.platform, ref.post_id, ref.url, found_by, author_handle=ref.author_handle)

    def first_ref(self, links: Iterable[str | None]) -> PostRef | None:
        """The first of these links that names one of this platform's posts."""
        return next((ref for ref in map(self.ref_for, links) if ref), None)


def has_class(element: HtmlElement, name: str) -> bool:
    return name in (element.get("class") or "").split()


def collapse(text: str | None) -> str | None:
    """Whitespace folded to single spaces; None for nothing left."""
    if text is None:
        return None
    folded = " ".join(text.split())
    return folded or None


def media_in(element: HtmlElement) -> list[str]:
    """Absolute image and video URLs that an embed's own markup carries."""
    urls: list[str] = []
    for node in element.iter("img", "video", "source"):
        src = node.get("src") or node.get("data-src") or node.get("poster")
        if src and src.startswith(("http://", "https://", "//")) and src not in urls:
            urls.append(src)
    return urls


def post_links(element: HtmlElement, recogniser: Recogniser) -> list[tuple[PostRef, str]]:
    """Links inside an embed that name one of the platform's posts, with their text.

    Embed code puts the post's own permalink last (on the date) for X and Bluesky, first (on
    the title) for Reddit; other links belong to the text, quoted posts or profiles.
    """
    found = []
    for anchor in element.findall(".//a[@href]"):
        ref = recogniser.ref_for(anchor.get("href"))
        if ref and ref.post_id:
            found.append((ref, anchor.text_content()))
    return found


def text_after(element: HtmlElement, paragraph: HtmlElement | None) -> str:
    """The embed's text after its post paragraph: where the byline sits."""
    whole = element.text_content()
    if paragraph is None:
        return whole
    body = paragraph.text_content()
    position = whole.find(body)
    return whole[position + len(body) :] if position >= 0 else whole
