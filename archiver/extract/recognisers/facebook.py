"""Facebook: post, video, photo and permalink URLs, div.fb-post/fb-video, plugins/*.php iframes."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from lxml.html import HtmlElement

from ...models import Embed, Platform, PostRef
from ..dates import parse_date
from .base import Recogniser, Selector, Url, collapse

# Where a Facebook URL keeps its numeric id: a path segment after one of these words, or a
# query parameter of one of these pages.
_ID_AFTER = {"posts", "videos", "reel", "photos", "permalink", "watch", "story"}
_ID_PARAMS = {
    "photo.php": "fbid",
    "photo": "fbid",
    "permalink.php": "story_fbid",
    "story.php": "story_fbid",
    "watch": "v",
    "video.php": "v",
}
_POSTED_BY = re.compile(r"Posted by (?P<name>.{1,80}?) on (?P<date>.{6,60})$")
_NOT_POSTS = {"sharer", "sharer.php", "share.php", "dialog", "tr", "login", "groups", "events"}


class FacebookRecogniser(Recogniser):
    platform = Platform.FACEBOOK
    hosts = frozenset({"facebook.com", "fb.watch", "fb.com"})
    selectors = (
        Selector("div", "fb-post", "data-href"),
        Selector("div", "fb-video", "data-href"),
        Selector("amp-facebook"),
    )

    def from_url(self, url: Url) -> PostRef | None:
        seg = url.segments
        if seg[:1] == ("plugins",):
            inner = Url.parse(url.param("href") or "")
            return self.from_url(inner) if inner and inner.host in self.hosts else None
        if not seg or seg[0] in _NOT_POSTS:
            return None
        if url.host == "fb.watch" or seg[0] == "share":
            return self.by_url(_clean(url, keep=None))
        param = _ID_PARAMS.get(seg[-1]) if len(seg) <= 2 else None
        if param and (url.param(param) or "").isdigit():
            return self.ref(url.param(param), _clean(url, keep=param))
        # "posts/10155784647048442:0" carries a sub-story index after the id
        ids = [s.split(":")[0] for s in seg]
        numeric = [s for i, s in enumerate(ids) if i and seg[i - 1] in _ID_AFTER and s.isdigit()]
        if seg[-1].isdigit() and len(seg) >= 3 and seg[-3] == "photos":
            numeric.append(seg[-1])  # /PAGE/photos/a.ALBUM/ID/
        if numeric:
            return self.ref(numeric[-1], _clean(url, keep=None))
        if len(seg) >= 3 and seg[1] in ("posts", "videos"):
            return self.by_url(_clean(url, keep=None))  # pfbid… ids are not numeric
        return None

    def by_url(self, url: str) -> PostRef:
        """Posts whose URL carries no numeric id are known by the URL itself."""
        return self.ref(url, url)

    def from_element(self, element: HtmlElement) -> Embed | None:
        ref = self.first_ref([element.get("data-href")])
        if ref is None:
            return None
        found_by = "html:amp-facebook" if element.tag == "amp-facebook" else "html:fb-post"
        # The fallback markup inside: <p>TEXT</p>Posted by <a>NAME</a> on <a>DATE</a>
        posted = _POSTED_BY.search(" ".join(element.text_content().split()))
        paragraph = element.find(".//p")
        return Embed(
            self.platform,
            ref.post_id,
            ref.url,
            found_by=found_by,
            author_name=posted.group("name") if posted else None,
            published=parse_date(posted.group("date")) if posted else None,
            text=collapse(paragraph.text_content()) if paragraph is not None else None,
        )


def _clean(url: Url, keep: str | None) -> str:
    """The URL without tracking noise: no fragment, no query but the parameters naming the post."""
    host = "www.facebook.com" if url.host in ("facebook.com", "fb.com") else url.host
    names = (keep, "id") if keep else ()
    kept = {name: url.param(name) for name in names if url.param(name)}
    return f"https://{host}{url.path}" + (f"?{urlencode(kept)}" if kept else "")
