"""Instagram, Facebook and Threads: oEmbed, the embed page, then the article's own markup.

Their oEmbed endpoints want an access token and their pages a login, so often the only
record is what the article's embed markup carried: that is stored as a capture of kind
`embed-markup`, marked as taken from the article, never as the platform's word.

    oembed        graph.facebook.com/…/instagram_oembed, …/oembed_post (token-gated)
    embed_page    instagram.com/p/CODE/embed/captioned/, facebook.com/plugins/post.php?href=…,
                  threads.net/@USER/post/CODE/embed
    embed_markup  the blockquote the article carried
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from lxml.html import HtmlElement

from ..errors import FailureReason
from ..extract.html import parse_html
from ..extract.recognisers.base import collapse
from ..models import CaptureStatus, Embed, MediaItem, Platform, PlatformCapture
from .base import Adapter, CaptureContext, outcome
from .common import embed_markup, http_failure, oembed_capture, page_meta
from .endpoints import ENDPOINTS
from .walls import why_empty

# Graph API errors without a token come back as 400 with an OAuthException.
_OEMBED_STATUSES = {
    400: FailureReason.AUTH_REQUIRED,
    401: FailureReason.AUTH_REQUIRED,
    403: FailureReason.AUTH_REQUIRED,
    404: FailureReason.NOT_FOUND,
}


class _MetaAdapter(Adapter):
    """The shared chain; each platform names its oEmbed endpoint and reads its embed page."""

    methods = ("oembed", "embed_page", "embed_markup")

    def oembed_endpoint(self, target: Embed) -> str | None:
        return None

    def oembed(self, target: Embed, context: CaptureContext) -> PlatformCapture:
        endpoint = self.oembed_endpoint(target)
        if endpoint is None:
            return outcome("oembed", FailureReason.AUTH_REQUIRED, "no public oEmbed endpoint")
        query = urlencode({"url": target.url or "", "omitscript": "true"})
        response = context.get(f"{ENDPOINTS[endpoint]}?{query}")
        failure = http_failure("oembed", response, _OEMBED_STATUSES)
        if failure:
            return failure
        return oembed_capture(response, "oembed", target.post_id, target.url, None)

    def embed_page(self, target: Embed, context: CaptureContext) -> PlatformCapture:
        response = context.get(self.embed_page_url(target))
        failure = http_failure("embed_page", response, {404: FailureReason.NOT_FOUND})
        if failure:
            return failure
        doc = parse_html(response.text)
        found = self.read_page(doc, target) if doc is not None else None
        if found is None:
            return outcome("embed_page", why_empty(response), "no post in the embed page")
        return found

    def embed_markup(self, target: Embed, context: CaptureContext) -> PlatformCapture:
        return embed_markup(target)

    def embed_page_url(self, target: Embed) -> str:
        raise NotImplementedError

    def read_page(self, doc: HtmlElement, target: Embed) -> PlatformCapture | None:
        """The post in the embed page, or None when the page shows none."""
        meta = page_meta(doc)
        text = meta.get("og:description") or meta.get("description")
        if not text:
            return None
        image = meta.get("og:image")
        return _page_capture(target, text=text, media=[MediaItem(image, "photo")] if image else [])


class InstagramAdapter(_MetaAdapter):
    platform = Platform.INSTAGRAM

    def oembed_endpoint(self, target: Embed) -> str | None:
        return "instagram.oembed"

    def embed_page_url(self, target: Embed) -> str:
        kind = "reel" if "/reel/" in (target.url or "") else "p"
        return f"{ENDPOINTS['instagram']}/{kind}/{target.post_id}/embed/captioned/"

    def read_page(self, doc: HtmlElement, target: Embed) -> PlatformCapture | None:
        """The captioned embed page: .Caption, .UsernameText, img.EmbeddedMediaImage."""
        caption = doc.find_class("Caption")
        username = doc.find_class("UsernameText")
        images = [i.get("src") for i in doc.find_class("EmbeddedMediaImage") if i.get("src")]
        if not (caption or username or images):
            return None
        handle = collapse(username[0].text_content()) if username else None
        text = None
        if caption:
            for link in caption[0].find_class("CaptionUsername"):
                link.drop_tree()  # the caption starts with the author's name as a link
            text = collapse(caption[0].text_content())
        return _page_capture(
            target, handle=handle, text=text, media=[MediaItem(u, "photo") for u in images]
        )


class FacebookAdapter(_MetaAdapter):
    platform = Platform.FACEBOOK

    def oembed_endpoint(self, target: Embed) -> str | None:
        video = any(part in (target.url or "") for part in ("/videos/", "/watch", "/reel/"))
        return "facebook.oembed_video" if video else "facebook.oembed"

    def embed_page_url(self, target: Embed) -> str:
        return f"{ENDPOINTS['facebook']}/plugins/post.php?href={quote(target.url or '', safe='')}"


class ThreadsAdapter(_MetaAdapter):
    platform = Platform.THREADS

    def embed_page_url(self, target: Embed) -> str:
        handle = target.author_handle or ""
        return f"{ENDPOINTS['threads']}/@{handle}/post/{target.post_id}/embed"


def _page_capture(
    target: Embed, *, text: str | None, media: list[MediaItem], handle: str | None = None
) -> PlatformCapture:
    return PlatformCapture(
        CaptureStatus.OK,
        "embed_page",
        canonical_url=target.url,
        post_id=target.post_id,
        author_handle=handle,
        text=text,
        media=media,
    )
