"""Every real-format platform answer in fixtures/platforms, replayed by a local server.

Each sample's .meta.json says where the platform serves it and what a capture must make of it
(`expect`); the adapter method that reads that endpoint runs alone, the others switched off.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from archiver.archive import Archive

from .player import FIXTURES, Player

SAMPLES = FIXTURES / "platforms"
# Answers no method reads on its own: a blob redirect (media fetching follows it like any
# other), and Mastodon's edit history, read after an edited status (see test_adapters.py).
NOT_ADAPTER_ANSWERS = {"bluesky/getblob_redirect_302", "mastodon/status_history"}
CASES = sorted(
    f"{path.parent.name}/{path.name.removesuffix('.meta.json')}"
    for path in SAMPLES.glob("*/*.meta.json")
    if f"{path.parent.name}/{path.name.removesuffix('.meta.json')}" not in NOT_ADAPTER_ANSWERS
)


def example(meta: dict[str, Any]) -> str:
    """The concrete example URL in a sample's endpoint description."""
    urls = re.findall(r"https?://\S+", meta["endpoint"])
    return urls[-1]


def inner_url(meta: dict[str, Any]) -> str:
    """The post URL an oEmbed request carried in its url= parameter."""
    query = parse_qs(urlsplit(example(meta)).query)
    return unquote(query["url"][0])


def arrange(player: Player, platform: str, case: str, meta: dict[str, Any]) -> tuple[str, str]:
    """Serve the sample where the adapter will ask; return (post URL to archive, method)."""
    post_id = str(meta["expect"].get("post_id") or "")
    if platform == "twitter":
        if case.startswith("oembed"):
            player.sample("publish.twitter.com", "/oembed", platform, case)
            tweet_id = re.search(r"/status/(\d+)", inner_url(meta)).group(1)  # type: ignore[union-attr]
            return f"https://twitter.com/i/status/{tweet_id}", "oembed"
        player.sample("cdn.syndication.twimg.com", "/tweet-result", platform, case)
        tweet_id = post_id or re.search(r"[?&]id=(\d+)", example(meta)).group(1)  # type: ignore[union-attr]
        return f"https://twitter.com/i/status/{tweet_id}", "syndication"
    if platform == "telegram":
        if case.startswith("channel_preview"):
            first = meta["expect"]["posts"][0]["post_id"]
            player.sample("t.me", f"/s/{first}", platform, case)
            return f"https://t.me/{first}", "preview"
        channel_post = urlsplit(example(meta)).path.strip("/")
        player.sample("t.me", f"/{channel_post}", platform, case)
        return f"https://t.me/{channel_post}", "embed_page"
    if platform == "youtube":
        found = re.search(r"(?:v=|youtu\.be/)([\w-]{11})\b", meta["endpoint"])
        video = post_id or (found.group(1) if found else "dQw4w9WgXcQ")
        if case.startswith("watch"):
            player.sample("www.youtube.com", "/watch", platform, case)
            return f"https://www.youtube.com/watch?v={video}", "watch"
        player.sample("www.youtube.com", "/oembed", platform, case)
        return f"https://www.youtube.com/watch?v={video}", "oembed"
    if platform == "tiktok":
        player.sample("www.tiktok.com", "/oembed", platform, case)
        return inner_url(meta), "oembed"
    if platform == "vimeo":
        player.sample("vimeo.com", "/api/oembed.json", platform, case)
        return inner_url(meta), "oembed"
    if platform == "reddit":
        post = post_id or "abc123"
        player.sample("www.reddit.com", f"/comments/{post}/.json", platform, case)
        return f"https://www.reddit.com/comments/{post}/", "json"
    if platform == "bluesky":
        if case.startswith("resolve_handle"):
            player.sample(
                "public.api.bsky.app", "/xrpc/com.atproto.identity.resolveHandle", platform, case
            )
            player.sample(
                "public.api.bsky.app",
                "/xrpc/app.bsky.feed.getPostThread",
                platform,
                "thread_image_reply_with_parents",
            )
            handle = parse_qs(urlsplit(example(meta)).query)["handle"][0]
            return f"https://bsky.app/profile/{handle}/post/3lcxcpgt6j42l", "appview"
        player.sample("public.api.bsky.app", "/xrpc/app.bsky.feed.getPostThread", platform, case)
        uri = parse_qs(urlsplit(example(meta)).query)["uri"][0]
        authority, _, rkey = uri.removeprefix("at://").partition("/app.bsky.feed.post/")
        if post_id.startswith("did:"):  # ask by DID, as embeds carry it: no handle to resolve
            authority, _, rkey = post_id.partition("/")
        return f"https://bsky.app/profile/{authority}/post/{rkey}", "appview"
    if platform == "mastodon":
        status = re.search(r"/statuses/(\d+)", example(meta)).group(1)  # type: ignore[union-attr]
        player.sample("mastodon.social", f"/api/v1/statuses/{status}", platform, case)
        return f"https://mastodon.social/@someone/{status}", "api"
    if platform in ("instagram", "facebook"):
        if case == "post_login_wall_302":
            code = re.search(r"/p/([\w-]+)/", meta["endpoint"]).group(1)  # type: ignore[union-attr]
            player.sample("www.instagram.com", f"/p/{code}/embed/captioned/", platform, case)
            return f"https://www.instagram.com/p/{code}/", "embed_page"
        endpoint = urlsplit(example(meta)).path.rsplit("/", 1)[-1]
        player.sample("graph.facebook.com", f"/v21.0/{endpoint}", platform, case)
        return inner_url(meta), "oembed"
    raise AssertionError(f"no arrangement for {platform}/{case}")


@pytest.mark.parametrize("name", CASES)
def test_platform_answer_is_read_as_expected(
    name: str, player: Player, open_archive: Callable[..., Archive]
) -> None:
    platform, case = name.split("/")
    meta = json.loads((SAMPLES / f"{name}.meta.json").read_text("utf-8"))
    post_url, method = arrange(player, platform, case, meta)
    archive = open_archive(player.only(platform, method))
    archive.archive([post_url])
    row = archive.store.rows("SELECT * FROM post_captures ORDER BY id")[0]  # the post asked for
    expect = meta["expect"]
    assert (row["status"], row["reason"] or "ok") == (expect["status"], expect["reason"]), row[
        "error"
    ]
    if expect["status"] == "ok":
        assert row["method"] == method
        check_fields(row, expect)


def check_fields(row: dict[str, Any], expect: dict[str, Any]) -> None:
    counts = json.loads(row["counts"])
    post = expect["posts"][0] if "posts" in expect else {}
    for key in ("author_handle", "author_name", "text", "lang"):
        if key in expect:
            assert row[key] == expect[key], key
    post_id = post.get("post_id") or expect.get("post_id")
    if post_id:
        assert row["platform_post_id"] in (post_id, None) or row["platform_post_id"].endswith(
            f"/{post_id}"
        )
    published = post.get("published") or expect.get("published")
    if published:
        assert _moment(row["published"]) == _moment(published)
    for key in ("like_count", "reply_count"):
        if key in expect:
            assert expect[key] in counts.values(), f"{key} {expect[key]} not in {counts}"
    if "views" in post or "views" in expect:
        assert counts["views"] == (post.get("views") or expect.get("views"))
    for key, column in (("quoted_post_id", "quoted_url"), ("reply_to_post_id", "reply_to_url")):
        if key in expect:
            assert row[column] and row[column].endswith(expect[key].rsplit("/", 1)[-1]), key
    if "media" in expect:
        media = json.loads(row["media"])
        assert [(m["type"], m["width"], m["height"]) for m in media] == [
            (m["type"], m.get("width"), m.get("height")) for m in expect["media"]
        ]


def _moment(value: str) -> datetime | str:
    """A time as given (ISO with Z or offset, or a bare date), comparable across spellings."""
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value


def test_every_sample_has_a_meta_and_every_json_body_parses() -> None:
    bodies = [p for p in SAMPLES.glob("*/*") if not p.name.endswith(".meta.json")]
    assert bodies
    for body in bodies:
        assert body.with_name(body.stem + ".meta.json").exists(), body
        if body.suffix == ".json":
            json.loads(body.read_bytes())
