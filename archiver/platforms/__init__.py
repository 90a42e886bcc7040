"""Platform adapters: one per platform, each an ordered chain of capture methods."""

from __future__ import annotations

from ..config import Config
from ..errors import ConfigError
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


def check_settings(config: Config) -> None:
    """Refuse method names in `disabled_methods` that the platform's adapter does not have."""
    for name, settings in config.platforms.by_platform.items():
        known = ADAPTERS[Platform(name)].methods
        unknown = [m for m in settings.disabled_methods if m not in known]
        if unknown:
            raise ConfigError(
                f"[platforms.{name}] disabled_methods: unknown {', '.join(unknown)}"
                f" (methods: {', '.join(known)})"
            )


__all__ = ["ADAPTERS", "Adapter", "CaptureContext", "Pacer", "Recorder", "check_settings"]
