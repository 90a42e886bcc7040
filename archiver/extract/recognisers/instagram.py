"""Instagram: /p/, /reel/ and /tv/ permalinks, blockquote.instagram-media, amp-instagram."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from ...models import Embed, Platform, PostRef
from .base import Recogniser, Selector, Url, collapse, media_in

_SHORTCODE = re.compile(r"^[A-Za-z0-9_-]{5,64}$")
SHARED_BY = re.compile(
    r"(?:A (?:post|video|photo|reel) shared by|Ein Beitrag geteilt von|Une publication partagée par"
    r"|Una publicación compartida (?:de|por)|Un post condiviso da|Uma publicação compartilhada por"
    r"|Een bericht gedeeld door|Публикация от|Допис від|Post udostępniony przez)\s*"
    r"(?P<name>[^\n()]{0,80}?)\s*\(@(?P<handle>[\w.]{1,30})\)"
)
_KINDS = {"p": "p", "reel": "reel", "reels": "reel", "tv": "tv"}


class InstagramRecogniser(Recogniser):
    platform = Platform.INSTAGRAM
    hosts = frozenset({"instagram.com", "instagr.am"})
    selectors = (Selector("blockquote", "instagram-media"), Selector("amp-instagram"))

    def from_url(self, url: Url) -> PostRef | None:
        seg = url.segments
        # /p/CODE/, /reel/CODE/, and the newer /USER/p/CODE/ form
        for index, part in enumerate(seg[:-1]):
            if part in _KINDS and index <= 1 and _SHORTCODE.match(seg[index + 1]):
                kind = _KINDS[part]
                code = seg[index + 1]
                return self.ref(code, f"https://www.instagram.com/{kind}/{code}/")
        return None

    def from_element(self, element: HtmlElement) -> Embed | None:
        if element.tag == "amp-instagram":
            code = element.get("data-shortcode") or ""
            if not _SHORTCODE.match(code):
                return None
            return Embed(
                self.platform, code, f"https://www.instagram.com/p/{code}/", "html:amp-instagram"
            )
        links = [element.get("data-instgrm-permalink"), *element.xpath(".//a/@href")]
        ref = self.first_ref(links)
        if ref is None:
            return None
        shared = SHARED_BY.search(element.text_content())
        time = element.find(".//time[@datetime]")
        return Embed(
            self.platform,
            ref.post_id,
            ref.url,
            found_by="html:instagram-media",
            author_handle=shared.group("handle") if shared else None,
            author_name=collapse(shared.group("name")) if shared else None,
            published=(time.get("datetime") or "")[:10] or None if time is not None else None,
            text=_caption(element),
            media_urls=media_in(element),
        )


def _caption(element: HtmlElement) -> str | None:
    """The caption paragraph of a captioned embed: not the "View this post" or "shared by" lines."""
    for paragraph in element.iter("p"):
        text = collapse(paragraph.text_content())
        if text and not SHARED_BY.search(text) and "View this post on Instagram" not in text:
            return text
    return None
