"""Switch each capture method off in turn: the post is still captured through another one."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from archiver.archive import Archive
from archiver.config import PlatformSettings
from archiver.models import Platform
from archiver.platforms import ADAPTERS

from .player import Player
from .test_adapters import rehydration
from .test_twitter import oembed_html, serve_tweet, tweet

WORLDS: dict[str, tuple[str, Callable[[Player], None]]] = {}


def world(
    platform: str, url: str
) -> Callable[[Callable[[Player], None]], Callable[[Player], None]]:
    """Register how to make every method of a platform answer with the post."""

    def register(arrange: Callable[[Player], None]) -> Callable[[Player], None]:
        WORLDS[platform] = (url, arrange)
        return arrange

    return register


@world("twitter", "https://twitter.com/someone/status/1700000000000000001")
def _twitter(player: Player) -> None:
    data = tweet("1700000000000000001", "someone", "Here")
    serve_tweet(player, data)
    player.serve(
        "publish.twitter.com", "/oembed", oembed_html("1700000000000000001", "someone", "Here")
    )
    next_data = json.dumps({"props": {"pageProps": {"tweet": data}}})
    page = f'<script id="__NEXT_DATA__" type="application/json">{next_data}</script>'
    player.serve("platform.twitter.com", "/embed/Tweet.html", page)


@world("telegram", "https://t.me/K1inUSA/3")
def _telegram(player: Player) -> None:
    player.sample("t.me", "/K1inUSA/3", "telegram", "embed_text_2015")
    player.sample("t.me", "/s/K1inUSA/3", "telegram", "embed_text_2015")


@world("youtube", "https://www.youtube.com/watch?v=2lAe1cqCOXo")
def _youtube(player: Player) -> None:
    player.sample("www.youtube.com", "/oembed", "youtube", "oembed_ok")
    player.sample("www.youtube.com", "/watch", "youtube", "watch_page_head_excerpt")


@world("tiktok", "https://www.tiktok.com/@shmemmmy/video/7005293332821822726")
def _tiktok(player: Player) -> None:
    player.sample("www.tiktok.com", "/oembed", "tiktok", "oembed_ok")
    item = {"id": "7005293332821822726", "desc": "POV", "author": {"uniqueId": "shmemmmy"}}
    page = rehydration({"statusCode": 0, "itemInfo": {"itemStruct": item}})
    player.serve("www.tiktok.com", "/@shmemmmy/video/7005293332821822726", page)


@world("vimeo", "https://vimeo.com/31158841")
def _vimeo(player: Player) -> None:
    player.sample("vimeo.com", "/api/oembed.json", "vimeo", "oembed_ok")
    player.serve("vimeo.com", "/31158841", '<meta property="og:title" content="Footage">')


@world("instagram", "https://www.instagram.com/p/B9bOM-6Ax_d/")
def _instagram(player: Player) -> None:
    player.sample("graph.facebook.com", "/v21.0/instagram_oembed", "instagram", "graph_oembed_ok")
    page = '<div class="Caption">Caption</div><span class="UsernameText">ruby</span>'
    player.serve("www.instagram.com", "/p/B9bOM-6Ax_d/embed/captioned/", page)


@world("facebook", "https://www.facebook.com/rubyonrailstogo/posts/3610333842332884")
def _facebook(player: Player) -> None:
    player.sample("graph.facebook.com", "/v21.0/oembed_post", "facebook", "graph_oembed_post_ok")
    page = '<meta property="og:description" content="Post text">'
    player.serve("www.facebook.com", "/plugins/post.php", page)


CASES = [
    (platform, method)
    for platform in WORLDS
    for method in ADAPTERS[Platform(platform)].methods
    if method != "embed_markup"  # a bare post URL carries no markup to fall back on
]


@pytest.mark.parametrize(("platform", "method"), CASES)
def test_with_one_method_off_another_captures_the_post(
    player: Player, open_archive: Callable[..., Archive], platform: str, method: str
) -> None:
    url, arrange = WORLDS[platform]
    arrange(player)
    config = player.config()
    config.platforms.by_platform[platform] = PlatformSettings(disabled_methods=[method])
    archive = open_archive(config)
    archive.archive([url])
    [row] = archive.store.rows("SELECT status, method FROM post_captures")
    assert row["status"] == "ok" and row["method"] != method


def test_every_platform_with_two_methods_or_more_is_exercised() -> None:
    several = {str(p) for p, a in ADAPTERS.items() if len(a.methods) >= 2}
    assert several - {"threads"} <= set(WORLDS)  # Threads answers nothing public to replay
