"""The web page in a real browser (Playwright driving Debian's Chromium): a journalist's
path through it, and hostile post text that must stay text."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Page, sync_playwright

from archiver.archive import Archive
from archiver.config import Config
from archiver.export.bundle import verify_bundle
from archiver.web.app import create_app

from .jobs.test_recapture import TWEET_ID, URL
from .test_web import HOSTILE, db  # noqa: F401 - the archive fixture

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def site(db: Path) -> Iterator[str]:  # noqa: F811 - the fixture imported above
    config = Config(operator="web tester")
    app = create_app(lambda: Archive.open(db, config), config.web)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture
def page() -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox"]
        )
        context = browser.new_context(viewport={"width": 1200, "height": 900},
                                      accept_downloads=True)  # fmt: skip
        yield context.new_page()
        browser.close()


def test_a_journalists_path_through_the_page(site: str, page: Page, tmp_path: Path) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(site)
    page.fill("input[name=q]", f"https://mobile.twitter.com/someone/status/{TWEET_ID}?s=20")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/post/*")
    assert "Casualties: 30" in page.inner_text("main")
    assert HOSTILE in page.inner_text("main")  # shown as text...
    assert dialogs == []  # ...and nothing in it ran
    page.fill("textarea[name=text]", "Geolocated to Belgorod")
    page.fill("input[name=author]", "A. Analyst")
    page.click("text=Add note")
    page.wait_for_url("**/post/*")
    assert "Geolocated to Belgorod" in page.inner_text(".notes")
    shot = page.screenshot(full_page=True)
    assert shot.startswith(b"\x89PNG")
    if os.environ.get("ARCHIVER_UPDATE_DOCS"):  # the README's picture of this page
        (ROOT / "docs" / "web-post.png").write_bytes(shot)
    with page.expect_download() as download:
        page.click("text=Download evidence bundle")
    bundle = tmp_path / "bundle.zip"
    download.value.save_as(bundle)
    assert verify_bundle(bundle).ok
    assert dialogs == []
    assert URL
