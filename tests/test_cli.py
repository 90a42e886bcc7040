"""The command line, run in-process: exact output shapes and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from archiver.cli import cli

from .conftest import SEED

ROOT = Path(__file__).parent.parent
COMMANDS = sorted(cli.commands)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str) -> None:
    code, out, _ = run(command, "--help")
    assert code == 0
    assert "Example" in out


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_in_the_readme(command: str) -> None:
    assert f"archiver {command}" in (ROOT / "README.md").read_text("utf-8")


def test_extract_json_has_the_documented_shape() -> None:
    code, out, _ = run("extract", str(SEED), "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"source", "embeds", "credits"}
    assert len(data["embeds"]) == 3 and len(data["credits"]) == 1
    assert set(data["embeds"][0]) == {
        "platform", "kind", "post_id", "url", "author_handle", "author_name", "published",
        "text", "media_urls", "found_by",
    }  # fmt: skip
    assert set(data["credits"][0]) >= {"text", "platform", "account", "kind"}


def test_extract_without_json_is_a_readable_list() -> None:
    code, out, _ = run("extract", str(SEED))
    assert code == 0
    assert out.splitlines()[0].endswith("3 embeds, 1 credits")
    assert "@officejjsmart" in out and "youtube/Suchomimus" in out


def test_archive_seed_offline_exits_zero_and_says_why(tmp_path: Path) -> None:
    code, out, err = run("--db", str(tmp_path / "a.db"), "archive", str(SEED))
    assert code == 0, err
    assert "3 embedded posts found (3 new)" in out
    assert "0 ok, 3 failed — reasons: dns: 3" in out
    assert (tmp_path / "a.db").exists() and (tmp_path / "a.blobs").is_dir()


def test_archive_json_summary(tmp_path: Path) -> None:
    code, out, _ = run("--db", str(tmp_path / "a.db"), "archive", str(SEED), "--json")
    assert code == 0
    summary = json.loads(out)
    assert (summary["run_id"], summary["articles"], summary["posts"]) == (1, 1, 3)
    assert summary["failures"] == {"dns": 3}


def test_concurrency_option_is_checked_and_used(tmp_path: Path) -> None:
    code, _, err = run("--concurrency", "0", "archive", str(SEED))
    assert code == 2 and "--concurrency" in err
    code, out, _ = run("--db", str(tmp_path / "a.db"), "--concurrency", "3", "archive", str(SEED))
    assert code == 0 and "3 embedded posts found" in out


def test_archive_reads_a_list_file(tmp_path: Path) -> None:
    listing = tmp_path / "tonight.txt"
    listing.write_text(f"# tonight's articles\n{SEED}  # the example\n\n")
    code, out, _ = run("--db", str(tmp_path / "a.db"), "archive", "--from", str(listing), "--json")
    assert code == 0 and json.loads(out)["posts"] == 3


def test_nothing_readable_exits_one(tmp_path: Path) -> None:
    code, out, _ = run("--db", str(tmp_path / "a.db"), "archive", str(tmp_path / "nope.html"))
    assert code == 1
    assert "could not read" in out and "no such file" in out


def test_bad_config_is_one_line_on_stderr(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[network]\nallow_private = 'yes'\n")
    code, _, err = run(
        "--config", str(config), "--db", str(tmp_path / "a.db"), "archive", str(SEED)
    )
    assert code == 2  # a configuration error
    assert err.strip().splitlines() == [
        f"Error: ConfigError: {config} [network]: allow_private must be bool"
    ]


def test_unreadable_database_is_one_line_on_stderr(tmp_path: Path) -> None:
    (tmp_path / "db").write_bytes(b"this is not a database" * 100)
    code, _, err = run("--db", str(tmp_path / "db"), "archive", str(SEED))
    assert code == 3  # could not run
    assert len(err.strip().splitlines()) == 1 and err.startswith(
        "Error: StoreError: cannot open database"
    )


def test_config_file_host_map_and_operator_are_used(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text(
        'operator = "Night Desk"\n[network.host_map]\n"pic.twitter.com" = "http://127.0.0.1:9"\n'
    )
    code, out, _ = run(
        "--config", str(config), "--db", str(tmp_path / "a.db"), "archive", str(SEED), "--json"
    )
    assert code == 0
    assert json.loads(out)["failures"] == {"connection": 3}


def test_bad_inputs_are_reported_without_a_traceback(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.jpg").write_text("<html>not an image</html>")
    (folder / "b.bin").write_bytes(bytes(range(256)) * 10)
    (folder / "c.html").write_bytes(b"<div>" * 100_000)
    code, out, err = run("--db", str(tmp_path / "a.db"), "archive", str(folder), str(SEED))
    assert code == 1  # some sources could not be read
    assert "Traceback" not in out + err
    assert "a.jpg: named as an image but is not one" in out
    assert "b.bin: binary file" in out
    assert "2 articles read, 2 could not be read" in out


def test_unknown_disabled_method_is_a_config_error(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[platforms.twitter]\ndisabled_methods = ["syndicashun"]\n')
    code, _, err = run(
        "--config", str(config), "--db", str(tmp_path / "a.db"), "archive", str(SEED)
    )
    assert code == 2
    assert err.strip() == (
        "Error: ConfigError: [platforms.twitter] disabled_methods: unknown syndicashun"
        " (methods: syndication, oembed, embed_page)"
    )
