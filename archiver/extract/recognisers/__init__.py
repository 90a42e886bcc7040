"""Every platform's recogniser, and `recognise_url` to name the post behind any URL."""

from __future__ import annotations

from ...models import Platform, PostRef
from .base import Recogniser, Url
from .bluesky import BlueskyRecogniser
from .facebook import FacebookRecogniser
from .instagram import InstagramRecogniser
from .mastodon import MastodonRecogniser
from .reddit import RedditRecogniser
from .telegram import TelegramRecogniser
from .threads import ThreadsRecogniser
from .tiktok import TikTokRecogniser
from .twitter import TwitterRecogniser
from .vimeo import VimeoRecogniser
from .youtube import YouTubeRecogniser

RECOGNISERS: tuple[Recogniser, ...] = (
    TwitterRecogniser(),
    TelegramRecogniser(),
    YouTubeRecogniser(),
    InstagramRecogniser(),
    FacebookRecogniser(),
    TikTokRecogniser(),
    BlueskyRecogniser(),
    RedditRecogniser(),
    VimeoRecogniser(),
    ThreadsRecogniser(),
    MastodonRecogniser(),  # last: it reads paths on any host
)
BY_PLATFORM: dict[Platform, Recogniser] = {r.platform: r for r in RECOGNISERS}
_BY_HOST: dict[str, Recogniser] = {host: r for r in RECOGNISERS for host in r.hosts}


def recognise_url(link: str, any_host: bool = False) -> PostRef | None:
    """The post a URL points at, on a known platform's host.

    With `any_host`, paths on unknown hosts are read as Mastodon instances too; callers ask
    that only for URLs taken from embed markup, never for links in running text.
    """
    url = Url.parse(link)
    if url is None:
        return None
    recogniser = _BY_HOST.get(url.host)
    if recogniser is not None:
        return recogniser.from_url(url)
    return BY_PLATFORM[Platform.MASTODON].from_url(url) if any_host else None


__all__ = ["BY_PLATFORM", "RECOGNISERS", "Recogniser", "recognise_url"]
