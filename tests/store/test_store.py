"""The store: schema in one place, migrations, the event chain, atomic writes, blobs by sha256."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from archiver.errors import StoreError
from archiver.models import Embed, Platform
from archiver.store.blobs import LocalBlobStore
from archiver.store.db import Store
from archiver.store.events import GENESIS, event_hash
from archiver.store.schema import SCHEMA_VERSION


def test_new_database_has_schema_wal_and_foreign_keys(tmp_path: Path) -> None:
    store = Store(tmp_path / "a.db")
    assert store.rows("PRAGMA user_version")[0]["user_version"] == SCHEMA_VERSION
    assert store.rows("PRAGMA journal_mode")[0]["journal_mode"] == "wal"
    assert store.rows("PRAGMA foreign_keys")[0]["foreign_keys"] == 1
    expected = {
        "articles", "article_captures", "posts", "embeds", "credits", "post_captures", "media",
        "media_occurrences", "http_exchanges", "blobs", "notes", "runs", "events",
    }  # fmt: skip
    assert expected <= set(store.db.table_names())
    store.close()


def test_reopening_keeps_data_and_does_not_migrate_again(tmp_path: Path) -> None:
    store = Store(tmp_path / "a.db")
    run = store.start_run(["seeds/"], "tester")
    store.close()
    again = Store(tmp_path / "a.db")
    assert again.rows("SELECT id FROM runs") == [{"id": run}]
    again.close()


def test_database_from_a_newer_release_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="newer than this archiver"):
        Store(path)


def test_events_form_a_hash_chain(tmp_path: Path) -> None:
    store = Store(tmp_path / "a.db")
    run = store.start_run([], "tester")
    with store.atomic():
        store.upsert_post(Embed(Platform.TWITTER, "1", "https://twitter.com/a/status/1", "test"))
    store.finish_run(run, "finished", {})
    events = store.rows("SELECT * FROM events ORDER BY id")
    assert [e["kind"] for e in events] == ["run.started", "post.added", "run.finished"]
    previous = GENESIS
    for event in events:
        assert event["prev_hash"] == previous
        recomputed = event_hash(
            previous, event["ts"], event["kind"], event["subject"], event["detail"]
        )
        assert event["hash"] == recomputed
        previous = event["hash"]
    store.close()


def test_failed_transaction_leaves_nothing_behind(tmp_path: Path) -> None:
    store = Store(tmp_path / "a.db")
    embed = Embed(Platform.TELEGRAM, "durov/43", "https://t.me/durov/43", "test")
    with pytest.raises(RuntimeError), store.atomic():
        store.upsert_post(embed)
        raise RuntimeError("disk vanished mid-write")
    assert store.count("posts") == 0
    assert store.count("events") == 0
    store.close()


def test_same_post_by_another_url_form_is_one_row(tmp_path: Path) -> None:
    store = Store(tmp_path / "a.db")
    with store.atomic():
        first, created = store.upsert_post(
            Embed(Platform.TELEGRAM, "Durov/43", "https://t.me/Durov/43", "a")
        )
        second, again = store.upsert_post(
            Embed(Platform.TELEGRAM, "durov/43", "https://t.me/durov/43", "b")
        )
    assert (first, created, again) == (second, True, False)
    store.close()


def test_blob_is_stored_once_under_its_sha256(tmp_path: Path) -> None:
    blobs = LocalBlobStore(tmp_path / "blobs")
    digest = blobs.put(b"evidence")
    assert digest == hashlib.sha256(b"evidence").hexdigest()
    assert blobs.get(digest) == b"evidence"
    assert blobs.put(b"evidence") == digest
    assert [p.name for p in (tmp_path / "blobs").rglob("*") if p.is_file()] == [digest]


def test_blob_write_failure_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blobs = LocalBlobStore(tmp_path / "blobs")

    def full_disk(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("archiver.store.blobs.os.replace", full_disk)
    with pytest.raises(StoreError, match="No space left on device"):
        blobs.put(b"too much")
    assert [p for p in (tmp_path / "blobs").rglob("*") if p.is_file()] == []
