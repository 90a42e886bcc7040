"""Runs that survive failure: a killed run resumes without losing or repeating a capture,
and two jobs never write one archive at once."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from archiver.archive import Archive
from archiver.cli import cli
from archiver.config import Config
from archiver.errors import LockedError
from archiver.platforms.twitter import syndication_token
from archiver.store.events import GENESIS, event_hash
from archiver.store.lock import exclusive

from ..platforms.test_twitter import tweet

ROOT = Path(__file__).parent.parent.parent
IDS = [f"17000000000000000{n:02d}" for n in range(6)]


def test_a_second_job_on_the_same_archive_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with exclusive(db):
        with (
            Archive.open(db, Config()) as archive,
            pytest.raises(LockedError, match="another archiver job"),
        ):
            archive.archive([str(tmp_path)])
        result = CliRunner().invoke(cli, ["--db", str(db), "archive", str(tmp_path)])
    assert result.exit_code == 3  # could not run
    assert result.stderr.startswith("Error: LockedError:") and len(result.stderr.splitlines()) == 1


def test_resume_with_nothing_to_resume(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "a.db"), "archive", "--resume"])
    assert result.exit_code == 0 and "Nothing to resume" in result.stdout


def test_a_run_killed_mid_way_resumes_without_losing_or_repeating(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    def slow_tweet(request: Request) -> Response:
        time.sleep(0.4)
        tweet_id = request.args["id"]
        assert request.args["token"] == syndication_token(tweet_id)
        return Response(
            json.dumps(tweet(tweet_id, "someone", f"Post {tweet_id}")),
            content_type="application/json",
        )

    httpserver.expect_request("/tweet-result").respond_with_handler(slow_tweet)
    articles = []
    for n, tweet_id in enumerate(IDS):
        article = tmp_path / f"article{n}.html"
        article.write_text(
            '<html><body><blockquote class="twitter-tweet"><p>Post</p>&mdash; S (@someone) '
            f'<a href="https://twitter.com/someone/status/{tweet_id}">May 1, 2023</a>'
            "</blockquote></body></html>"
        )
        articles.append(str(article))
    config = tmp_path / "config.toml"
    config.write_text(
        'operator = "night desk"\n[network]\nbackoff = 0.01\n'
        f'[network.host_map]\n"cdn.syndication.twimg.com" = "{httpserver.url_for("/")}"\n'
        "[platforms]\nmin_interval = 0\n"
        '[platforms.twitter]\ndisabled_methods = ["oembed", "embed_page"]\n'
    )
    db = tmp_path / "a.db"
    command = [
        sys.executable,
        "-m",
        "archiver",
        "--db",
        str(db),
        "--config",
        str(config),
        "archive",
        *articles,
    ]
    job = subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and _count(db, "SELECT count(*) FROM post_captures") < 2:
        time.sleep(0.05)
    job.send_signal(signal.SIGKILL)
    job.wait(timeout=10)
    assert _count(db, "SELECT count(*) FROM runs WHERE status = 'running'") == 1
    done_before = _count(db, "SELECT count(*) FROM post_captures")
    assert 2 <= done_before < len(IDS)

    result = CliRunner().invoke(
        cli, ["--db", str(db), "--config", str(config), "archive", "--resume", "--json"]
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["resumed"] is True
    with sqlite3.connect(db) as conn:
        per_post = conn.execute("SELECT post, count(*) FROM post_captures GROUP BY post").fetchall()
        assert sorted(n for _, n in per_post) == [1] * len(IDS)  # every post once, none twice
        assert conn.execute("SELECT count(*) FROM article_captures").fetchone()[0] == len(IDS)
        assert conn.execute("SELECT status FROM runs").fetchall() == [("finished",)]
        statuses = conn.execute("SELECT DISTINCT status FROM run_items").fetchall()
        assert statuses == [("done",)]
        previous = GENESIS
        for ts, kind, subject, detail, prev_hash, digest in conn.execute(
            "SELECT ts, kind, subject, detail, prev_hash, hash FROM events ORDER BY id"
        ):
            assert prev_hash == previous and digest == event_hash(
                previous, ts, kind, subject, detail
            )
            previous = digest


def _count(db: Path, sql: str) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=1) as conn:
            return int(conn.execute(sql).fetchone()[0])
    except sqlite3.OperationalError:
        return 0  # not created yet


def test_wait_queues_behind_the_job_holding_the_lock(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    article = tmp_path / "article.txt"
    article.write_text("Nothing embedded here.")
    script = (
        "import sys, time\nfrom pathlib import Path\nfrom archiver.store.lock import exclusive\n"
        "with exclusive(Path(sys.argv[1])):\n    print('held', flush=True)\n    time.sleep(1.5)\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", script, str(db)], cwd=ROOT, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["--db", str(db), "--wait", "archive", str(article)])
    waited = time.monotonic() - started
    holder.wait(timeout=10)
    holder.stdout.close()
    assert result.exit_code == 0, result.stderr
    assert waited >= 0.5  # it queued behind the holder rather than being refused
