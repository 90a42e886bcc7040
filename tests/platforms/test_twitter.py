"""X/Twitter capture against a local X: syndication, oEmbed, embed page, pic.twitter.com links."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from archiver.archive import Archive
from archiver.platforms.twitter import original_size, syndication_token

from ..conftest import SEED
from ..media.images import PHOTOS, encode, photo, screenshot
from .player import Player, capture, photo_bytes

OpenArchive = Callable[..., Archive]
SEED_TWEETS = {  # pic link -> (status id, handle)
    "7EmFb3IgXi": ("1660650366063161345", "officejjsmart"),
    "SRVSAsF0Uf": ("1660657735623196674", "Gerashchenko_en"),
    "S7ktkkF8rb": ("1660671098432397312", "officejjsmart"),
}


def tweet(
    tweet_id: str, handle: str, text: str = "Hello", media: list[str] | None = None
) -> dict[str, Any]:
    """A tweet-result answer in the shape the syndication endpoint serves."""
    details = [
        {
            "display_url": "pic.twitter.com/x",
            "expanded_url": f"https://twitter.com/{handle}/status/{tweet_id}/photo/{n + 1}",
            "ext_media_availability": {"status": "Available"},
            "media_url_https": f"https://pbs.twimg.com/media/{name}.jpg",
            "original_info": {"height": 64, "width": 96, "focus_rects": []},
            "type": "photo",
            "url": "https://t.co/x",
        }
        for n, name in enumerate(media or [])
    ]
    return {
        "__typename": "Tweet", "lang": "en", "favorite_count": 12, "conversation_count": 3,
        "created_at": "2023-05-22T13:44:12.000Z", "display_text_range": [0, len(text)],
        "entities": {"hashtags": [], "urls": [], "user_mentions": [], "symbols": []},
        "id_str": tweet_id, "text": text,
        "user": {"id_str": "1", "name": handle.title(), "screen_name": handle, "verified": False},
        "edit_control": {"edit_tweet_ids": [tweet_id], "editable_until_msecs": "1684766652000",
                         "is_edit_eligible": True, "edits_remaining": "5"},
        "mediaDetails": details, "isEdited": False, "isStaleEdit": False,
    }  # fmt: skip


def tombstone(text: str) -> dict[str, Any]:
    return {
        "__typename": "TweetTombstone",
        "tombstone": {"text": {"text": text, "entities": [], "rtl": False}},
    }


def serve_tweet(
    player: Player, body: dict[str, Any] | bytes, status: int = 200, **kwargs: Any
) -> None:
    tweet_id = kwargs.pop("tweet_id", None) or body["id_str"]  # type: ignore[index]
    query = {"id": tweet_id, "token": syndication_token(tweet_id), "lang": "en"}
    player.serve(
        "cdn.syndication.twimg.com", "/tweet-result", body, status=status, query=query, **kwargs
    )


@pytest.mark.parametrize(
    ("tweet_id", "token"),
    [
        ("1660666060461764609", "4x4wnahy"),
        ("20", "6dq1a2xwd93"),
        ("1629307668568633344", "3y6mctgwzxo"),
        ("463440424141459456", "14fxvks611f"),
    ],
)  # fmt: skip
def test_syndication_token_matches_the_embed_widget(tweet_id: str, token: str) -> None:
    # the expected tokens were computed by Node.js running the widget's own expression
    assert syndication_token(tweet_id) == token


def test_photo_urls_ask_for_the_original_size() -> None:
    assert original_size("https://pbs.twimg.com/media/FwuXa-1.jpg") == (
        "https://pbs.twimg.com/media/FwuXa-1?format=jpg&name=orig"
    )


def test_seed_tweets_come_out_as_three_ok_captures_with_photos(
    open_archive: OpenArchive, player: Player
) -> None:
    for n, (pic, (tweet_id, handle)) in enumerate(SEED_TWEETS.items()):
        status_url = f"https://twitter.com/{handle}/status/{tweet_id}/photo/1"
        player.serve("pic.twitter.com", f"/{pic}", status=301, headers={"Location": status_url})
        player.serve(
            "twitter.com",
            f"/{handle}/status/{tweet_id}/photo/1",
            "<html>JavaScript is not available.</html>",
        )
        serve_tweet(player, tweet(tweet_id, handle, f"Tweet {n}", media=[f"Photo{n}"]))
        player.serve(
            "pbs.twimg.com",
            f"/media/Photo{n}",
            photo_bytes((40 * n, 90, 200)),
            content_type="image/jpeg",
        )
    archive = open_archive(player.config())
    summary = archive.archive([str(SEED)])
    assert summary.captures == {"ok": 3}
    rows = archive.store.rows(
        "SELECT p.identity_key, c.method, c.platform_post_id, c.author_handle, c.text, c.media"
        " FROM post_captures c JOIN posts p ON p.id = c.post ORDER BY p.id"  # captures: any order
    )
    assert [r["identity_key"] for r in rows] == [f"twitter:{i}" for i, _ in SEED_TWEETS.values()]
    assert {r["method"] for r in rows} == {"syndication"}
    assert [r["text"] for r in rows] == ["Tweet 0", "Tweet 1", "Tweet 2"]
    media = [json.loads(r["media"])[0] for r in rows]
    assert all(m["sha256"] and m["width"] == 96 and m["type"] == "photo" for m in media)
    assert archive.store.count("media") == 3
    asked = player.requests("pbs.twimg.com")
    assert sorted(asked) == [f"/media/Photo{n}?format=jpg&name=orig" for n in range(3)]
    # the pic.twitter.com form now leads to the same row
    again = archive.archive([str(SEED)])
    assert (again.new_posts, archive.store.count("posts")) == (0, 3)


def oembed_html(tweet_id: str, handle: str, text: str) -> dict[str, Any]:
    html = (
        f'<blockquote class="twitter-tweet"><p lang="en" dir="ltr">{text}</p>&mdash; '
        f'{handle.title()} (@{handle}) <a href="https://twitter.com/{handle}/status/{tweet_id}'
        '?ref_src=twsrc%5Etfw">May 22, 2023</a></blockquote>\n'
    )
    return {
        "url": f"https://twitter.com/{handle}/status/{tweet_id}", "author_name": handle.title(),
        "author_url": f"https://twitter.com/{handle}", "html": html, "width": 550, "height": None,
        "type": "rich", "cache_age": "3153600000", "provider_name": "Twitter",
        "provider_url": "https://twitter.com", "version": "1.0",
    }  # fmt: skip


STATUS = "https://twitter.com/someone/status/1700000000000000001"


@pytest.mark.parametrize(
    ("text", "status", "reason"),
    [
        ("This Post was deleted by the Post author. Learn more", "deleted", "deleted"),
        ("You’re unable to view this Post because this account owner limits who can view their "
         "Posts. Learn more", "protected", "protected"),
        ("This Post is from a suspended account. Learn more", "unavailable", "suspended"),
        ("This Post from @someone has been withheld in Germany in response to a legal demand.",
         "withheld", "withheld"),
        ("This Post is unavailable. Learn more", "unavailable", "not_found"),
    ],
)  # fmt: skip
def test_tombstones_are_recorded_with_the_platforms_words(
    open_archive: OpenArchive, player: Player, text: str, status: str, reason: str
) -> None:
    serve_tweet(player, tombstone(text), tweet_id="1700000000000000001")
    row = capture(open_archive(player.config()), STATUS)
    assert (row["status"], row["reason"], row["method"]) == (status, reason, "syndication")
    assert row["error"] == text
    assert row["text"] is None and row["author_handle"] is None  # nothing invented


def test_syndication_404_falls_back_to_oembed(open_archive: OpenArchive, player: Player) -> None:
    serve_tweet(player, b"", status=404, tweet_id="1700000000000000001")
    player.serve(
        "publish.twitter.com",
        "/oembed",
        oembed_html("1700000000000000001", "someone", "Still here"),
    )
    row = capture(open_archive(player.config()), STATUS)
    assert (row["status"], row["method"], row["text"]) == ("ok", "oembed", "Still here")
    assert (row["author_handle"], row["published"]) == ("someone", "2023-05-22")
    assert json.loads(row["attempts"]) == [
        {
            "method": "syndication",
            "status": "unavailable",
            "reason": "not_found",
            "error": "HTTP 404",
        }
    ]


def test_deleted_everywhere_stays_deleted(open_archive: OpenArchive, player: Player) -> None:
    serve_tweet(
        player,
        tombstone("This Post was deleted by the Post author."),
        tweet_id="1700000000000000001",
    )
    player.serve("publish.twitter.com", "/oembed", {"error": "not found"}, status=404)
    player.serve(
        "platform.twitter.com", "/embed/Tweet.html", "<html><script>x</script></html>", status=404
    )
    archive = open_archive(player.config())
    row = capture(archive, STATUS)
    assert (row["status"], row["method"]) == ("deleted", "syndication")
    assert [a["method"] for a in json.loads(row["attempts"])] == ["oembed", "embed_page"]
    linked = archive.store.rows(
        "SELECT count(*) AS n FROM capture_exchanges WHERE capture = ?", [row["id"]]
    )
    assert linked[0]["n"] == 3


@pytest.mark.parametrize("disabled", [["syndication"], ["syndication", "oembed"]])
def test_each_method_can_be_switched_off(
    open_archive: OpenArchive, player: Player, disabled: list[str]
) -> None:
    data = tweet("1700000000000000001", "someone", "From the page")
    serve_tweet(player, data)
    player.serve(
        "publish.twitter.com",
        "/oembed",
        oembed_html("1700000000000000001", "someone", "From oEmbed"),
    )
    next_data = json.dumps({"props": {"pageProps": {"tweet": data}}})
    page = f'<html><script id="__NEXT_DATA__" type="application/json">{next_data}</script></html>'
    player.serve("platform.twitter.com", "/embed/Tweet.html", page)
    config = player.config()
    config.platforms.by_platform["twitter"] = type(config.platforms.settings("twitter"))(
        disabled_methods=disabled
    )
    row = capture(open_archive(config), STATUS)
    expected = "oembed" if disabled == ["syndication"] else "embed_page"
    assert (row["status"], row["method"]) == ("ok", expected)
    assert player.requests("cdn.syndication.twimg.com") == []


def test_every_method_switched_off_is_recorded(open_archive: OpenArchive, player: Player) -> None:
    config = player.config()
    config.platforms.by_platform["twitter"] = type(config.platforms.settings("twitter"))(
        disabled_methods=["syndication", "oembed", "embed_page"]
    )
    row = capture(open_archive(config), STATUS)
    assert (row["status"], row["reason"]) == ("failed", "methods_disabled")


def test_rate_limited_then_ok_honours_retry_after(
    open_archive: OpenArchive, player: Player
) -> None:
    serve_tweet(player, b"Rate limit exceeded", status=429, tweet_id="1700000000000000001",
                headers={"Retry-After": "0"}, once=True)  # fmt: skip
    serve_tweet(player, tweet("1700000000000000001", "someone", "After the wait"))
    archive = open_archive(player.config())
    row = capture(archive, STATUS)
    assert (row["status"], row["method"], row["text"]) == ("ok", "syndication", "After the wait")
    statuses = archive.store.rows(
        "SELECT x.status FROM capture_exchanges c JOIN http_exchanges x ON x.id = c.exchange"
        " WHERE c.capture = ? ORDER BY x.id", [row["id"]],
    )  # fmt: skip
    assert [s["status"] for s in statuses] == [429, 200]


def test_retry_after_beyond_the_limit_is_not_waited_for(
    open_archive: OpenArchive, player: Player
) -> None:
    serve_tweet(
        player,
        b"slow down",
        status=429,
        tweet_id="1700000000000000001",
        headers={"Retry-After": "3600"},
    )
    player.serve("publish.twitter.com", "/oembed", {}, status=429, headers={"Retry-After": "3600"})
    player.serve(
        "platform.twitter.com", "/embed/Tweet.html", "", status=429, headers={"Retry-After": "3600"}
    )
    row = capture(open_archive(player.config(max_retry_wait=5.0)), STATUS)
    assert (row["status"], row["reason"]) == ("failed", "rate_limited")
    assert len(player.requests("cdn.syndication.twimg.com")) == 1


def test_malformed_answers_are_errors_with_the_body_kept(
    open_archive: OpenArchive, player: Player
) -> None:
    serve_tweet(player, b'{"__typename": "Tweet", "id_str": ', tweet_id="1700000000000000001")
    player.serve("publish.twitter.com", "/oembed", {"unexpected": True})
    player.serve(
        "platform.twitter.com",
        "/embed/Tweet.html",
        "<html><body>" + "<p>words</p>" * 200 + "</body></html>",
    )
    archive = open_archive(player.config())
    row = capture(archive, STATUS)
    assert (row["status"], row["reason"]) == ("error", "parse_error")
    assert row["method"] == "syndication" and "not JSON" in row["error"]
    first = archive.store.rows("SELECT body_sha256 FROM http_exchanges ORDER BY id LIMIT 1")[0]
    assert archive.blobs.get(first["body_sha256"]) == b'{"__typename": "Tweet", "id_str": '


def test_huge_answer_is_cut_off_and_the_next_method_runs(
    open_archive: OpenArchive, player: Player
) -> None:
    serve_tweet(player, b"x" * 50_000, tweet_id="1700000000000000001")
    player.serve(
        "publish.twitter.com", "/oembed", oembed_html("1700000000000000001", "someone", "Small")
    )
    row = capture(open_archive(player.config(max_body_bytes=10_000)), STATUS)
    assert (row["status"], row["method"]) == ("ok", "oembed")
    assert json.loads(row["attempts"])[0]["reason"] == "too_large"


def test_slow_platform_times_out_and_is_retried(open_archive: OpenArchive, player: Player) -> None:
    import time

    from werkzeug import Request, Response

    def slow(request: Request) -> Response:
        time.sleep(0.6)
        return Response("late")

    player.server.expect_request("/cdn.syndication.twimg.com/tweet-result").respond_with_handler(
        slow
    )
    player.serve(
        "publish.twitter.com", "/oembed", oembed_html("1700000000000000001", "someone", "Fast")
    )
    row = capture(open_archive(player.config(read_timeout=0.2, retries=1)), STATUS)
    assert (row["status"], row["method"]) == ("ok", "oembed")
    assert json.loads(row["attempts"])[0]["reason"] == "timeout"
    time.sleep(0.8)  # let the fixture server finish the slow answers before the next test


def test_media_shared_between_posts_is_fetched_once(
    open_archive: OpenArchive, player: Player
) -> None:
    for tweet_id in ("1700000000000000001", "1700000000000000002"):
        serve_tweet(player, tweet(tweet_id, "someone", "Same photo", media=["Shared"]))
    player.serve("pbs.twimg.com", "/media/Shared", photo_bytes(), content_type="image/jpeg")
    archive = open_archive(player.config())
    archive.archive([STATUS, STATUS.replace("0001", "0002")])
    assert len(player.requests("pbs.twimg.com")) == 1
    assert archive.store.count("media") == 1 and archive.store.count("media_occurrences") == 2


def test_pic_link_that_leads_nowhere_stays_keyed_by_the_link(
    open_archive: OpenArchive, player: Player
) -> None:
    player.serve("pic.twitter.com", "/Gone123", "not found", status=404)
    archive = open_archive(player.config())
    row = capture(archive, "https://pic.twitter.com/Gone123")
    assert (row["status"], row["method"], row["reason"]) == ("unavailable", "resolve", "not_found")
    [post] = archive.store.rows("SELECT identity_key FROM posts")
    assert post["identity_key"] == "twitter:url:https://pic.twitter.com/Gone123"


def test_seed_photos_are_found_again_by_reuse(
    open_archive: OpenArchive, player: Player, tmp_path: Path
) -> None:
    for n, (pic, (tweet_id, handle)) in enumerate(SEED_TWEETS.items()):
        status_url = f"https://twitter.com/{handle}/status/{tweet_id}/photo/1"
        player.serve("pic.twitter.com", f"/{pic}", status=301, headers={"Location": status_url})
        serve_tweet(player, tweet(tweet_id, handle, f"Tweet {n}", media=[f"Photo{n}"]))
        picture = encode(photo(PHOTOS[n]))
        player.serve("pbs.twimg.com", f"/media/Photo{n}", picture, content_type="image/jpeg")
    archive = open_archive(player.config())
    archive.archive([str(SEED)])
    reposted = tmp_path / "reposted.jpg"  # the second tweet's photo, screenshotted and re-encoded
    reposted.write_bytes(encode(screenshot(photo(PHOTOS[1])), quality=55))
    [answer] = archive.reuse([str(reposted)])
    [(match, places)] = answer.matches
    assert match.method == "pdq-box" and not match.exact
    assert [p["post_url"] for p in places] == [
        "https://twitter.com/Gerashchenko_en/status/1660657735623196674"
    ]
    assert places[0]["platform"] == "twitter" and places[0]["captured_at"]
