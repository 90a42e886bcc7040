"""The main job end to end, against local servers mapped in for the real hosts."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image
from pytest_httpserver import HTTPServer

from archiver.archive import Archive
from archiver.errors import StoreError

from ..conftest import SEED, make_config
from ..platforms.player import Player
from ..platforms.test_twitter import tweet

OpenArchive = Callable[..., Archive]
PIC_IDS = ["7EmFb3IgXi", "SRVSAsF0Uf", "S7ktkkF8rb"]


def png(colour: tuple[int, int, int], size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, colour)
    for x in range(0, size[0], 8):  # some structure, so perceptual hashes are not flat
        for y in range(size[1]):
            image.putpixel((x, y), (255 - colour[0], 0, 0))
    image.save(out, "PNG")
    return out.getvalue()


def test_seed_offline_records_three_posts_and_their_dns_failures(open_archive: OpenArchive) -> None:
    archive = open_archive()
    summary = archive.archive([str(SEED)])
    assert (summary.articles, summary.posts, summary.credits) == (1, 3, 1)
    assert summary.captures == {"failed": 3} and summary.failures == {"dns": 3}
    rows = archive.store.rows(
        "SELECT p.url, c.status, c.reason, x.error_reason FROM post_captures c"
        " JOIN posts p ON p.id = c.post JOIN http_exchanges x ON x.id = c.exchange ORDER BY p.id"
    )
    assert rows == [
        {
            "url": f"https://pic.twitter.com/{pic}",
            "status": "failed",
            "reason": "dns",
            "error_reason": "dns",
        }
        for pic in PIC_IDS
    ]
    assert "no internet access" in summary.describe()
    [credit] = archive.store.rows("SELECT platform, account, kind FROM credits")
    assert credit == {"platform": "youtube", "account": "Suchomimus", "kind": "screenshot"}


def test_rerun_adds_captures_without_duplicating_articles_posts_or_media(
    open_archive: OpenArchive, tmp_path: Path
) -> None:
    (tmp_path / "photo.png").write_bytes(png((10, 200, 30)))
    archive = open_archive()
    sources = [str(SEED), str(tmp_path / "photo.png")]
    archive.archive(sources)
    second = archive.archive(sources)
    expected = {
        "articles": 1, "posts": 3, "embeds": 3, "credits": 1, "media": 1,
        "media_occurrences": 1, "post_captures": 6, "runs": 2,
    }  # fmt: skip
    assert {table: archive.store.count(table) for table in expected} == expected
    assert (second.new_posts, second.new_media) == (0, 0)


def test_image_file_is_stored_as_measured_hashed_media(
    open_archive: OpenArchive, tmp_path: Path
) -> None:
    data = png((200, 10, 10), (120, 80))
    (tmp_path / "shot.png").write_bytes(data)
    archive = open_archive()
    archive.archive([str(tmp_path / "shot.png")])
    [media] = archive.store.rows("SELECT * FROM media")
    assert (media["width"], media["height"], media["format"], media["mime"]) == (
        120,
        80,
        "PNG",
        "image/png",
    )
    assert len(media["phash"]) == 16 and len(media["dhash"]) == 16
    assert archive.blobs.get(media["sha256"]) == data


def test_article_url_with_embed_media_and_credited_image(
    open_archive: OpenArchive, player: Player
) -> None:
    article = f"""<html><head><title>Border clash</title></head><body>
      <figure><img src="/img/shot.png">
        <figcaption>Source: Telegram/rybar/Screenshot</figcaption></figure>
      <blockquote class="twitter-tweet"><p>Look <img src="{player.server.url_for("/")}x"></p>
      &mdash; A (@a) <a href="https://twitter.com/a/status/111">May 22, 2023</a></blockquote>
      <iframe src="https://t.me/rybar/5000?embed=1"></iframe></body></html>"""
    player.serve("news.test", "/1", article)
    player.serve("news.test", "/img/shot.png", png((0, 0, 250)), content_type="image/png")
    player.serve("cdn.syndication.twimg.com", "/tweet-result", tweet("111", "a", "Look"))
    player.serve("t.me", "/rybar/5000", "gone", status=404)
    player.serve("t.me", "/s/rybar/5000", "gone", status=404)
    archive = open_archive(player.config())
    summary = archive.archive(["http://news.test/1"])
    assert summary.articles == 1 and summary.posts == 2
    assert summary.captures == {"ok": 1, "unavailable": 1}
    assert summary.failures == {"not_found": 1}
    [row] = archive.store.rows("SELECT source, kind, title FROM articles")
    assert row == {"source": "http://news.test/1", "kind": "url", "title": "Border clash"}
    [occurrence] = archive.store.rows("SELECT * FROM media_occurrences")
    assert occurrence["credit_text"] == "Source: Telegram/rybar/Screenshot"
    assert occurrence["source_url"] == "http://news.test/img/shot.png"
    # the tweet's <img> points straight at the loopback server: refused by the guard, counted
    assert summary.media_failures == {"refused_by_policy": 1}
    [capture] = archive.store.rows("SELECT status, exchange FROM article_captures")
    assert capture["status"] == "ok" and capture["exchange"] is not None


def test_shared_media_is_fetched_once_per_run(
    open_archive: OpenArchive, httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/media/same.png").respond_with_data(
        png((1, 2, 3)), content_type="image/png"
    )
    tweet = (
        '<blockquote class="twitter-tweet"><p>T{n} <img src="https://pbs.twimg.com/media/same.png"></p>'
        '&mdash; A (@a) <a href="https://twitter.com/a/status/{n}">May 1, 2023</a></blockquote>'
    )
    (tmp_path / "a.html").write_text(
        "<html><body>" + tweet.format(n=1) + tweet.format(n=2) + "</body></html>"
    )
    archive = open_archive(make_config({"pbs.twimg.com": httpserver.url_for("/")}))
    summary = archive.archive([str(tmp_path / "a.html")])
    assert [request.path for request, _ in httpserver.log] == ["/media/same.png"]
    assert (
        summary.media,
        archive.store.count("media"),
        archive.store.count("media_occurrences"),
    ) == (1, 1, 2)


def test_one_bad_item_never_stops_the_run(open_archive: OpenArchive, tmp_path: Path) -> None:
    (tmp_path / "fake.jpg").write_text("<html><body>not an image</body></html>")
    (tmp_path / "blob.bin").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "broken.png").write_bytes(png((5, 5, 5))[:60])
    (tmp_path / "huge.txt").write_bytes(b"a" * 9000)
    os.mkfifo(tmp_path / "pipe.html")  # reading it would block forever
    config = make_config()
    config.limits.max_article_bytes = 8000
    archive = open_archive(config)
    sources = [
        str(tmp_path / n)
        for n in ("missing.html", "fake.jpg", "blob.bin", "broken.png", "huge.txt", "pipe.html")
    ]
    summary = archive.archive([*sources, str(SEED)])
    assert summary.articles == 1 and summary.posts == 3
    errors = {Path(item["source"]).name: item["error"] for item in summary.items_failed}
    assert "no such file" in errors["missing.html"]
    assert "named as an image but is not one" in errors["fake.jpg"]
    assert "binary file" in errors["blob.bin"]
    assert "broken image" in errors["broken.png"] or "not a decodable image" in errors["broken.png"]
    assert "over the 8000-byte limit" in errors["huge.txt"]
    assert "not a regular file" in errors["pipe.html"]
    [run] = archive.store.rows("SELECT status, summary FROM runs")
    assert run["status"] == "finished" and len(json.loads(run["summary"])["items_failed"]) == 6


def test_full_disk_fails_the_run_but_keeps_earlier_captures(
    open_archive: OpenArchive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "b.txt").write_text("Second article. — B (@b_b) May 2, 2023\n")
    archive = open_archive()
    real_put = archive.blobs.put
    calls = {"n": 0}

    def put_then_fill_disk(data: bytes) -> str:
        calls["n"] += 1
        if calls["n"] > 1:
            raise StoreError("cannot write blob: No space left on device")
        return real_put(data)

    monkeypatch.setattr(archive.blobs, "put", put_then_fill_disk)
    with pytest.raises(StoreError, match="No space left"):
        archive.archive([str(SEED), str(tmp_path / "b.txt")])
    [run] = archive.store.rows("SELECT status, summary FROM runs")
    assert run["status"] == "failed" and "No space left" in json.loads(run["summary"])["error"]
    assert archive.store.count("article_captures") == 1
    assert archive.store.count("posts") == 3
