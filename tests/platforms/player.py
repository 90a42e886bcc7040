"""A local server that plays the platforms: every real host mapped to a path prefix on it."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from PIL import Image
from pytest_httpserver import HTTPServer

from archiver.archive import Archive
from archiver.config import Config, NetworkConfig, PlatformsConfig, PlatformSettings
from archiver.models import Platform
from archiver.platforms import ADAPTERS

FIXTURES = Path(__file__).parent.parent / "fixtures"

HOSTS = (
    "cdn.syndication.twimg.com", "publish.twitter.com", "platform.twitter.com", "pic.twitter.com",
    "t.co", "twitter.com", "x.com", "pbs.twimg.com", "video.twimg.com", "t.me", "cdn4.telesco.pe",
    "www.youtube.com", "i.ytimg.com", "www.tiktok.com", "p16-sign.tiktokcdn-us.com", "vimeo.com",
    "i.vimeocdn.com", "www.reddit.com", "i.redd.it", "preview.redd.it", "v.redd.it",
    "public.api.bsky.app", "cdn.bsky.app", "video.bsky.app", "mastodon.social",
    "files.mastodon.social", "graph.facebook.com", "www.instagram.com",
    "scontent.cdninstagram.com", "www.facebook.com", "www.threads.net", "news.test",
)  # fmt: skip


def photo_bytes(
    colour: tuple[int, int, int] = (200, 30, 30), size: tuple[int, int] = (96, 64)
) -> bytes:
    image = Image.new("RGB", size, colour)
    for x in range(0, size[0], 6):
        for y in range(size[1]):
            image.putpixel((x, y), (255 - colour[0], 255 - colour[1], 90))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


class Player:
    def __init__(self, server: HTTPServer) -> None:
        self.server = server

    def only(self, platform: str, method: str, **network: Any) -> Config:
        """The config, with one capture method of one platform running alone."""
        config = self.config(**network)
        others = [m for m in ADAPTERS[Platform(platform)].methods if m != method]
        config.platforms.by_platform[platform] = PlatformSettings(disabled_methods=others)
        return config

    def config(self, **network: Any) -> Config:
        """Every platform host mapped here; no pacing and quick retries, so tests stay fast."""
        host_map = {host: self.server.url_for(f"/{host}") for host in HOSTS}
        settings = {"backoff": 0.01, **network}
        return Config(
            operator="tester",
            network=NetworkConfig(host_map=host_map, **settings),
            platforms=PlatformsConfig(min_interval=0.0),
        )

    def serve(
        self,
        host: str,
        path: str,
        body: bytes | str | dict[str, Any] | list[Any] = b"",
        status: int = 200,
        content_type: str | None = None,
        headers: dict[str, str] | None = None,
        query: dict[str, str] | None = None,
        once: bool = False,
    ) -> None:
        if isinstance(body, dict | list):
            body, content_type = json.dumps(body), content_type or "application/json; charset=utf-8"
        expect = self.server.expect_oneshot_request if once else self.server.expect_request
        expect(f"/{host}{path}", query_string=query).respond_with_data(
            body,
            status=status,
            content_type=content_type or "text/html; charset=utf-8",
            headers=headers,
        )

    def sample(
        self, host: str, path: str, platform: str, case: str, **kwargs: Any
    ) -> dict[str, Any]:
        """Serve a real-format sample from fixtures/platforms, as its .meta.json describes it."""
        folder = FIXTURES / "platforms" / platform
        meta = json.loads((folder / f"{case}.meta.json").read_text("utf-8"))
        body = next(p for p in folder.glob(f"{case}.*") if not p.name.endswith(".meta.json"))
        self.serve(
            host, path, body.read_bytes(), status=meta.get("status", 200),
            content_type=meta.get("content_type"), headers=meta.get("headers") or None, **kwargs,
        )  # fmt: skip
        return meta

    def requests(self, host: str) -> list[str]:
        """Paths (without the host prefix) and queries asked of one host, in order."""
        prefix = f"/{host}"
        return [
            request.full_path.removeprefix(prefix).rstrip("?")
            for request, _ in self.server.log
            if request.path.startswith(prefix + "/") or request.path == prefix
        ]


def capture(archive: Archive, url: str) -> dict[str, Any]:
    """Archive one post URL; return its newest capture row."""
    archive.archive([url])
    return archive.store.rows("SELECT * FROM post_captures ORDER BY id DESC LIMIT 1")[0]
