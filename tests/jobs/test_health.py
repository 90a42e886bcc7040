"""Canaries: every method of a platform checked on reference posts, and since when one fails."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from archiver.cli import cli

from ..platforms.player import Player
from ..platforms.test_twitter import oembed_html, serve_tweet, tweet

POST = "1700000000000000001"


def config_file(tmp_path: Path, player: Player) -> Path:
    host_map = "\n".join(f'"{h}" = "{u}"' for h, u in player.config().network.host_map.items())
    path = tmp_path / "config.toml"
    path.write_text(
        "[network]\nbackoff = 0.01\nretries = 0\n[network.host_map]\n" + host_map
        + "\n[platforms]\nmin_interval = 0\n"
        + f'[health.posts]\ntwitter = ["https://twitter.com/someone/status/{POST}"]\n'
    )  # fmt: skip
    return path


def test_a_method_that_breaks_between_two_nights_is_reported_with_its_first_failure(
    player: Player, tmp_path: Path
) -> None:
    config = config_file(tmp_path, player)
    args = ["--db", str(tmp_path / "a.db"), "--config", str(config), "health", "--json"]
    serve_tweet(player, tweet(POST, "someone", "Fine"))
    player.serve("publish.twitter.com", "/oembed", oembed_html(POST, "someone", "Fine"))
    player.serve("platform.twitter.com", "/embed/Tweet.html", "<html><script></script></html>")
    first = CliRunner().invoke(cli, args)
    by_method = {m["method"]: m for m in json.loads(first.stdout)}
    assert by_method["syndication"]["ok"] and by_method["oembed"]["ok"]
    assert not by_method["embed_page"]["ok"] and by_method["embed_page"]["reason"] == "js_shell"
    assert first.exit_code == 1  # a broken method fails the check

    player.server.clear_all_handlers()  # the platform changes its format overnight
    serve_tweet(player, {"data": {"tweetResult": {}}}, tweet_id=POST)
    player.serve("publish.twitter.com", "/oembed", oembed_html(POST, "someone", "Fine"))
    second = CliRunner().invoke(cli, args)
    by_method = {m["method"]: m for m in json.loads(second.stdout)}
    assert by_method["oembed"]["ok"]
    syndication = by_method["syndication"]
    assert not syndication["ok"] and syndication["reason"] == "parse_error"
    assert syndication["failing_since"] == syndication["last_checked"]
    page = by_method["embed_page"]
    assert page["failing_since"] < page["last_checked"]  # broken since the first night
