"""Browser capture with Debian's Chromium, every request through the archiver's own fetcher,
against local servers mapped with host_map."""

from __future__ import annotations

import io
import json
import resource
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image, ImageStat
from werkzeug import Request, Response

from archiver.archive import Archive
from archiver.browser import Browser
from archiver.fetch.client import Fetcher

from .jobs.test_recapture import TWEET_ID, URL, serve
from .media.images import encode, photo
from .platforms.player import Player
from .platforms.test_twitter import tweet

OpenArchive = Callable[..., Archive]
ARTICLE = f"""<!doctype html><html><head><title>Belgorod</title></head><body>
<h1>Explosions reported in Belgorod</h1><p>Residents described two blasts.</p>
<img src="https://news.test/lead.jpg" width="400">
<blockquote class="twitter-tweet"><p>Casualties: 3</p>&mdash; Someone (@someone)
<a href="{URL}">May 22, 2023</a></blockquote>
<script>fetch("http://127.0.0.1:9/secret").catch(() => {{}});
document.body.insertAdjacentHTML("beforeend", "<p id=late>Added by a script</p>");</script>
</body></html>"""
EMBED = f"""<!doctype html><html><body><p><b>Someone</b> @someone</p><p>Casualties: 3</p>
<img src="https://pbs.twimg.com/media/Photo.jpg" width="500"><p>id {TWEET_ID}</p></body></html>"""


def _png(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


@pytest.fixture
def archive(open_archive: OpenArchive, player: Player) -> Archive:
    config = player.config()  # the SSRF guard stays on: only mapped hosts may be loopback
    config.browser.enabled = True
    config.browser.timeout = 15.0
    serve(
        player,
        tweet(TWEET_ID, "someone", "Casualties: 3", media=["Photo"]),
        encode(photo("coffee")),
    )  # fmt: skip (this one clears the server's answers first)
    player.serve("news.test", "/belgorod", ARTICLE)
    player.serve("news.test", "/lead.jpg", encode(photo("rocket")), content_type="image/jpeg")
    player.serve("platform.twitter.com", "/embed/Tweet.html", EMBED, query={"id": TWEET_ID})
    player.serve("pbs.twimg.com", "/media/Photo.jpg", encode(photo("coffee")),
                 content_type="image/jpeg")  # fmt: skip
    return open_archive(config)


def test_an_article_and_its_post_are_rendered_screenshotted_and_kept(archive: Archive) -> None:
    summary = archive.archive(["https://news.test/belgorod"])
    assert summary.pages_rendered == 2 and not summary.pages_failed
    rows = archive.store.rows("SELECT * FROM browser_captures ORDER BY id")
    by_kind = {("post" if r["post_capture"] else "article"): r for r in rows}
    assert set(by_kind) == {"post", "article"} and all(r["status"] == "ok" for r in rows)
    for row in rows:
        shot = _png(archive.blobs.get(row["screenshot_sha256"]))
        assert shot.width == 1280 and shot.height >= 900
        assert max(ImageStat.Stat(shot.convert("L")).stddev) > 5  # not a blank page
        annotated = _png(archive.blobs.get(row["annotated_sha256"]))
        assert annotated.height == shot.height + 48  # the band, above the untouched page
        manifest = json.loads(archive.blobs.get(row["manifest_sha256"]))
        assert manifest["viewport"] == {"width": 1280, "height": 900}
        assert manifest["browser"].startswith("Chromium ") and manifest["user_agent"]
        assert manifest["annotated"]["from_sha256"] == row["screenshot_sha256"]
    dom = archive.blobs.get(by_kind["article"]["dom_sha256"]).decode()
    assert "Explosions reported in Belgorod" in dom and "Added by a script" in dom
    assert "Casualties: 3" in archive.blobs.get(by_kind["post"]["dom_sha256"]).decode()
    # the screenshot is an image of the archive like any other: fingerprinted, with its place
    media = archive.store.rows("SELECT media_type FROM media_occurrences")
    assert sum(m["media_type"] == "screenshot" for m in media) == 2
    assert archive.verify().ok


def test_every_browser_request_goes_through_the_guard_and_is_recorded(archive: Archive) -> None:
    archive.archive(["https://news.test/belgorod"])
    row = archive.store.rows("SELECT exchanges FROM browser_captures WHERE article_capture")[0]
    exchanges = archive.store.exchanges_by_ids(json.loads(row["exchanges"]))
    urls = {x["url"]: x for x in exchanges}
    assert urls["https://news.test/belgorod"]["status"] == 200
    assert urls["https://news.test/lead.jpg"]["status"] == 200  # the page's own image
    secret = urls["http://127.0.0.1:9/secret"]  # the script's request to a loopback address
    assert secret["status"] is None and secret["error_reason"] == "refused_by_policy"


def test_a_page_that_never_loads_is_a_failed_render_and_the_capture_stands(
    archive: Archive, player: Player
) -> None:
    def slow(request: Request) -> Response:
        time.sleep(2.5)
        return Response(encode(photo("rocket")), content_type="image/jpeg")

    player.serve("news.test", "/slow", "<html><body>waiting for <img src='/never.jpg'>"
                 "</body></html>")  # fmt: skip
    player.server.expect_request("/news.test/never.jpg").respond_with_handler(slow)
    archive.config.browser.timeout = 1.0
    archive.archive(["https://news.test/slow"])
    [row] = archive.store.rows("SELECT * FROM browser_captures")
    assert row["status"] == "failed" and "Timeout" in row["error"]
    assert row["screenshot_sha256"] is None and row["manifest_sha256"]
    assert archive.store.count("article_captures") == 1


def test_memory_stays_bounded_over_fifty_renders(archive: Archive, player: Player) -> None:
    player.serve("news.test", "/page", "<html><body><h1>" + "word " * 400 + "</h1></body></html>")
    archive.config.browser.scroll = False  # nothing lazy on this page
    browser = Browser(archive.config.browser, archive.fetcher)
    try:
        for _ in range(10):
            assert browser.render("https://news.test/page").ok
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        for _ in range(40):
            assert browser.render("https://news.test/page").ok
        grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    finally:
        browser.close()
    assert grown_mb < 40  # a fresh context per page, closed after it


def test_without_chromium_the_error_is_one_clear_line(archive: Archive, tmp_path: Path) -> None:
    archive.config.browser.executable = str(tmp_path / "no-such-chromium")
    browser = Browser(archive.config.browser, Fetcher(archive.config.network, "tester"))
    with pytest.raises(Exception, match="cannot start Chromium"):
        browser.render("https://news.test/belgorod")


def test_pages_show_in_history_and_in_bundles(archive: Archive, tmp_path: Path) -> None:
    from archiver.export.bundle import verify_bundle
    from archiver.export.selection import Selection

    archive.archive(["https://news.test/belgorod"])
    story = archive.history(URL)
    [page] = story.captures[0]["pages"]
    assert page["status"] == "ok" and page["screenshot_sha256"]
    out = tmp_path / "bundle"
    archive.export(Selection(article="https://news.test/belgorod"), out)
    report = (out / "data" / "report.html").read_text()
    assert f"media/{page['screenshot_sha256']}.png" in report and "pages/" in report
    provenance = json.loads((out / "data" / "provenance.json").read_text())
    assert len(provenance["pages"]) == 2
    browser_urls = {x["url"] for x in provenance["exchanges"]}
    assert "http://127.0.0.1:9/secret" in browser_urls  # the refused request travels too
    assert verify_bundle(out).ok


def test_rendering_is_chosen_per_platform_and_per_job(tmp_path: Path) -> None:
    from archiver.config import BrowserConfig
    from archiver.jobs.jobfile import JobFile

    settings = BrowserConfig(enabled=True, platforms=["telegram"])
    assert settings.renders("telegram") and not settings.renders("twitter")
    assert not BrowserConfig(enabled=False).renders("telegram")
    assert BrowserConfig(enabled=True).renders("twitter")  # no list: every platform
    job = tmp_path / "job.toml"
    job.write_text("[job]\nsources = []\nscreenshots = true\n")
    assert JobFile.load(job).screenshots is True


def test_two_browsers_render_side_by_side(archive: Archive) -> None:
    archive.config.browser.concurrency = 2  # each page on its own browser thread and Chromium
    summary = archive.archive(["https://news.test/belgorod"])
    assert summary.pages_rendered == 2 and not summary.pages_failed
    rows = archive.store.rows("SELECT status, screenshot_sha256 FROM browser_captures")
    assert [r["status"] for r in rows] == ["ok", "ok"] and all(r["screenshot_sha256"] for r in rows)


def test_hostile_pages_cannot_break_the_run_or_leave_the_fetcher(
    archive: Archive, player: Player
) -> None:
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    player.serve("news.test", "/nan", (
        "<html><body><p>odd page</p><script>"
        "Object.defineProperty(Element.prototype, 'scrollHeight', {get() { return NaN; }});"
        f"try {{ new WebSocket('ws://127.0.0.1:{port}/'); }} catch (e) {{}}"
        "</script></body></html>"))  # fmt: skip
    summary = archive.archive(["https://news.test/nan"])
    assert summary.pages_rendered == 1  # a height of NaN is no height: the limit is used
    with pytest.raises(TimeoutError):
        listener.accept()  # the socket never left the browser
    listener.close()


def test_a_redirected_page_runs_at_the_origin_it_came_from(
    archive: Archive, player: Player
) -> None:
    player.serve("news.test", "/old", status=301, headers={"Location": "https://news.test/new"})
    player.serve("news.test", "/new", "<html><body><p id=here>moved here</p></body></html>")
    summary = archive.archive(["https://news.test/old"])
    [row] = archive.store.rows("SELECT * FROM browser_captures")
    assert summary.pages_rendered == 1, row["error"]
    manifest = json.loads(archive.blobs.get(row["manifest_sha256"]))
    assert manifest["final_url"] == "https://news.test/new"
    assert "moved here" in archive.blobs.get(row["dom_sha256"]).decode()
