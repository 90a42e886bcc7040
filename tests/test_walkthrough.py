"""The README's start-to-finish walk-through, run exactly as written.

Each line of the block between the walkthrough markers is carried out in a scratch folder
(with `seeds/` and `examples/` linked in): `archiver ...` through the CLI in-process, the
local X (`python3 examples/local_x.py --night N &`, `kill %1`) as a server in this process,
everything else (the independent validators) as a subprocess. Every step must succeed.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shlex
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
import uvicorn
from click.testing import CliRunner

from archiver.cli import cli

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"<!-- walkthrough:start -->\s*```sh\n(.*?)```", re.S)


def _local_x() -> object:
    spec = importlib.util.spec_from_file_location("local_x", ROOT / "examples" / "local_x.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Background:
    """The one background job the block starts and kills (`&`, `kill %1`)."""

    def __init__(self) -> None:
        self.server: ThreadingHTTPServer | None = None

    def start(self, night: int) -> None:
        self.server = _local_x().serve(8765, night)  # type: ignore[attr-defined]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def kill(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


@pytest.fixture
def background() -> Iterator[Background]:
    job = Background()
    yield job
    job.kill()


def test_the_readme_walkthrough_works_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, background: Background
) -> None:
    block = BLOCK.search((ROOT / "README.md").read_text("utf-8"))
    assert block, "the README has a walk-through block"
    (tmp_path / "seeds").symlink_to(ROOT / "seeds")
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    monkeypatch.chdir(tmp_path)
    outputs: dict[str, str] = {}
    for line in block.group(1).splitlines():
        for command in filter(None, (part.strip() for part in line.split(";"))):
            outputs[command] = _run(command, background)
    archived = next(out for cmd, out in outputs.items() if "seeds/" in cmd and " archive " in cmd)
    assert "3 ok, 0 failed" in archived and "Pages rendered in the browser: 4." in archived
    recaptured = next(out for cmd, out in outputs.items() if "recapture --all" in cmd)
    assert "status_changed: 1, text_edited: 1" in recaptured
    story = json.loads(next(out for cmd, out in outputs.items() if "--json" in cmd))
    assert [c["status"] for c in story["captures"]] == ["ok", "deleted"]
    assert "The bundle holds." in next(o for c, o in outputs.items() if "verify-bundle" in c)
    assert "Everything holds." in next(o for c, o in outputs.items() if c.endswith(" verify"))
    _the_web_page(tmp_path / "demo.db", tmp_path)


def _the_web_page(db: Path, scratch: Path) -> None:
    """What the README says a journalist then does in `archiver serve`, in a real browser."""
    from playwright.sync_api import sync_playwright

    from archiver.archive import Archive
    from archiver.config import Config
    from archiver.export.bundle import verify_bundle
    from archiver.web.app import create_app

    config = Config(operator="walk-through")
    server = uvicorn.Server(uvicorn.Config(
        create_app(lambda: Archive.open(db, config), config.web), host="127.0.0.1", port=0,
        log_level="error"))  # fmt: skip
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox"]
            )
            page = browser.new_context(accept_downloads=True).new_page()
            page.goto(f"http://127.0.0.1:{port}/")
            page.fill("input[name=q]", "https://x.com/officejjsmart/status/1660650366063161345")
            page.press("input[name=q]", "Enter")
            page.wait_for_url("**/post/*")
            main = page.inner_text("main")
            assert "(updated: two explosions)" in main and "text_edited" in main
            assert "later copy" in main and "Gerashchenko_en" in main  # the reused photo
            assert "Geolocated to Belgorod" in main  # the note from the command line
            page.fill("textarea[name=text]", "Checked on the web page")
            page.click("text=Add note")
            page.wait_for_url("**/post/*")
            assert "Checked on the web page" in page.inner_text(".notes")
            with page.expect_download() as download:
                page.click("text=Download evidence bundle")
            bundle = scratch / "from-the-page.zip"
            download.value.save_as(bundle)
            browser.close()
        assert verify_bundle(bundle).ok
    finally:
        server.should_exit = True
        thread.join(10)


def _run(command: str, background: Background) -> str:
    words = shlex.split(command.rstrip("&").strip())
    if words[:2] == ["python3", "examples/local_x.py"]:
        assert command.endswith("&"), "the local X runs in the background"
        background.start(int(words[words.index("--night") + 1]))
        return ""
    if words == ["kill", "%1"]:
        background.kill()
        return ""
    if words[0] == "archiver":
        result = CliRunner().invoke(cli, words[1:])
        assert result.exit_code == 0, (command, result.stdout, result.stderr)
        return result.stdout
    finished = subprocess.run(words, capture_output=True, text=True, check=False)
    assert finished.returncode == 0, (command, finished.stdout, finished.stderr)
    return finished.stdout + finished.stderr
