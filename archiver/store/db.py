"""`Store`: the only code that reads or writes the database.

Records go in and come out as the dataclasses of `archiver.models`; callers never see SQL.
A PostgreSQL store for larger teams would implement these same methods.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from .. import __version__
from ..errors import StoreError
from ..models import (
    ArticleCapture,
    CaptureStatus,
    Credit,
    Embed,
    Exchange,
    Fingerprint,
    ImageInfo,
    MediaOccurrence,
    Platform,
    PostCapture,
    PostRecord,
    ReuseLink,
    utc_now,
)
from .events import GENESIS, canonical_detail, event_hash, row_digest
from .schema import migrate


def _fingerprint_columns(fp: Fingerprint) -> dict[str, Any]:
    data = {k: v for k, v in asdict(fp).items() if k != "info"}
    for name in ("boxes", "box_pdqs", "crop_pdqs", "frame_pdqs"):
        data[name] = json.dumps(data[name])
    data["low_information"] = int(fp.low_information)
    return {**asdict(fp.info), **data}


def _fingerprint_from_row(row: dict[str, Any]) -> Fingerprint:
    info = ImageInfo(*(row[k] for k in ("sha256", "size", "width", "height", "format", "mime")))
    lists = {
        name: json.loads(row[name] or "[]")
        for name in ("boxes", "box_pdqs", "crop_pdqs", "frame_pdqs")
    }
    return Fingerprint(
        info, row["phash"], row["dhash"], row["whash"], row["pdq"], row["pdq_quality"],
        row["pdq_mirror"], row["center_pdq"], row["hash_version"],
        [tuple(box) for box in lists["boxes"]], lists["box_pdqs"], lists["crop_pdqs"],
        lists["frame_pdqs"], bool(row["low_information"]),
    )  # fmt: skip


_SEALED_BY_POST = ("post_captures", "changes")  # sealed rows that name their post


class Store:
    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        try:
            self.db = Database(self.path) if self.path != ":memory:" else Database(memory=True)
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("PRAGMA busy_timeout = 10000")
            if self.path != ":memory:":
                self.db.enable_wal()
            migrate(self.db)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open database {self.path}: {exc}", self.path) from exc

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def atomic(self) -> Iterator[Store]:
        """One transaction: everything inside is stored, or nothing is."""
        try:
            with self.db.atomic():
                yield self
        except sqlite3.Error as exc:
            raise StoreError(f"database write failed: {exc}", self.path) from exc

    # Runs -----------------------------------------------------------------------------

    def start_run(self, sources: list[str], operator: str) -> int:
        with self.atomic():
            run_id = self._insert(
                "runs",
                {"started_at": utc_now(), "status": "running", "operator": operator,
                 "tool_version": __version__, "sources": json.dumps(sources)},
            )  # fmt: skip
            self.append_event("run.started", f"run:{run_id}", {"sources": sources})
        return run_id

    def finish_run(self, run_id: int, status: str, summary: dict[str, Any]) -> None:
        with self.atomic():
            self.db["runs"].update(
                run_id,
                {"finished_at": utc_now(), "status": status, "summary": json.dumps(summary)},
            )
            self.append_event("run.finished", f"run:{run_id}", {"status": status})

    def queue_items(self, run_id: int, locations: list[str]) -> None:
        """Add sources to a run's work queue, after those it has (feeds add as they are read)."""
        with self.atomic():
            row = self._one("SELECT max(position) AS last FROM run_items WHERE run = ?", [run_id])
            start = 0 if row is None or row["last"] is None else row["last"] + 1
            self.db["run_items"].insert_all(
                {"run": run_id, "position": start + n, "location": location,
                 "status": "pending", "updated_at": utc_now()}
                for n, location in enumerate(locations)
            )  # fmt: skip

    def mark_item(self, run_id: int, position: int, status: str, error: str | None = None) -> None:
        with self.atomic():
            self.db.execute(
                "UPDATE run_items SET status = ?, error = ?, updated_at = ?"
                " WHERE run = ? AND position = ?",
                [status, error, utc_now(), run_id, position],
            )

    def run_items(self, run_id: int) -> list[dict[str, Any]]:
        return self.rows("SELECT * FROM run_items WHERE run = ? ORDER BY position", [run_id])

    def interrupted_run(self) -> int | None:
        """The latest run that never finished (killed, or the machine went down)."""
        row = self._one("SELECT id FROM runs WHERE status = 'running' ORDER BY id DESC LIMIT 1", [])
        return int(row["id"]) if row else None

    def article_captured_in(self, article: int, run_id: int) -> bool:
        row = self._one(
            "SELECT id FROM article_captures WHERE article = ? AND run = ?", [article, run_id]
        )
        return row is not None

    def posts_captured_in(self, run_id: int) -> set[int]:
        rows = self.rows("SELECT DISTINCT post FROM post_captures WHERE run = ?", [run_id])
        return {int(row["post"]) for row in rows}

    def resume_run(self, run_id: int) -> None:
        with self.atomic():
            self.append_event("run.resumed", f"run:{run_id}", {})

    # Exchanges and blobs ---------------------------------------------------------------

    def add_blob(self, sha256: str, size: int, mime: str | None) -> None:
        self.db["blobs"].insert(
            {"sha256": sha256, "size": size, "mime": mime or None, "created_at": utc_now()},
            ignore=True,
        )

    def add_exchange(self, run: int, exchange: Exchange) -> int:
        """Record an HTTP exchange; its body must already be in the blob store."""
        if exchange.body_sha256:
            self.add_blob(exchange.body_sha256, exchange.bytes, exchange.content_type)
        data = asdict(exchange)
        del data["body"]
        data["run"] = run
        data["redirects"] = json.dumps([asdict(hop) for hop in exchange.redirects])
        data["headers"] = json.dumps(exchange.headers)
        exchange_id = self._insert("http_exchanges", data)
        self.append_event(
            "exchange.recorded", f"http_exchange:{exchange_id}",
            {"url": exchange.url, "status": exchange.status,
             "row": self._seal("http_exchanges", "id", exchange_id)},
        )  # fmt: skip
        return exchange_id

    # Articles, posts, embeds, credits ------------------------------------------------

    def upsert_article(self, source: str, kind: str, title: str | None) -> int:
        row = self._one("SELECT id FROM articles WHERE source = ?", [source])
        if row:
            if title:
                self.db["articles"].update(row["id"], {"title": title})
            return int(row["id"])
        article = self._insert(
            "articles", {"source": source, "kind": kind, "title": title, "first_seen": utc_now()}
        )
        self.append_event("article.added", f"article:{article}", {"source": source})
        return article

    def add_article_capture(self, capture: ArticleCapture) -> int:
        data = asdict(capture)
        data["warnings"] = json.dumps(capture.warnings)
        data["status"] = str(capture.status)
        capture_id = self._insert("article_captures", data)
        self.append_event(
            "article.captured",
            f"article_capture:{capture_id}",
            {
                "article": capture.article,
                "status": data["status"],
                "body_sha256": capture.body_sha256,
                "row": self._seal("article_captures", "id", capture_id),
            },
        )
        return capture_id

    def upsert_post(self, embed: Embed) -> tuple[int, bool]:
        """The post's row id, and whether this call created it."""
        key = embed.identity_key
        row = self._one(
            "SELECT id FROM posts WHERE identity_key = ?"
            " UNION ALL SELECT post AS id FROM post_aliases WHERE alias_key = ?",
            [key, key],
        )
        if row:
            return int(row["id"]), False
        post = self._insert(
            "posts",
            {"identity_key": key, "platform": str(embed.platform), "post_id": embed.post_id,
             "url": embed.url, "author_handle": embed.author_handle,
             "author_name": embed.author_name, "first_seen": utc_now()},
        )  # fmt: skip
        self.append_event("post.added", f"post:{post}", {"identity_key": key})
        return post, True

    def resolve_post(self, post: int, resolved: Embed) -> int:
        """A post known by a provisional key (a pic.twitter.com link) has named its real id.

        The row takes the real key and keeps the old one as an alias; if the real post is
        already in the archive, this row's embeds and captures move to it and the row goes,
        so every URL form of a post still leads to one row. Returns the surviving row.
        """
        old = self._one("SELECT identity_key FROM posts WHERE id = ?", [post])
        if old is None:
            raise StoreError(f"no post {post} to resolve", self.path)
        key = resolved.identity_key
        existing = self._one("SELECT id FROM posts WHERE identity_key = ?", [key])
        if existing and existing["id"] != post:
            target = int(existing["id"])
            moved = {
                table: [
                    r["id"] for r in self.rows(f"SELECT id FROM {table} WHERE post = ?", [post])
                ]
                for table in _SEALED_BY_POST
            }
            for table in ("embeds", "post_captures", "post_aliases", "changes"):
                self.db.execute(
                    f"UPDATE OR IGNORE {table} SET post = ? WHERE post = ?", [target, post]
                )
            for table, ids in moved.items():  # their rows changed: seal them again
                for row_id in ids:
                    self.append_event(
                        "row.reassigned", f"post:{target}", {"row": self._seal(table, "id", row_id)}
                    )
            # occurrence_key is MediaOccurrence.occurrence_key, which names the post
            self.db.execute(
                "UPDATE OR IGNORE media_occurrences SET post = :to, occurrence_key = media || '|'"
                " || :to || '|' || ifnull(article, '') || '|' || ifnull(credit, '') || '|'"
                " || ifnull(source_url, '') || '|' || ifnull(source_path, '') WHERE post = :from",
                {"to": target, "from": post},
            )
            for table in ("embeds", "media_occurrences"):  # rows the target already had
                self.db.execute(f"DELETE FROM {table} WHERE post = ?", [post])
            self.db.execute("DELETE FROM posts WHERE id = ?", [post])
        else:
            target = post
            self.db["posts"].update(
                post,
                {"identity_key": key, "post_id": resolved.post_id, "url": resolved.url,
                 "author_handle": resolved.author_handle},
            )  # fmt: skip
        self.db["post_aliases"].insert(
            {"alias_key": old["identity_key"], "post": target}, replace=True
        )
        self.append_event(
            "post.resolved", f"post:{target}", {"from": old["identity_key"], "to": key}
        )
        return target

    def upsert_embed(self, article: int, post: int, position: int, embed: Embed) -> None:
        now = utc_now()
        fields = {
            "position": position, "found_by": embed.found_by, "author_handle": embed.author_handle,
            "author_name": embed.author_name, "published": embed.published, "text": embed.text,
            "media_urls": json.dumps(embed.media_urls), "last_seen": now,
        }  # fmt: skip
        row = self._one("SELECT id FROM embeds WHERE article = ? AND post = ?", [article, post])
        if row:
            self.db["embeds"].update(row["id"], fields)
        else:
            self._insert("embeds", {"article": article, "post": post, "first_seen": now, **fields})

    def upsert_credit(self, article: int, credit: Credit) -> int:
        row = self._one(
            "SELECT id FROM credits WHERE article = ? AND text = ?", [article, credit.text]
        )
        if row:
            return int(row["id"])
        data = credit.to_dict()
        return self._insert("credits", {"article": article, "first_seen": utc_now(), **data})

    # Captures and media ----------------------------------------------------------------

    def add_post_capture(self, capture: PostCapture) -> int:
        """Store a capture with what the platform served, and link every exchange behind it."""
        result = capture.result
        exchanges = list(dict.fromkeys(result.exchanges))
        main = exchanges[-1] if exchanges else None
        body = (
            self._one("SELECT body_sha256 FROM http_exchanges WHERE id = ?", [main])
            if main
            else None
        )
        capture_id = self._insert(
            "post_captures",
            {
                "post": capture.post, "run": capture.run, "captured_at": capture.captured_at,
                "status": str(result.status), "reason": result.reason, "error": result.error,
                "method": result.method, "kind": result.kind, "url": capture.url,
                "exchange": main, "body_sha256": body["body_sha256"] if body else None,
                "canonical_url": result.canonical_url, "platform_post_id": result.post_id,
                "author_handle": result.author_handle, "author_name": result.author_name,
                "published": result.published, "text": result.text, "lang": result.lang,
                "media": json.dumps([asdict(m) for m in result.media]),
                "counts": json.dumps(result.counts), "quoted_url": result.quoted_url,
                "reply_to_url": result.reply_to_url,
                "attempts": json.dumps([asdict(a) for a in result.attempts]),
            },
        )  # fmt: skip
        for exchange in exchanges:
            self.db["capture_exchanges"].insert({"capture": capture_id, "exchange": exchange})
        self.append_event(
            "post.captured",
            f"post_capture:{capture_id}",
            {"post": capture.post, "status": str(result.status), "reason": result.reason,
             "method": result.method, "exchanges": exchanges,
             "row": self._seal("post_captures", "id", capture_id)},
        )  # fmt: skip
        return capture_id

    def upsert_media(self, fp: Fingerprint) -> bool:
        """Record an image (its blob already stored); True when it is new to the archive."""
        if self.has_media(fp.info.sha256):
            return False
        self.add_blob(fp.info.sha256, fp.info.size, fp.info.mime)
        self.db["media"].insert({**_fingerprint_columns(fp), "first_seen": utc_now()})
        self.append_event(
            "media.stored", f"media:{fp.info.sha256}",
            {"size": fp.info.size, "row": self._seal("media", "sha256", fp.info.sha256)},
        )  # fmt: skip
        return True

    def update_fingerprint(self, fp: Fingerprint) -> None:
        """Replace an image's hashes with ones from a newer pipeline (`archiver rehash`)."""
        self.db["media"].update(fp.info.sha256, _fingerprint_columns(fp))
        self.append_event(
            "media.rehashed", f"media:{fp.info.sha256}",
            {"hash_version": fp.hash_version, "row": self._seal("media", "sha256", fp.info.sha256)},
        )  # fmt: skip

    def fingerprints(self, hash_version: int) -> Iterator[tuple[str, Fingerprint]]:
        """Every stored image's hashes made by this pipeline version."""
        for row in self.db.query("SELECT * FROM media WHERE hash_version = ?", [hash_version]):
            yield row["sha256"], _fingerprint_from_row(row)

    def media_to_rehash(self, hash_version: int) -> list[str]:
        rows = self.rows(
            "SELECT sha256 FROM media WHERE hash_version IS NULL OR hash_version != ?",
            [hash_version],
        )
        return [row["sha256"] for row in rows]

    def add_reuse_link(self, link: ReuseLink) -> bool:
        """Record that an image is an earlier one again; False when already known."""
        if self._one(
            "SELECT id FROM reuse_links WHERE media = ? AND earlier = ?", [link.media, link.earlier]
        ):
            return False
        self._insert("reuse_links", {**asdict(link), "found_at": utc_now()})
        self.append_event(
            "media.reused", f"media:{link.media}",
            {"earlier": link.earlier, "method": link.method, "distance": link.distance},
        )  # fmt: skip
        return True

    def occurrences(self, sha256: str) -> list[dict[str, Any]]:
        """Where an image was seen: post, article or file, with platform and times."""
        return self.rows(
            "SELECT o.source_path, o.first_seen AS seen_at, m.first_seen AS media_first_seen,"
            " p.url AS post_url, p.platform, a.source AS article_source, a.kind AS article_kind,"
            " (SELECT max(c.captured_at) FROM post_captures c WHERE c.post = o.post) AS captured_at"
            " FROM media_occurrences o JOIN media m ON m.sha256 = o.media"
            " LEFT JOIN posts p ON p.id = o.post LEFT JOIN articles a ON a.id = o.article"
            " WHERE o.media = ? ORDER BY o.id",
            [sha256],
        )

    def add_media_occurrence(self, occurrence: MediaOccurrence) -> bool:
        key = occurrence.occurrence_key
        if self._one("SELECT id FROM media_occurrences WHERE occurrence_key = ?", [key]):
            return False
        self._insert(
            "media_occurrences",
            {"occurrence_key": key, **asdict(occurrence), "first_seen": utc_now()},
        )
        return True

    def body_fetched_from(self, url: str) -> str | None:
        """The sha256 of a complete 200 body an earlier fetch of this URL stored, if any."""
        row = self._one(
            "SELECT body_sha256 FROM http_exchanges WHERE url = ? AND status = 200"
            " AND error_reason IS NULL AND body_sha256 IS NOT NULL ORDER BY id DESC LIMIT 1",
            [url],
        )
        return row["body_sha256"] if row else None

    def has_media(self, sha256: str) -> bool:
        return self._one("SELECT sha256 FROM media WHERE sha256 = ?", [sha256]) is not None

    def latest_capture(self, post: int) -> dict[str, Any] | None:
        return self._one(
            "SELECT * FROM post_captures WHERE post = ? ORDER BY id DESC LIMIT 1", [post]
        )

    def add_change(
        self, post: int, from_capture: int, to_capture: int, run: int, kind: str,
        detail: dict[str, Any],
    ) -> None:  # fmt: skip
        change = self._insert(
            "changes",
            {"post": post, "from_capture": from_capture, "to_capture": to_capture, "kind": kind,
             "detail": json.dumps(detail, ensure_ascii=False), "run": run, "found_at": utc_now()},
        )  # fmt: skip
        self.append_event(
            "post.changed", f"post:{post}",
            {"kind": kind, "capture": to_capture, "row": self._seal("changes", "id", change)},
        )  # fmt: skip

    def changes_in_runs(self, runs: list[int]) -> list[dict[str, Any]]:
        """Every change found by these runs, with the post it concerns."""
        return self._in_runs(
            "SELECT c.kind, c.detail, c.found_at, p.platform, p.url, p.identity_key"
            " FROM changes c JOIN posts p ON p.id = c.post WHERE c.run IN ({runs}) ORDER BY c.id",
            runs,
        )

    def failures_in_runs(self, runs: list[int]) -> list[dict[str, Any]]:
        """Every post capture these runs could not make, with its reason and the post."""
        return self._in_runs(
            "SELECT pc.reason, pc.status, pc.error, pc.method, p.platform, p.url, p.identity_key"
            " FROM post_captures pc JOIN posts p ON p.id = pc.post"
            f" WHERE pc.run IN ({{runs}}) AND pc.status IN ('{CaptureStatus.FAILED}',"
            f" '{CaptureStatus.ERROR}') ORDER BY pc.id",
            runs,
        )

    def reuse_in_runs(self, runs: list[int]) -> list[dict[str, Any]]:
        return self._in_runs(
            "SELECT media, earlier, method, distance FROM reuse_links WHERE run IN ({runs})", runs
        )

    def add_health_check(self, check: dict[str, Any]) -> None:
        with self.atomic():
            self._insert("health_checks", {**check, "checked_at": utc_now()})

    def health_checks(self) -> list[dict[str, Any]]:
        return self.rows("SELECT * FROM health_checks ORDER BY platform, method, id")

    def media_pdqs(self, shas: list[str]) -> dict[str, str]:
        marks = ",".join("?" * len(shas))
        rows = (
            self.rows(f"SELECT sha256, pdq FROM media WHERE sha256 IN ({marks})", shas)
            if shas
            else []
        )
        return {row["sha256"]: row["pdq"] for row in rows if row["pdq"]}

    def captured_posts(self) -> list[PostRecord]:
        """Every post with a capture: what recapture needs to rebuild it and judge due-ness."""
        rows = self.rows(
            "SELECT p.id, p.platform, p.post_id, p.url, p.author_handle,"
            " min(c.captured_at) AS first_captured, max(c.captured_at) AS last_captured"
            " FROM posts p JOIN post_captures c ON c.post = p.id GROUP BY p.id ORDER BY p.id"
        )
        return [PostRecord(**{**row, "platform": Platform(row["platform"])}) for row in rows]

    # History -------------------------------------------------------------------------------

    def post_by_key(self, key: str) -> dict[str, Any] | None:
        """A post by its identity key or any key it was known by before it was resolved."""
        return self._one(
            "SELECT * FROM posts WHERE identity_key = ?"
            " UNION ALL SELECT p.* FROM post_aliases a JOIN posts p ON p.id = a.post"
            " WHERE a.alias_key = ? LIMIT 1",
            [key, key],
        )

    def post_by_url(self, url: str) -> dict[str, Any] | None:
        """A post whose stored URL, or a capture's canonical URL, is exactly this one."""
        return self._one(
            "SELECT * FROM posts WHERE url = ? UNION ALL SELECT p.* FROM post_captures c"
            " JOIN posts p ON p.id = c.post WHERE c.canonical_url = ? LIMIT 1",
            [url, url],
        )

    def post_history(self, post: int) -> dict[str, list[dict[str, Any]]]:
        """Everything stored about one post, in a handful of queries however many captures."""
        return {
            "aliases": self.rows("SELECT alias_key FROM post_aliases WHERE post = ?", [post]),
            "captures": self.rows(
                "SELECT * FROM post_captures WHERE post = ? ORDER BY captured_at, id", [post]
            ),
            "exchanges": self.rows(
                "SELECT ce.capture, x.* FROM capture_exchanges ce"
                " JOIN http_exchanges x ON x.id = ce.exchange"
                " WHERE ce.capture IN (SELECT id FROM post_captures WHERE post = ?) ORDER BY x.id",
                [post],
            ),
            "changes": self.rows("SELECT * FROM changes WHERE post = ? ORDER BY id", [post]),
            "articles": self.rows(
                "SELECT a.id, a.source, a.kind, a.title, e.found_by, e.first_seen, e.last_seen"
                " FROM embeds e JOIN articles a ON a.id = e.article WHERE e.post = ?"
                " ORDER BY e.first_seen, a.id",
                [post],
            ),
        }

    def reuse_links_of(self, shas: list[str]) -> list[dict[str, Any]]:
        """Reuse links that touch any of these images, either way."""
        if not shas:
            return []
        marks = ",".join("?" * len(shas))
        return self.rows(
            f"SELECT * FROM reuse_links WHERE media IN ({marks}) OR earlier IN ({marks})"
            " ORDER BY id",
            shas + shas,
        )

    def capture_by_id(self, capture: int) -> dict[str, Any] | None:
        return self.row("post_captures", "id", capture)

    def article_by_source(self, source: str) -> dict[str, Any] | None:
        return self._one("SELECT * FROM articles WHERE source = ?", [source])

    # Export selections -----------------------------------------------------------------------

    def post_ids(self, where: str = "1", params: list[Any] | None = None) -> list[int]:
        """Posts with a capture matching `where` (a condition on post_captures c)."""
        return [
            r["post"]
            for r in self.rows(
                f"SELECT DISTINCT c.post FROM post_captures c WHERE {where} ORDER BY c.post",
                params,
            )
        ]

    def posts_of_article(self, article: int) -> list[int]:
        rows = self.rows("SELECT post FROM embeds WHERE article = ?", [article])
        return [r["post"] for r in rows]

    def article_ids_in_run(self, run: int) -> list[int]:
        rows = self.rows("SELECT DISTINCT article FROM article_captures WHERE run = ?", [run])
        return [r["article"] for r in rows]

    def articles_with_captures(self, articles: list[int]) -> list[dict[str, Any]]:
        """Articles and their captures (as a JSON list), in id order."""
        if not articles:
            return []
        marks = ",".join("?" * len(articles))
        found = self.rows(f"SELECT * FROM articles WHERE id IN ({marks}) ORDER BY id", articles)
        captures = self.rows(
            f"SELECT * FROM article_captures WHERE article IN ({marks}) ORDER BY id", articles
        )
        for article in found:
            article["captures"] = [c for c in captures if c["article"] == article["id"]]
        return found

    def media_of_article(self, article: int) -> list[str]:
        rows = self.rows(
            "SELECT DISTINCT media FROM media_occurrences WHERE article = ?", [article]
        )
        return [r["media"] for r in rows]

    def exchanges_by_ids(self, ids: list[int]) -> list[dict[str, Any]]:
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        return self.rows(f"SELECT * FROM http_exchanges WHERE id IN ({marks}) ORDER BY id", ids)

    def exchanges_with_bodies(self, shas: list[str]) -> list[dict[str, Any]]:
        """The exchanges that brought these bodies (media downloads)."""
        if not shas:
            return []
        marks = ",".join("?" * len(shas))
        return self.rows(
            f"SELECT * FROM http_exchanges WHERE body_sha256 IN ({marks}) ORDER BY id", shas
        )

    def media_rows(self, shas: list[str]) -> list[dict[str, Any]]:
        if not shas:
            return []
        marks = ",".join("?" * len(shas))
        return self.rows(
            "SELECT sha256, size, width, height, format, mime, phash, dhash, whash, pdq,"
            f" pdq_quality, hash_version, first_seen FROM media WHERE sha256 IN ({marks})"
            " ORDER BY sha256",
            shas,
        )

    def custody_slice(self, subjects: set[str]) -> list[dict[str, Any]]:
        """The chain from the first event about these subjects to the head: those events in
        full, the others in between reduced to their links (id, prev_hash, hash), so the
        slice's continuity can be checked without showing unrelated evidence."""
        events: list[dict[str, Any]] = []
        for event in self.events():
            if event["subject"] in subjects:
                events.append(event)
            elif events:
                events.append({key: event[key] for key in ("id", "prev_hash", "hash")})
        return events

    def head_hash(self) -> str:
        last = self._one("SELECT hash FROM events ORDER BY id DESC LIMIT 1", [])
        return last["hash"] if last else GENESIS

    # Trusted time ----------------------------------------------------------------------------

    def event_links(self, first: int, last: int) -> list[dict[str, Any]]:
        """id and hash of every event from `first` to `last`, in order."""
        return self.rows(
            "SELECT id, hash FROM events WHERE id BETWEEN ? AND ? ORDER BY id", [first, last]
        )

    def last_event_id(self) -> int:
        row = self._one("SELECT max(id) AS id FROM events", [])
        return int(row["id"] or 0) if row else 0

    def anchors(self) -> list[dict[str, Any]]:
        """Every anchor with its tokens (as a list), oldest first."""
        anchors = self.rows("SELECT * FROM anchors ORDER BY id")
        tokens = self.rows("SELECT * FROM anchor_tokens ORDER BY id")
        for anchor in anchors:
            anchor["tokens"] = [t for t in tokens if t["anchor"] == anchor["id"]]
        return anchors

    def add_anchor(self, first: int, last: int, size: int, root: str) -> int:
        with self.atomic():
            anchor = self._insert(
                "anchors",
                {"created_at": utc_now(), "first_event": first, "last_event": last,
                 "size": size, "root": root},
            )  # fmt: skip
            self.append_event(
                "anchor.made", f"anchor:{anchor}",
                {"first_event": first, "last_event": last, "size": size, "root": root},
            )  # fmt: skip
        return anchor

    def add_anchor_token(
        self, anchor: int, tsa: str, token_sha256: str, roots_sha256: str, gen_time: str
    ) -> None:
        """A TSA's token for an anchor's root (its DER and CA certificates already blobs)."""
        with self.atomic():
            self._insert(
                "anchor_tokens",
                {"anchor": anchor, "tsa": tsa, "token_sha256": token_sha256,
                 "roots_sha256": roots_sha256, "gen_time": gen_time, "created_at": utc_now()},
            )  # fmt: skip
            self.append_event(
                "anchor.stamped", f"anchor:{anchor}",
                {"tsa": tsa, "gen_time": gen_time, "token_sha256": token_sha256},
            )  # fmt: skip

    def capture_event_ids(self) -> dict[int, int]:
        """capture id -> id of the event that recorded it."""
        rows = self.rows("SELECT id, subject FROM events WHERE kind = 'post.captured' ORDER BY id")
        return {int(r["subject"].split(":", 1)[1]): r["id"] for r in rows}

    # Browser captures ------------------------------------------------------------------------

    def add_browser_capture(self, record: dict[str, Any]) -> int:
        """A rendered page (its blobs already stored), sealed in the event chain."""
        with self.atomic():
            row_id = self._insert("browser_captures", record)
            self.append_event(
                "browser.captured", f"browser_capture:{row_id}",
                {"url": record["url"], "status": record["status"],
                 "row": self._seal("browser_captures", "id", row_id)},
            )  # fmt: skip
        return row_id

    def browser_captures_of(self, column: str, ids: list[int]) -> list[dict[str, Any]]:
        """Rendered pages of these post captures (`post_capture`) or article captures."""
        assert column in ("post_capture", "article_capture")
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        return self.rows(
            f"SELECT * FROM browser_captures WHERE {column} IN ({marks}) ORDER BY id", ids
        )

    # Search (the web page) -------------------------------------------------------------------

    def search_text(self, words: str, limit: int = 50) -> list[dict[str, Any]]:
        """Captures whose text has all these words (FTS5), newest first, with their post.

        Newest first rather than by rank: ranking scores every match, which grows with the
        archive, while the index gives the newest matches directly."""
        terms = " ".join('"' + word.replace('"', '""') + '"' for word in words.split())
        if not terms:
            return []
        return self.rows(
            "SELECT c.id AS capture, c.captured_at, c.text, c.status, p.id AS post, p.url,"
            " p.platform, p.author_handle FROM post_text f JOIN post_captures c ON c.id = f.rowid"
            " JOIN posts p ON p.id = c.post WHERE post_text MATCH ? ORDER BY f.rowid DESC"
            " LIMIT ?",
            [terms, limit],
        )

    def posts_by_handle(self, handle: str, limit: int = 100) -> list[dict[str, Any]]:
        return self.rows(
            "SELECT * FROM posts WHERE lower(author_handle) = lower(?) ORDER BY id DESC LIMIT ?",
            [handle.lstrip("@"), limit],
        )

    def recent_runs(self, limit: int = 50) -> list[dict[str, Any]]:
        return self.rows("SELECT * FROM runs ORDER BY id DESC LIMIT ?", [limit])

    def article_page(self, article: int) -> dict[str, Any] | None:
        """An article with its embeds (and each post's latest capture status) and credits."""
        found = self.row("articles", "id", article)
        if found is None:
            return None
        found["embeds"] = self.rows(
            "SELECT e.position, e.found_by, p.id AS post, p.url, p.platform, p.identity_key,"
            " (SELECT c.status FROM post_captures c WHERE c.post = p.id ORDER BY c.id DESC"
            " LIMIT 1) AS status FROM embeds e JOIN posts p ON p.id = e.post"
            " WHERE e.article = ? ORDER BY e.position",
            [article],
        )
        found["credits"] = self.rows("SELECT * FROM credits WHERE article = ?", [article])
        found["captures"] = self.rows(
            "SELECT * FROM article_captures WHERE article = ? ORDER BY id", [article]
        )
        return found

    # Notes ---------------------------------------------------------------------------------

    def add_note(self, target: str, text: str, author: str, supersedes: int | None) -> int:
        """Append a note (notes are never edited: a correction supersedes an earlier one)."""
        with self.atomic():
            note = self._insert(
                "notes",
                {"target": target, "text": text, "author": author, "created_at": utc_now(),
                 "supersedes": supersedes},
            )  # fmt: skip
            self.append_event(
                "note.added", target,
                {"note": note, "author": author, "row": self._seal("notes", "id", note)},
            )  # fmt: skip
        return note

    def notes_on(self, targets: list[str]) -> list[dict[str, Any]]:
        """Notes on any of these targets, oldest first, each with the note that superseded it."""
        if not targets:
            return []
        marks = ",".join("?" * len(targets))
        return self.rows(
            "SELECT n.*, (SELECT s.id FROM notes s WHERE s.supersedes = n.id) AS superseded_by"
            f" FROM notes n WHERE n.target IN ({marks}) ORDER BY n.id",
            targets,
        )

    # The event chain -------------------------------------------------------------------

    def append_event(self, kind: str, subject: str, detail: dict[str, Any]) -> str:
        """Add an event to the hash chain (inside the caller's transaction); return its hash."""
        last = self._one("SELECT hash FROM events ORDER BY id DESC LIMIT 1", [])
        prev_hash = last["hash"] if last else GENESIS
        ts = utc_now()
        body = canonical_detail(detail)
        digest = event_hash(prev_hash, ts, kind, subject, body)
        self._insert(
            "events",
            {"ts": ts, "kind": kind, "subject": subject, "detail": body,
             "prev_hash": prev_hash, "hash": digest},
        )  # fmt: skip
        return digest

    def events(self) -> Iterator[dict[str, Any]]:
        """Every event, first to last (for verification and custody logs)."""
        yield from self.db.query("SELECT * FROM events ORDER BY id")

    def foreign_key_problems(self) -> list[dict[str, Any]]:
        """Rows whose declared references do not resolve (SQLite's own check)."""
        return self.rows("PRAGMA foreign_key_check")

    def row(self, table: str, key_column: str, key: int | str) -> dict[str, Any] | None:
        return self._one(f"SELECT * FROM {table} WHERE {key_column} = ?", [key])

    def keys(self, table: str, key_column: str) -> list[int | str]:
        return [r[key_column] for r in self.rows(f"SELECT {key_column} FROM {table}")]

    # Reads -------------------------------------------------------------------------------

    def rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        """Rows of a read-only query, as dicts (for reports and tests)."""
        try:
            return list(self.db.query(sql, params or []))
        except sqlite3.Error as exc:
            raise StoreError(f"database read failed: {exc}", self.path) from exc

    def _in_runs(self, sql: str, runs: list[int]) -> list[dict[str, Any]]:
        """Rows of `sql` whose `{runs}` placeholder is filled with these run ids."""
        return self.rows(sql.format(runs=",".join("?" * len(runs))), runs) if runs else []

    def count(self, table: str) -> int:
        return self.db[table].count

    # Helpers -----------------------------------------------------------------------------

    def _seal(self, table: str, key_column: str, key: int | str) -> dict[str, Any]:
        """The seal an event carries for a row it stored: table, key, digest of the row."""
        row = self.row(table, key_column, key)
        assert row is not None, f"{table} {key} was just written"
        return {"table": table, "key": key, "columns": sorted(row), "sha256": row_digest(row)}

    def _insert(self, table: str, record: dict[str, Any]) -> int:
        return int(self.db[table].insert(record).last_pk)

    def _one(self, sql: str, params: list[Any]) -> dict[str, Any] | None:
        try:
            return next(iter(self.db.query(sql, params)), None)
        except sqlite3.Error as exc:
            raise StoreError(f"database read failed: {exc}", self.path) from exc
