"""Adapter behaviour the samples do not cover: walls, page methods, pacing, media limits."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest

from archiver.archive import Archive
from archiver.platforms.base import Pacer, _retry_after
from archiver.platforms.twitter import syndication_token

from .player import Player, capture, photo_bytes

OpenArchive = Callable[..., Archive]


WATCH = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
INSTAGRAM = "https://www.instagram.com/p/CxYz123AbC/"


@pytest.mark.parametrize(
    ("status_json", "status", "reason"),
    [
        ('"ERROR","reason":"This video has been removed by the uploader"', "deleted", "deleted"),
        ('"LOGIN_REQUIRED","reason":"This video is private"', "protected", "protected"),
        ('"LOGIN_REQUIRED","reason":"Sign in to confirm your age"', "withheld", "age_gated"),
        ('"UNPLAYABLE","reason":"The uploader has not made this video available in your country"',
         "withheld", "geo_blocked"),
        ('"ERROR","reason":"Video unavailable"', "unavailable", "not_found"),
    ],
)  # fmt: skip
def test_youtube_watch_page_says_why_a_video_does_not_play(
    open_archive: OpenArchive, player: Player, status_json: str, status: str, reason: str
) -> None:
    player_response = f'{{"playabilityStatus":{{"status":{status_json}}},"x":1}}'
    page = f"<html><script>var ytInitialPlayerResponse = {player_response};</script></html>"
    player.serve("www.youtube.com", "/watch", page)
    row = capture(open_archive(player.only("youtube", "watch")), WATCH)
    assert (row["status"], row["reason"]) == (status, reason)


def test_consent_redirect_is_a_login_wall_not_a_capture(
    open_archive: OpenArchive, player: Player
) -> None:
    player.serve("www.youtube.com", "/watch", status=302,
                 headers={"Location": "https://consent.youtube.com/m?continue=x"})  # fmt: skip
    player.serve("consent.youtube.com", "/m", "<html><form>Before you continue</form></html>")
    config = player.only("youtube", "watch")
    config.network.host_map["consent.youtube.com"] = player.server.url_for("/consent.youtube.com")
    row = capture(open_archive(config), WATCH)
    assert (row["status"], row["reason"], row["text"]) == ("failed", "login_wall", None)


@pytest.mark.parametrize(
    ("page", "reason"),
    [
        ("<html><head><script src=app.js></script></head><body><noscript>Please enable"
         " JavaScript</noscript><div id=root></div></body></html>", "js_shell"),
        ("<html><body><h1>Log in to continue</h1><form></form></body></html>", "login_wall"),
        ("<html><body>" + "<p>Unrelated page text.</p>" * 40 + "</body></html>", "parse_error"),
    ],
)  # fmt: skip
def test_a_page_with_no_post_is_classified_never_ok(
    open_archive: OpenArchive, player: Player, page: str, reason: str
) -> None:
    player.serve("www.instagram.com", "/p/CxYz123AbC/embed/captioned/", page)
    row = capture(open_archive(player.only("instagram", "embed_page")), INSTAGRAM)
    assert row["reason"] == reason and row["status"] != "ok"


def test_instagram_captioned_embed_page(open_archive: OpenArchive, player: Player) -> None:
    page = """<html><body><div class="Embed"><span class="UsernameText">kyiv.daily</span>
      <img class="EmbeddedMediaImage" src="https://scontent.cdninstagram.com/v/p.jpg">
      <div class="Caption"><a class="CaptionUsername" href="/kyiv.daily/">kyiv.daily</a>
      Sunset over the river<br>#kyiv</div></div></body></html>"""
    player.serve("www.instagram.com", "/p/CxYz123AbC/embed/captioned/", page)
    player.serve("scontent.cdninstagram.com", "/v/p.jpg", photo_bytes(), content_type="image/jpeg")
    row = capture(open_archive(player.only("instagram", "embed_page")), INSTAGRAM)
    assert (row["status"], row["kind"], row["author_handle"]) == ("ok", "platform", "kyiv.daily")
    assert row["text"] == "Sunset over the river #kyiv"
    assert json.loads(row["media"])[0]["sha256"]


def rehydration(detail: dict[str, Any]) -> str:
    """A TikTok video page carrying its data the way the web app does."""
    data = json.dumps({"__DEFAULT_SCOPE__": {"webapp.video-detail": detail}})
    return f'<html><script id="__UNIVERSAL_DATA_FOR_REHYDRATION__">{data}</script></html>'


TIKTOK = "https://www.tiktok.com/@shmemmmy/video/7005293332821822726"


def test_tiktok_page_rehydration_data(open_archive: OpenArchive, player: Player) -> None:
    item = {
        "id": "7005293332821822726", "desc": "POV", "createTime": "1631030400",
        "author": {"uniqueId": "shmemmmy", "nickname": "Emily"},
        "video": {"cover": "https://p16-sign.tiktokcdn-us.com/cover.jpeg"},
        "stats": {"diggCount": 10, "commentCount": 2},
    }  # fmt: skip
    page = rehydration({"statusCode": 0, "itemInfo": {"itemStruct": item}})
    player.serve("www.tiktok.com", "/@shmemmmy/video/7005293332821822726", page)
    row = capture(open_archive(player.only("tiktok", "page")), TIKTOK)
    assert (row["status"], row["author_name"], row["text"]) == ("ok", "Emily", "POV")
    assert row["published"] == "2021-09-07T16:00:00+00:00"
    assert json.loads(row["counts"]) == {"diggCount": 10, "commentCount": 2}


def test_tiktok_page_status_code_for_a_missing_video(
    open_archive: OpenArchive, player: Player
) -> None:
    page = rehydration({"statusCode": 10204, "statusMsg": "item doesn't exist"})
    player.serve("www.tiktok.com", "/@shmemmmy/video/7005293332821822726", page)
    row = capture(open_archive(player.only("tiktok", "page")), TIKTOK)
    assert (row["status"], row["reason"], row["error"]) == (
        "unavailable",
        "not_found",
        "item doesn't exist",
    )


def test_vimeo_page_metadata(open_archive: OpenArchive, player: Player) -> None:
    page = """<html><head><meta property="og:title" content="Border footage">
      <meta itemprop="uploadDate" content="2023-05-22T10:00:00-04:00"></head></html>"""
    player.serve("vimeo.com", "/31158841", page)
    row = capture(open_archive(player.only("vimeo", "page")), "https://vimeo.com/31158841")
    assert (row["status"], row["text"], row["published"]) == (
        "ok",
        "Border footage",
        "2023-05-22T10:00:00-04:00",
    )


def test_video_over_the_media_limit_is_recorded_not_downloaded(
    open_archive: OpenArchive, player: Player
) -> None:
    player.sample("cdn.syndication.twimg.com", "/tweet-result", "twitter", "tweet_video")
    mp4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 200_000
    videos = player.server.expect_request(re.compile(r"/video\.twimg\.com/.*"))
    videos.respond_with_data(mp4, content_type="video/mp4")
    stills = player.server.expect_request(re.compile(r"/pbs\.twimg\.com/.*"))
    stills.respond_with_data(photo_bytes(), content_type="image/jpeg")
    config = player.config()
    config.limits.max_media_bytes = 100_000
    row = capture(open_archive(config), "https://twitter.com/i/status/2023205364368351634")
    [video] = json.loads(row["media"])
    assert (video["type"], video["sha256"], video["not_downloaded"]) == ("video", None, "too_large")
    assert len(video["variants"]) >= 2 and video["poster"]


def test_pacer_keeps_the_interval_between_starts() -> None:
    now = [100.0]
    slept: list[float] = []
    pacer = Pacer(lambda platform: 2.0, clock=lambda: now[0], sleep=slept.append)
    pacer.wait("twitter")
    now[0] += 0.5
    pacer.wait("twitter")  # 1.5 s after the first start's interval is over
    pacer.wait("twitter")  # a third caller, at the same moment, queues behind the second
    pacer.wait("telegram")
    pacer.wait("mastodon", "mastodon:a.example")
    pacer.wait("mastodon", "mastodon:b.example")  # another server: its own pace
    assert slept == [1.5, 3.5]
    start = pacer.wait("telegram")  # an interval after the first telegram start...
    pacer.unanswered("telegram", start)  # ...but no answer came: the slot is given back
    pacer.wait("telegram")
    assert slept == [1.5, 3.5, 2.0, 2.0]  # not 4.0: the next one takes the slot given back


def test_retry_after_as_seconds_or_http_date() -> None:
    assert _retry_after("7") == 7.0
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 < (_retry_after(later) or 0) <= 30
    assert _retry_after("soon") is None


def test_an_edited_mastodon_status_keeps_its_earlier_versions(
    open_archive: OpenArchive, player: Player
) -> None:
    status = "/api/v1/statuses/117020586180926938"
    player.sample("mastodon.social", status, "mastodon", "status_edited")
    player.sample("mastodon.social", f"{status}/history", "mastodon", "status_history")
    url = "https://mastodon.social/@mastodonpy_test_2/117020586180926938"
    row = capture(open_archive(player.config()), url)
    counts = json.loads(row["counts"])
    assert row["text"] == "the best editor? why, of course it is the KDE Advanced Text Editor, Kate"
    assert counts["earlier_versions"] == ["the best editor? why, of course it is VS Code"]
    assert counts["edited_at"] == "2026-08-01T13:54:00.695Z"


def test_an_answer_in_an_unexpected_shape_is_a_parse_error_not_a_crash(
    open_archive: OpenArchive, player: Player
) -> None:
    tweet_id = "1700000000000000009"
    body = {"__typename": "Tweet", "id_str": tweet_id, "text": "Hi", "mediaDetails": ["oops"]}
    query = {"id": tweet_id, "token": syndication_token(tweet_id), "lang": "en"}
    player.serve("cdn.syndication.twimg.com", "/tweet-result", body, query=query)
    archive = open_archive(player.only("twitter", "syndication"))
    row = capture(archive, f"https://twitter.com/someone/status/{tweet_id}")
    assert (row["status"], row["reason"]) == ("error", "parse_error")
