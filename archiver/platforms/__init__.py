"""Platform adapters: one per platform, each an ordered chain of capture methods."""

from __future__ import annotations

from ..models import Platform
from .base import Adapter, CaptureContext, Pacer, Recorder
from .bluesky import BlueskyAdapter
from .mastodon import MastodonAdapter
from .meta import FacebookAdapter, InstagramAdapter, ThreadsAdapter
from .reddit import RedditAdapter
from .telegram import TelegramAdapter
from .tiktok import TikTokAdapter
from .twitter import TwitterAdapter
from .vimeo import VimeoAdapter
from .youtube import YouTubeAdapter

ADAPTERS: dict[Platform, Adapter] = {
    adapter.platform: adapter
    for adapter in (
        TwitterAdapter(),
        TelegramAdapter(),
        YouTubeAdapter(),
        InstagramAdapter(),
        FacebookAdapter(),
        TikTokAdapter(),
        BlueskyAdapter(),
        MastodonAdapter(),
        RedditAdapter(),
        VimeoAdapter(),
        ThreadsAdapter(),
    )
}

__all__ = ["ADAPTERS", "Adapter", "CaptureContext", "Pacer", "Recorder"]
