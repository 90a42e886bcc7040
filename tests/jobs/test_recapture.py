"""Recapture: the schedule, and every kind of change between two captures of a post."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from archiver.archive import Archive
from archiver.cli import cli
from archiver.config import Config
from archiver.errors import ConfigError
from archiver.jobs.schedule import duration, is_due

from ..media.images import encode, photo
from ..platforms.player import Player
from ..platforms.test_twitter import serve_tweet, tombstone, tweet

TWEET_ID = "1700000000000000001"
URL = f"https://twitter.com/someone/status/{TWEET_ID}"
OpenArchive = Callable[..., Archive]
STEPS = [duration(step) for step in ("1h", "1d", "7d", "30d")]
FIRST = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("last", "now", "due"),
    [
        (FIRST, FIRST + timedelta(minutes=30), False),  # nothing scheduled yet
        (FIRST, FIRST + timedelta(hours=2), True),  # the 1-hour checkpoint has passed
        (FIRST + timedelta(hours=2), FIRST + timedelta(hours=3), False),  # and was taken
        (FIRST + timedelta(hours=2), FIRST + timedelta(days=2), True),  # the 1-day one now
        (FIRST + timedelta(days=31), FIRST + timedelta(days=61), True),  # monthly after 30 days
        (FIRST + timedelta(days=61), FIRST + timedelta(days=62), False),
    ],
)
def test_schedule(last: datetime, now: datetime, due: bool) -> None:
    assert is_due(FIRST, last, now, STEPS, duration("30d")) is due


def test_bad_schedule_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="not a duration: 'soon'"):
        Config.from_dict({"recapture": {"schedule": ["1h", "soon"]}})


def serve(player: Player, body: dict[str, Any], media: bytes | None = None) -> None:
    player.server.clear_all_handlers()
    serve_tweet(player, body, tweet_id=TWEET_ID)
    if media is not None:
        player.serve("pbs.twimg.com", "/media/Photo", media, content_type="image/jpeg")


def changes(archive: Archive) -> list[tuple[str, dict[str, Any]]]:
    rows = archive.store.rows("SELECT kind, detail FROM changes ORDER BY id")
    return [(row["kind"], json.loads(row["detail"])) for row in rows]


def test_edited_text_is_a_change_with_before_and_after(
    open_archive: OpenArchive, player: Player
) -> None:
    archive = open_archive(player.config())
    serve(player, tweet(TWEET_ID, "someone", "Casualties: 3"))
    archive.archive([URL])
    serve(player, tweet(TWEET_ID, "someone", "Casualties: 30"))
    summary = archive.recapture(due=False)
    assert changes(archive) == [("text_edited", {"from": "Casualties: 3", "to": "Casualties: 30"})]
    assert summary.changes == {"text_edited": 1} and "text_edited: 1" in summary.describe()


def test_deleted_then_back(open_archive: OpenArchive, player: Player) -> None:
    archive = open_archive(player.config())
    serve(player, tweet(TWEET_ID, "someone", "Here"))
    archive.archive([URL])
    serve(player, tombstone("This Post was deleted by the Post author."))
    archive.recapture()
    serve(player, tweet(TWEET_ID, "someone", "Here"))
    archive.recapture()
    assert [kind for kind, _ in changes(archive)] == ["status_changed", "came_back"]
    assert changes(archive)[0][1] == {"from": "ok", "to": "deleted", "reason": "deleted"}


def test_a_network_failure_is_not_a_change(open_archive: OpenArchive, player: Player) -> None:
    archive = open_archive(player.config(retries=0))
    serve(player, tweet(TWEET_ID, "someone", "Here"))
    archive.archive([URL])
    player.server.clear_all_handlers()
    for host in ("cdn.syndication.twimg.com", "publish.twitter.com", "platform.twitter.com"):
        player.serve(host, "/tweet-result" if "cdn" in host else "/oembed", "down", status=503)
    archive.recapture()
    assert changes(archive) == []


def test_media_reencoded_and_media_added(open_archive: OpenArchive, player: Player) -> None:
    """Platform media URLs name their bytes: a re-encoded picture comes under a new URL."""
    archive = open_archive(player.config())
    serve(
        player,
        tweet(TWEET_ID, "someone", "Look", media=["Photo"]),
        encode(photo("coffee"), quality=95),
    )
    archive.archive([URL])
    serve(player, tweet(TWEET_ID, "someone", "Look", media=["PhotoB"]))
    player.serve(
        "pbs.twimg.com",
        "/media/PhotoB",
        encode(photo("coffee"), quality=40),
        content_type="image/jpeg",
    )
    archive.recapture()
    serve(player, tweet(TWEET_ID, "someone", "Look", media=["PhotoB", "Second"]))
    player.serve(
        "pbs.twimg.com", "/media/Second", encode(photo("rocket")), content_type="image/jpeg"
    )
    archive.recapture()
    assert [kind for kind, _ in changes(archive)] == ["media_changed", "media_added"]


def test_an_edited_x_post_leads_to_its_newer_version(
    open_archive: OpenArchive, player: Player
) -> None:
    newer = "1700000000000000099"
    old = tweet(TWEET_ID, "someone", "Old text")
    old["edit_control"]["edit_tweet_ids"] = [TWEET_ID, newer]
    archive = open_archive(player.config())
    serve(player, tweet(TWEET_ID, "someone", "Old text"))
    archive.archive([URL])
    serve(player, old)
    new = tweet(newer, "someone", "New text")
    new["edit_control"]["edit_tweet_ids"] = [TWEET_ID, newer]
    serve_tweet(player, new)
    archive.recapture()
    assert changes(archive) == [("superseded", {"newer_post_id": newer})]
    texts = archive.store.rows(
        "SELECT p.post_id, c.text FROM post_captures c JOIN posts p ON p.id = c.post ORDER BY c.id"
    )
    assert texts[-1] == {"post_id": newer, "text": "New text"}


def test_due_recaptures_only_posts_whose_checkpoint_passed(
    open_archive: OpenArchive, player: Player
) -> None:
    archive = open_archive(player.config())
    serve(player, tweet(TWEET_ID, "someone", "Here"))
    archive.archive([URL])
    soon = archive.recapture(due=True, now=datetime.now(UTC) + timedelta(minutes=10))
    later = archive.recapture(due=True, now=datetime.now(UTC) + timedelta(hours=2))
    assert (soon.captures, later.captures) == ({}, {"ok": 1})


def test_recapture_command_needs_one_choice(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "a.db"), "recapture"])
    assert result.exit_code == 2 and "give post URLs, or --due, or --all" in result.stderr
    result = CliRunner().invoke(
        cli, ["--db", str(tmp_path / "a.db"), "recapture", "--all", "--json"]
    )
    assert result.exit_code == 0 and json.loads(result.stdout)["captures"] == {}
