"""The nightly job file, run with cron's semantics: no terminal, no input, a report and a hook."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from archiver.cli import cli
from archiver.errors import ConfigError
from archiver.jobs.jobfile import JobFile

from ..platforms.player import Player
from ..platforms.test_twitter import serve_tweet, tombstone, tweet

EDITED, DELETED = "1700000000000000001", "1700000000000000002"


def write_job(tmp_path: Path, player: Player) -> tuple[Path, Path]:
    config = tmp_path / "config.toml"
    host_map = "\n".join(f'"{h}" = "{u}"' for h, u in player.config().network.host_map.items())
    config.write_text(
        "[network]\nbackoff = 0.01\n[network.host_map]\n"
        + host_map
        + "\n[platforms]\nmin_interval = 0\n"
    )
    job = tmp_path / "nightly.toml"
    script = 'import sys; open(sys.argv[1] + \\".seen\\", \\"w\\")'
    hook = f'["{sys.executable}", "-c", "{script}", "{{report}}"]'
    job.write_text(
        "[job]\n"
        f'sources = ["https://twitter.com/a/status/{EDITED}", "https://twitter.com/a/status/{DELETED}"]\n'
        'recapture = "all"\nreport = "reports/nightly-{date}.json"\n'
        f"notify = {hook}\n"
    )
    return config, job


def test_two_nights_catch_an_edit_and_a_deletion(player: Player, tmp_path: Path) -> None:
    config, job = write_job(tmp_path, player)
    db = str(tmp_path / "a.db")
    serve_tweet(player, tweet(EDITED, "a", "First words"))
    serve_tweet(player, tweet(DELETED, "a", "Soon gone"))
    runner = CliRunner()
    first = runner.invoke(
        cli, ["--db", db, "--config", str(config), "job", "run", str(job), "--json"]
    )
    assert first.exit_code == 0, first.stderr
    player.server.clear_all_handlers()
    serve_tweet(player, tweet(EDITED, "a", "Second words"))
    serve_tweet(player, tombstone("This Post was deleted by the Post author."), tweet_id=DELETED)
    second = runner.invoke(
        cli, ["--db", db, "--config", str(config), "job", "run", str(job), "--json"]
    )
    assert second.exit_code == 0, second.stderr
    report = json.loads(second.stdout)
    assert report["archived"]["changes"] == {"status_changed": 1, "text_edited": 1}
    edit = next(c for c in report["changes"] if c["kind"] == "text_edited")
    assert json.loads(edit["detail"]) == {"from": "First words", "to": "Second words"}
    [written] = sorted((tmp_path / "reports").glob("nightly-*.json"))
    assert json.loads(written.read_text())["archived"]["changes"] == report["archived"]["changes"]
    page = written.with_suffix(".html").read_text()
    assert page.startswith("<!doctype html>")
    assert "<td>text_edited</td>" in page and "<td>First words</td><td>Second words</td>" in page
    assert set(report["timings"]) == {"resume", "archive", "recapture", "health", "total"}
    assert report["archived"]["seconds"] > 0 and report["failures"] == []
    assert Path(str(written) + ".seen").exists()  # the notify hook ran with the report's path
    assert {m["platform"] for m in report["health"]} == {"twitter", "youtube"}  # the defaults


@pytest.mark.parametrize(
    ("text", "message"),
    [("[job]\nrecapture = 'sometimes'\n", "recapture must be one of"),
     ("[job]\nsources = []\nschedule = 1\n", r"unknown job setting\(s\) schedule"),
     ("not toml [", "cannot read job file"),
     ("[job]\nconcurrency = 0\n", "concurrency must be a whole number"),
     ("[job]\nconcurrency = 'many'\n", "concurrency must be a whole number")],
)  # fmt: skip
def test_bad_job_files_are_config_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "job.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        JobFile.load(path)


def test_the_shipped_example_loads() -> None:
    example = JobFile.load(Path(__file__).parent.parent.parent / "examples" / "nightly.toml")
    assert example.recapture == "due" and example.since_days == 2 and example.concurrency == 8


def test_a_recapture_only_job_archives_no_default_sources(player: Player, tmp_path: Path) -> None:
    job = tmp_path / "recapture.toml"
    job.write_text('[job]\nrecapture = "all"\n')
    result = CliRunner().invoke(
        cli, ["--db", str(tmp_path / "a.db"), "job", "run", str(job), "--json"]
    )
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["archived"] is None and report["recaptured"]["posts"] == 0


def test_the_report_groups_failures_by_reason(player: Player, tmp_path: Path) -> None:
    config, job = write_job(tmp_path, player)
    serve_tweet(player, tweet(EDITED, "a", "<b>First</b> words"))
    serve_tweet(player, b'{"__typename": "Tweet", "id_str": ', tweet_id=DELETED)  # cut short
    result = CliRunner().invoke(
        cli, ["--db", str(tmp_path / "a.db"), "--config", str(config), "job", "run", str(job)]
    )
    assert result.exit_code == 0  # every source was read; the failed post is reported
    [written] = sorted((tmp_path / "reports").glob("nightly-*.json"))
    failures = json.loads(written.read_text())["failures"]  # archived, then recaptured
    assert [(f["reason"], f["status"], f["url"][-19:]) for f in failures] == [
        ("parse_error", "error", DELETED)
    ] * 2
    page = written.with_suffix(".html").read_text()
    assert "<h2>Failures (2)</h2><h3>parse_error (2)</h3>" in page
    assert "<b>" not in page  # what platforms say is escaped, never markup in the report


def test_a_source_that_cannot_be_read_makes_the_job_exit_1(tmp_path: Path) -> None:
    (tmp_path / "broken.html").write_bytes(b"\xff\xfe\x00<html" * 3)
    job = tmp_path / "job.toml"
    job.write_text('[job]\nsources = ["broken.html"]\nrecapture = "none"\nhealth = false\n')
    result = CliRunner().invoke(
        cli, ["--db", str(tmp_path / "a.db"), "job", "run", str(job), "--json"]
    )
    assert result.exit_code == 1, result.output
    [failed] = json.loads(result.stdout)["archived"]["items_failed"]
    assert failed["source"].endswith("broken.html")
