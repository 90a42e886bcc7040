"""The reuse index, reuse links on ingest, and `archiver reuse` / `archiver rehash`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import ImageOps

from archiver.archive import Archive
from archiver.cli import cli
from archiver.config import ReuseConfig
from archiver.media import reuse as reuse_module
from archiver.media.fingerprint import HASH_VERSION, fingerprint
from archiver.media.reuse import ReuseIndex

from .images import PHOTOS, caption_bar, encode, photo, screenshot

THRESHOLDS = ReuseConfig().thresholds()


def indexed(*names: str) -> tuple[ReuseIndex, dict[str, str]]:
    prints = {name: fingerprint(encode(photo(name)), name) for name in names}
    index = ReuseIndex.build((fp.info.sha256, fp) for fp in prints.values())
    return index, {name: fp.info.sha256 for name, fp in prints.items()}


def test_empty_archive_has_no_matches() -> None:
    index = ReuseIndex.build([])
    assert index.query(fingerprint(encode(photo("coffee")), "q"), THRESHOLDS) == []


def test_exact_bytes_match_by_sha256_first() -> None:
    index, shas = indexed(*PHOTOS)
    [match] = index.query(fingerprint(encode(photo("coffee")), "q"), THRESHOLDS)
    assert (match.sha256, match.method, match.exact, match.distance) == (
        shas["coffee"],
        "sha256",
        True,
        0,
    )


@pytest.mark.parametrize(
    ("make", "method"),
    [
        (lambda: encode(photo("coffee").resize((300, 200)), quality=35), "pdq"),
        (lambda: encode(ImageOps.mirror(photo("coffee"))), "pdq-mirror"),
        (lambda: encode(screenshot(photo("coffee"))), "pdq-box"),
        (lambda: encode(caption_bar(photo("coffee"))), "pdq-box"),
    ],
    ids=["recompressed", "mirrored", "screenshot", "caption-bar"],
)
def test_reused_copies_find_their_original(make: Callable[[], bytes], method: str) -> None:
    index, shas = indexed(*PHOTOS)
    matches = index.query(fingerprint(make(), "q"), THRESHOLDS)
    assert [m.sha256 for m in matches] == [shas["coffee"]]
    assert matches[0].method == method and not matches[0].exact


def test_a_different_photo_in_the_same_template_matches_nothing() -> None:
    stored = {
        name: fingerprint(encode(screenshot(photo(name))), name) for name in ("coffee", "rocket")
    }
    index = ReuseIndex.build((fp.info.sha256, fp) for fp in stored.values())
    for other in ("chelsea", "astronaut"):
        assert index.query(fingerprint(encode(screenshot(photo(other))), "q"), THRESHOLDS) == []


def test_ties_are_ordered_by_distance_then_digest() -> None:
    same = fingerprint(encode(photo("chelsea")), "a")
    copy = fingerprint(encode(photo("chelsea"), quality=70), "b")
    index = ReuseIndex.build([("b" * 64, same), ("a" * 64, same)])
    matches = index.query(copy, THRESHOLDS)
    assert [m.sha256 for m in matches] == ["a" * 64, "b" * 64]


def test_multi_index_finds_what_brute_force_finds(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(7)
    hashes = rng.integers(0, 2**63, size=(5000, 4), dtype=np.uint64)
    targets = [(row, flips) for row, flips in ((10, 0), (200, 9), (3000, 31), (4000, 32))]
    queries = []
    for row, flips in targets:
        query = hashes[row].copy()
        for bit in rng.choice(256, flips, replace=False):
            query[bit // 64] ^= np.uint64(1) << np.uint64(bit % 64)
        queries.append(query)
    brute = ReuseIndex.from_packed(hashes)
    monkeypatch.setattr(reuse_module, "BRUTE_FORCE_ROWS", 100)
    banded = ReuseIndex.from_packed(hashes)
    assert banded._bands is not None and brute._bands is None
    for query, (row, flips) in zip(queries, targets, strict=True):
        expected = [row] if flips <= 31 else []
        assert brute.search(query, 31)[0].tolist() == expected
        assert banded.search(query, 31)[0].tolist() == expected


def test_ingest_links_a_reused_image_to_the_earlier_one(
    open_archive: Callable[..., Archive], tmp_path: Path
) -> None:
    (tmp_path / "original.jpg").write_bytes(encode(photo("rocket")))
    (tmp_path / "shot.jpg").write_bytes(encode(screenshot(photo("rocket")), quality=60))
    archive = open_archive()
    archive.archive([str(tmp_path / "original.jpg")])
    summary = archive.archive([str(tmp_path / "shot.jpg")])
    assert summary.reuse_links == 1
    [link] = archive.store.rows("SELECT media, earlier, method FROM reuse_links")
    original = archive.store.rows("SELECT sha256 FROM media ORDER BY first_seen LIMIT 1")[0][
        "sha256"
    ]
    assert link["earlier"] == original and link["method"] == "pdq-box"
    assert "1 seen before" in summary.describe()


def test_reuse_command_json_shape(tmp_path: Path) -> None:
    (tmp_path / "original.jpg").write_bytes(encode(photo("chelsea")))
    (tmp_path / "query.jpg").write_bytes(encode(caption_bar(photo("chelsea"))))
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8\xff garbage")
    db = str(tmp_path / "a.db")
    runner = CliRunner()
    assert (
        runner.invoke(cli, ["--db", db, "archive", str(tmp_path / "original.jpg")]).exit_code == 0
    )
    result = runner.invoke(
        cli,
        ["--db", db, "reuse", str(tmp_path / "query.jpg"), str(tmp_path / "broken.jpg"), "--json"],
    )
    assert result.exit_code == 1  # one query could not be read
    first, second = json.loads(result.stdout)
    assert (
        first["query"]["path"] == str(tmp_path / "query.jpg")
        and len(first["query"]["sha256"]) == 64
    )
    [match] = first["matches"]
    assert set(match) == {"sha256", "distance", "method", "exact", "occurrences"}
    [place] = match["occurrences"]
    assert place["source_path"] == str(tmp_path / "original.jpg")
    assert set(place) == {"source_path", "platform", "captured_at", "first_seen"}
    assert second["matches"] == [] and "not a decodable image" in second["error"]


def test_rehash_brings_old_rows_to_the_current_version(
    open_archive: Callable[..., Archive], tmp_path: Path
) -> None:
    (tmp_path / "a.jpg").write_bytes(encode(photo("coffee")))
    archive = open_archive()
    archive.archive([str(tmp_path / "a.jpg")])
    archive.store.db.execute("UPDATE media SET hash_version = 1, pdq = NULL")
    summary = archive.rehash()
    assert (summary.rehashed, summary.failed) == (1, [])
    [row] = archive.store.rows("SELECT hash_version, pdq FROM media")
    assert row["hash_version"] == HASH_VERSION and len(row["pdq"]) == 64
