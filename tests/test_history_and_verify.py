"""A post's history by any URL form, provenance notes, and verification that catches tampering."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from archiver.archive import Archive
from archiver.cli import cli
from archiver.errors import NotFound
from archiver.history import as_cdxj, as_timemap

from .jobs.test_recapture import TWEET_ID, URL, serve
from .media.images import encode, photo
from .platforms.player import Player
from .platforms.test_twitter import tombstone, tweet

OpenArchive = Callable[..., Archive]


@pytest.fixture
def archive(open_archive: OpenArchive, player: Player, tmp_path: Path) -> Archive:
    """A tweet captured three times: first, edited, then deleted; and the same photo, in
    better quality, credited in an earlier article."""
    opened = open_archive(player.config())
    picture = photo("coffee")
    player.serve("news.test", "/credit.jpg", encode(picture, quality=95), content_type="image/jpeg")
    earlier = tmp_path / "earlier.html"
    earlier.write_text(
        "<html><body><figure><img src='https://news.test/credit.jpg'>"
        "<figcaption>Photo: Twitter/@someone</figcaption></figure></body></html>"
    )
    opened.archive([str(earlier)])
    article = tmp_path / "article.html"
    article.write_text(
        f"<html><body><blockquote class='twitter-tweet'><a href='{URL}'>May 1</a></blockquote>"
        "</body></html>"
    )
    serve(player, tweet(TWEET_ID, "someone", "Casualties: 3", media=["Photo"]),
          encode(picture, quality=60))  # fmt: skip
    opened.archive([str(article)])
    serve(player, tweet(TWEET_ID, "someone", "Casualties: 30", media=["Photo"]),
          encode(picture, quality=60))  # fmt: skip
    opened.recapture(due=False)
    serve(player, tombstone("This Post was deleted by the Post author."))
    opened.recapture(due=False)
    return opened


URL_FORMS = [
    URL,
    f"https://x.com/someone/status/{TWEET_ID}",
    f"https://mobile.twitter.com/someone/status/{TWEET_ID}?s=20&t=abcDEF",
    f"https://twitter.com/someone/status/{TWEET_ID}/photo/1",
    f"https://x.com/i/web/status/{TWEET_ID}/",
]


@pytest.mark.parametrize("url", URL_FORMS)
def test_every_url_form_finds_the_whole_story(archive: Archive, url: str) -> None:
    story = archive.history(url)
    assert story.post["post_id"] == TWEET_ID
    assert [c["status"] for c in story.captures] == ["ok", "ok", "deleted"]
    assert [c["text"] for c in story.captures[:2]] == ["Casualties: 3", "Casualties: 30"]
    assert [c["kind"] for c in story.changes] == ["text_edited", "status_changed"]
    assert story.changes[0]["detail"] == {"from": "Casualties: 3", "to": "Casualties: 30"}
    assert story.changes[1]["detail"]["to"] == "deleted"
    assert story.vanished_at == story.captures[2]["captured_at"] and story.came_back_at is None
    assert [a["kind"] for a in story.articles] == ["file"]
    assert all(c["exchanges"] for c in story.captures)
    assert story.captures[0]["exchanges"][-1]["status"] == 200


def test_images_show_where_the_same_picture_was_seen_first(archive: Archive) -> None:
    story = archive.history(URL)
    [sha] = {m["sha256"] for m in story.captures[0]["media"]}
    lineage = story.media[sha]
    [match] = lineage["matches"]  # the article's credited photo, a better-quality copy
    assert match["relation"] == "earlier" and match["method"].startswith("pdq")
    assert match["first_seen"]["article_url"].endswith("earlier.html")
    assert lineage["first_seen"]["post_url"] == URL


def test_unknown_post_is_not_found(archive: Archive) -> None:
    with pytest.raises(NotFound):
        archive.history("https://x.com/someone/status/1")
    result = CliRunner().invoke(
        cli, ["--db", archive.store.path, "history", "https://t.me/nobody/5"]
    )
    assert result.exit_code == 1 and result.stderr.startswith("Error: NotFound:")


def test_timemap_and_cdxj(archive: Archive) -> None:
    story = archive.history(URL)
    timemap = as_timemap(story)
    lines = timemap.strip().split(",\n")
    assert lines[0] == f'<{story.post["url"]}>; rel="original"'
    assert 'rel="self"; type="application/link-format"; from="' in lines[1]
    mementos = lines[2:]
    assert len(mementos) == 3
    assert 'rel="first memento"' in mementos[0] and 'rel="last memento"' in mementos[-1]
    assert mementos[0].startswith(f"<urn:archiver:capture:{story.captures[0]['id']}>")
    assert "GMT" in mementos[0]
    replay = as_timemap(story, "https://replay.example/coll/")
    assert "<https://replay.example/coll/" in replay and f"/{story.post['url']}>" in replay
    cdxj = as_cdxj(story).splitlines()
    assert len(cdxj) == 3 and cdxj == sorted(cdxj)
    key, timestamp, record = cdxj[0].split(" ", 2)
    assert key.startswith("com,twimg,syndication,cdn)/") and len(timestamp) == 14
    assert json.loads(record)["digest"].startswith("sha256:")


def test_notes_are_appended_superseded_and_shown(archive: Archive) -> None:
    story = archive.history(URL)
    first = archive.note(URL, "Posted by the regional administration", author="A. Analyst")
    fix = archive.note(
        f"https://x.com/someone/status/{TWEET_ID}", "Posted by the city administration",
        author="B. Editor", supersedes=first["id"],
    )  # fmt: skip
    sha = story.captures[0]["media"][0]["sha256"]
    archive.note(sha, "Same photo as the 2019 flood coverage")
    archive.note(str(story.captures[2]["id"]), "Deletion confirmed by hand")
    assert [n["text"] for n in archive.notes(URL)] == [
        "Posted by the regional administration", "Posted by the city administration"
    ]  # fmt: skip
    assert archive.notes(URL)[0]["superseded_by"] == fix["id"]
    assert len(archive.history(URL).notes) == 4  # the post's, its image's, its capture's
    with pytest.raises(NotFound):
        archive.note("f" * 64, "no such image")
    events = archive.store.rows("SELECT kind FROM events WHERE kind = 'note.added'")
    assert len(events) == 4
    assert archive.verify().ok


def test_cli_history_formats_and_note(archive: Archive) -> None:
    db = archive.store.path
    runner = CliRunner()
    result = runner.invoke(cli, ["--db", db, "note", URL, "Checked", "--author", "C", "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["target"].startswith("post:")
    text = runner.invoke(cli, ["--db", db, "history", URL]).stdout
    assert "Captures (3):" in text and "text_edited" in text and "Checked" in text
    data = json.loads(runner.invoke(cli, ["--db", db, "history", URL, "--json"]).stdout)
    assert set(data) >= {"post", "captures", "changes", "articles", "notes", "media"}
    timemap = runner.invoke(cli, ["--db", db, "history", URL, "--format", "timemap"]).stdout
    assert timemap.startswith("<https://")


# Verification -------------------------------------------------------------------------------


def test_an_untouched_archive_verifies(archive: Archive) -> None:
    result = archive.verify()
    assert result.ok, result.describe()
    assert result.blobs_checked == result.blobs_total > 3 and result.rows_sealed > 10
    head = archive.store.rows("SELECT hash FROM events ORDER BY id DESC LIMIT 1")[0]["hash"]
    assert result.head_hash == head
    sampled = archive.verify(sample=2)
    assert sampled.ok and sampled.blobs_checked == 2


def _tamper(archive: Archive, sql: str, params: list[object] | None = None) -> None:
    with sqlite3.connect(archive.store.path) as conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute(sql, params or [])


def _problems(archive: Archive) -> list[tuple[str, str]]:
    result = archive.verify()
    assert not result.ok
    return [(p.kind, p.where) for p in result.problems]


def test_a_flipped_byte_in_a_blob_is_caught(archive: Archive) -> None:
    sha = archive.store.rows("SELECT sha256 FROM media LIMIT 1")[0]["sha256"]
    path = archive.blobs.path(sha)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    assert ("blob_corrupt", f"blob {sha}") in _problems(archive)


def test_a_deleted_blob_is_caught(archive: Archive) -> None:
    sha = archive.store.rows("SELECT body_sha256 FROM http_exchanges WHERE status = 200")[0]
    archive.blobs.path(sha["body_sha256"]).unlink()
    assert ("blob_missing", f"blob {sha['body_sha256']}") in _problems(archive)


def test_an_edited_capture_is_caught(archive: Archive) -> None:
    _tamper(archive, "UPDATE post_captures SET text = 'Casualties: 0' WHERE id = 1")
    assert _problems(archive) == [("row_changed", "post_captures row 1")]


def test_a_deleted_capture_is_caught(archive: Archive) -> None:
    _tamper(archive, "DELETE FROM capture_exchanges WHERE capture = 2")
    _tamper(archive, "DELETE FROM post_captures WHERE id = 2")
    assert ("row_missing", "post_captures row 2") in _problems(archive)


def test_an_edited_event_is_caught(archive: Archive) -> None:
    _tamper(archive, "UPDATE events SET detail = '{}' WHERE id = 5")
    assert _problems(archive)[0][0] == "chain" and "event 5 " in _problems(archive)[0][1]


def test_a_deleted_event_is_caught(archive: Archive) -> None:
    _tamper(archive, "DELETE FROM events WHERE id = 7")
    kinds = _problems(archive)
    assert kinds[0][0] == "chain" and "event 8 " in kinds[0][1]


def test_the_last_events_deleted_leave_their_rows_unsealed(archive: Archive) -> None:
    last = archive.store.rows("SELECT max(id) AS id FROM post_captures")[0]["id"]
    _tamper(archive, "DELETE FROM events WHERE subject = ?", [f"post_capture:{last}"])
    assert ("unsealed", f"post_captures row {last}") in _problems(archive)


def test_a_dangling_reference_is_caught(archive: Archive) -> None:
    _tamper(archive, "UPDATE embeds SET article = 999")
    assert any(kind == "reference" for kind, _ in _problems(archive))


def test_cli_verify_exit_codes(archive: Archive) -> None:
    runner = CliRunner()
    good = runner.invoke(cli, ["--db", archive.store.path, "verify", "--json"])
    assert good.exit_code == 0 and json.loads(good.stdout)["ok"] is True
    _tamper(archive, "UPDATE post_captures SET status = 'ok' WHERE id = 3")
    bad = runner.invoke(cli, ["--db", archive.store.path, "verify"])
    assert bad.exit_code == 1 and "row_changed: post_captures row 3" in bad.stdout


@pytest.mark.parametrize(
    ("archived", "asked"),
    [
        ("https://t.me/bellingcat_chat/1234", "https://t.me/s/bellingcat_chat/1234"),
        ("https://t.me/bellingcat_chat/1234", "https://t.me/bellingcat_chat/1234?embed=1"),
        ("https://www.youtube.com/watch?v=jNQXAC9IVRw", "https://youtu.be/jNQXAC9IVRw?si=x1"),
        ("https://www.instagram.com/p/C8abcDEF123/", "https://www.instagram.com/reel/C8abcDEF123"),
        ("https://twitter.com/a/status/20", "https://x.com/a/status/20/?utm_source=feed"),
    ],
)
def test_other_platforms_url_forms(open_archive: OpenArchive, archived: str, asked: str) -> None:
    archive = open_archive()  # offline: the capture fails, the post is still known
    archive.archive([archived])
    assert archive.history(asked).post["url"] is not None
    assert archive.history(asked).post["id"] == archive.history(archived).post["id"]


def test_a_column_added_later_does_not_break_the_seals(archive: Archive) -> None:
    with sqlite3.connect(archive.store.path) as conn:  # what a future migration might do
        conn.execute("ALTER TABLE post_captures ADD COLUMN reviewed TEXT")
        conn.execute("UPDATE post_captures SET reviewed = 'yes'")
    assert archive.verify().ok
    _tamper(archive, "UPDATE post_captures SET text = 'changed' WHERE id = 1")
    assert ("row_changed", "post_captures row 1") in _problems(archive)
