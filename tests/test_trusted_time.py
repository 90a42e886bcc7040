"""Trusted time for every capture: Merkle anchors over the event chain, RFC 3161 tokens from
two local OpenSSL timestamp authorities, inclusion proofs checked offline."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from archiver import merkle
from archiver.archive import Archive
from archiver.cli import cli
from archiver.export.bundle import verify_bundle
from archiver.export.selection import Selection

from .jobs.test_recapture import TWEET_ID, URL, serve
from .platforms.player import Player
from .platforms.test_twitter import tweet
from .tsa import LocalTsa

OpenArchive = Callable[..., Archive]

# Certificate Transparency's reference tree (RFC 6962): these eight leaves and the root of
# each prefix, as the CT implementations' own tests use them.
CT_LEAVES = [b"", b"\x00", b"\x10", b"\x20\x21", b"\x30\x31", b"\x40\x41\x42\x43",
             bytes(range(0x50, 0x58)), bytes(range(0x60, 0x70))]  # fmt: skip
CT_ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
CT_PROOF_0_OF_8 = [
    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
]


def test_merkle_roots_and_proofs_match_rfc_6962() -> None:
    for size, expected in enumerate(CT_ROOTS):
        assert merkle.root(CT_LEAVES[:size]).hex() == expected
    assert [p.hex() for p in merkle.inclusion_proof(CT_LEAVES, 0)] == CT_PROOF_0_OF_8
    entries = [os.urandom(32) for _ in range(13)]
    top = merkle.root(entries)
    for index, entry in enumerate(entries):
        path = merkle.inclusion_proof(entries, index)
        assert merkle.root_from_proof(entry, index, 13, path) == top
        assert merkle.root_from_proof(entry, (index + 1) % 13, 13, path) != top
        assert merkle.root_from_proof(os.urandom(32), index, 13, path) != top


@pytest.fixture
def tsas() -> Iterator[tuple[LocalTsa, LocalTsa]]:
    first, second = LocalTsa("First TSA"), LocalTsa("Second TSA")
    yield first, second
    first.close()
    second.close()


@pytest.fixture
def archive(open_archive: OpenArchive, player: Player, tsas: tuple[LocalTsa, LocalTsa]) -> Archive:
    config = player.config(allow_private=True)
    config.timestamp.tsas = [tsa.url for tsa in tsas]
    config.timestamp.roots = [str(tsa.root) for tsa in tsas]
    opened = open_archive(config)
    serve(player, tweet(TWEET_ID, "someone", "First words"))
    opened.archive([URL])
    return opened


def test_every_capture_gets_trusted_time_from_two_authorities(
    archive: Archive, player: Player, tsas: tuple[LocalTsa, LocalTsa]
) -> None:
    before = archive.verify()
    assert before.ok and before.captures == 1 and before.captures_with_trusted_time == 0
    run = archive.timestamp()
    assert (run.anchors_made, run.tokens, run.failures) == (1, 2, [])
    assert (run.captures, run.captures_with_time) == (1, 1)
    after = archive.verify()
    assert after.ok and after.trusted_time_share == 1.0
    serve(player, tweet(TWEET_ID, "someone", "Second words"))
    archive.recapture(due=False)
    assert archive.verify().trusted_time_share == 0.5  # the new capture waits for the next run
    assert archive.timestamp().anchors_made == 1
    assert archive.verify().trusted_time_share == 1.0
    anchors = archive.store.anchors()
    assert anchors[1]["first_event"] == anchors[0]["last_event"] + 1  # no gap, no overlap


def test_an_authority_that_fails_is_asked_again_next_run(
    archive: Archive, tsas: tuple[LocalTsa, LocalTsa]
) -> None:
    first, second = tsas
    second.broken = True
    run = archive.timestamp()
    assert run.tokens == 1 and len(run.failures) == 1 and "HTTP 503" in run.failures[0]
    second.broken = False
    again = archive.timestamp()
    assert again.tokens >= 1 and again.failures == []
    assert {t["tsa"] for t in archive.store.anchors()[0]["tokens"]} == {first.url, second.url}


def test_tampering_under_an_anchor_is_caught(archive: Archive) -> None:
    archive.timestamp()
    with sqlite3.connect(archive.store.path) as conn:
        conn.execute("UPDATE anchors SET root = ? WHERE id = 1", ["00" * 32])
    problems = [(p.kind, p.where) for p in archive.verify().problems]
    assert ("anchor", "anchor 1") in problems


def test_bundles_carry_proofs_that_check_offline(
    archive: Archive, tmp_path: Path, tsas: tuple[LocalTsa, LocalTsa]
) -> None:
    archive.timestamp()
    out = tmp_path / "bundle"
    archive.export(Selection([URL]), out)
    custody = out / "data" / "custody"
    [proof] = json.loads((custody / "trusted-time.json").read_text())
    assert len(proof["tokens"]) == 2
    check = verify_bundle(out)
    assert check.ok, check.problems
    assert any(line.startswith("trusted time: 1 captures") for line in check.checked)
    root = tmp_path / "root.bin"
    root.write_bytes(bytes.fromhex(proof["root"]))
    for token in proof["tokens"]:  # OpenSSL agrees, with no archiver code at all
        verified = subprocess.run(
            ["openssl", "ts", "-verify", "-data", str(root),
             "-in", str(custody / "tokens" / f"{token['token_sha256']}.tsr"),
             "-CAfile", str(custody / "tokens" / f"{token['roots_sha256']}.pem")],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert verified.returncode == 0, verified.stderr
    proof["path"][0] = "00" * 32
    (custody / "trusted-time.json").write_text(json.dumps([proof]))
    problems = verify_bundle(out).problems
    assert any("the proof does not lead to the root" in p for p in problems)


def test_cli_timestamp_and_verify_report_the_share(archive: Archive) -> None:
    runner = CliRunner()
    db = archive.store.path
    result = runner.invoke(cli, ["--db", db, "timestamp", "--json"])
    assert result.exit_code == 2 and "[timestamp] tsas" in result.stderr  # no settings file
    archive.timestamp()
    verified = json.loads(runner.invoke(cli, ["--db", db, "verify", "--json"]).stdout)
    assert verified["ok"] and verified["trusted_time_share"] == 1.0 and verified["captures"] == 1
