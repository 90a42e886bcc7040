"""The database schema: the only place tables are defined.

Each migration is a named function that takes the schema one version further; the version
is kept in SQLite's `user_version`. A database made by any earlier release is brought up to
date by running the migrations it has not had, in order, inside one transaction.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlite_utils import Database

from ..errors import StoreError


def migration_0001_initial(db: Database) -> None:
    """Articles, posts, captures, media, exchanges, blobs, notes, runs and the event chain."""
    db["runs"].create(
        {"id": int, "started_at": str, "finished_at": str, "status": str, "operator": str,
         "tool_version": str, "sources": str, "summary": str},
        pk="id", not_null=["started_at", "status"],
    )  # fmt: skip
    db["blobs"].create(
        {"sha256": str, "size": int, "mime": str, "created_at": str},
        pk="sha256", not_null=["size", "created_at"],
    )  # fmt: skip
    db["http_exchanges"].create(
        {"id": int, "run": int, "url": str, "final_url": str, "sent_to": str, "redirects": str,
         "status": int, "headers": str, "remote_ip": str, "started_at": str, "ended_at": str,
         "bytes": int, "body_sha256": str, "user_agent": str, "tool_version": str,
         "operator": str, "error_reason": str, "error": str},
        pk="id", not_null=["url", "started_at", "ended_at", "operator", "tool_version"],
        foreign_keys=[("run", "runs", "id"), ("body_sha256", "blobs", "sha256")],
    )  # fmt: skip
    db["articles"].create(
        {"id": int, "source": str, "kind": str, "title": str, "first_seen": str},
        pk="id", not_null=["source", "kind", "first_seen"],
    )  # fmt: skip
    db["articles"].create_index(["source"], unique=True)
    db["article_captures"].create(
        {"id": int, "article": int, "run": int, "captured_at": str, "status": str,
         "reason": str, "error": str, "exchange": int, "body_sha256": str, "content_type": str,
         "embeds_found": int, "credits_found": int, "warnings": str},
        pk="id", not_null=["article", "run", "captured_at", "status"],
        foreign_keys=[("article", "articles", "id"), ("run", "runs", "id"),
                      ("exchange", "http_exchanges", "id"), ("body_sha256", "blobs", "sha256")],
    )  # fmt: skip
    db["posts"].create(
        {"id": int, "identity_key": str, "platform": str, "post_id": str, "url": str,
         "author_handle": str, "author_name": str, "first_seen": str},
        pk="id", not_null=["identity_key", "platform", "first_seen"],
    )  # fmt: skip
    db["posts"].create_index(["identity_key"], unique=True)
    db["embeds"].create(
        {"id": int, "article": int, "post": int, "position": int, "found_by": str,
         "author_handle": str, "author_name": str, "published": str, "text": str,
         "media_urls": str, "first_seen": str, "last_seen": str},
        pk="id", not_null=["article", "post", "found_by", "first_seen"],
        foreign_keys=[("article", "articles", "id"), ("post", "posts", "id")],
    )  # fmt: skip
    db["embeds"].create_index(["article", "post"], unique=True)
    db["credits"].create(
        {"id": int, "article": int, "text": str, "platform": str, "account": str, "kind": str,
         "image_url": str, "first_seen": str},
        pk="id", not_null=["article", "text", "kind", "first_seen"],
        foreign_keys=[("article", "articles", "id")],
    )  # fmt: skip
    db["credits"].create_index(["article", "text"], unique=True)
    db["post_captures"].create(
        {"id": int, "post": int, "run": int, "captured_at": str, "status": str, "reason": str,
         "error": str, "method": str, "url": str, "exchange": int, "body_sha256": str},
        pk="id", not_null=["post", "run", "captured_at", "status", "method"],
        foreign_keys=[("post", "posts", "id"), ("run", "runs", "id"),
                      ("exchange", "http_exchanges", "id"), ("body_sha256", "blobs", "sha256")],
    )  # fmt: skip
    db["media"].create(
        {"sha256": str, "size": int, "width": int, "height": int, "format": str, "mime": str,
         "phash": str, "dhash": str, "first_seen": str},
        pk="sha256", not_null=["size", "width", "height", "format", "first_seen"],
        foreign_keys=[("sha256", "blobs", "sha256")],
    )  # fmt: skip
    db["media_occurrences"].create(
        {"id": int, "occurrence_key": str, "media": str, "post": int, "article": int,
         "credit": int, "run": int, "source_url": str, "source_path": str, "caption": str,
         "credit_text": str, "first_seen": str},
        pk="id", not_null=["occurrence_key", "media", "run", "first_seen"],
        foreign_keys=[("media", "media", "sha256"), ("post", "posts", "id"),
                      ("article", "articles", "id"), ("credit", "credits", "id"),
                      ("run", "runs", "id")],
    )  # fmt: skip
    db["media_occurrences"].create_index(["occurrence_key"], unique=True)
    db["notes"].create(
        {"id": int, "target": str, "text": str, "author": str, "created_at": str,
         "supersedes": int},
        pk="id", not_null=["target", "text", "author", "created_at"],
        foreign_keys=[("supersedes", "notes", "id")],
    )  # fmt: skip
    db["events"].create(
        {"id": int, "ts": str, "kind": str, "subject": str, "detail": str, "prev_hash": str,
         "hash": str},
        pk="id", not_null=["ts", "kind", "subject", "detail", "prev_hash", "hash"],
    )  # fmt: skip
    db["events"].create_index(["hash"], unique=True)
    for table, column in (
        ("post_captures", "post"),
        ("embeds", "post"),
        ("media_occurrences", "media"),
        ("http_exchanges", "run"),
    ):
        db[table].create_index([column])  # fmt: skip


def migration_0002_platform_captures(db: Database) -> None:
    """What platform adapters read from a post, every exchange behind a capture, URL aliases."""
    for column, kind in (
        ("kind", str), ("canonical_url", str), ("platform_post_id", str), ("author_handle", str),
        ("author_name", str), ("published", str), ("text", str), ("lang", str), ("media", str),
        ("counts", str), ("quoted_url", str), ("reply_to_url", str), ("attempts", str),
    ):  # fmt: skip
        db["post_captures"].add_column(column, kind)
    db["capture_exchanges"].create(
        {"capture": int, "exchange": int},
        pk=("capture", "exchange"),
        foreign_keys=[("capture", "post_captures", "id"), ("exchange", "http_exchanges", "id")],
    )
    # Other identity keys of a post (its pic.twitter.com link once resolved, say).
    db["post_aliases"].create(
        {"alias_key": str, "post": int}, pk="alias_key", foreign_keys=[("post", "posts", "id")]
    )
    for column, kind in (("position", int), ("alt_text", str), ("media_type", str)):
        db["media_occurrences"].add_column(column, kind)


def migration_0003_fingerprints(db: Database) -> None:
    """Every perceptual hash of an image, its pipeline version, and the reuse links found."""
    for column, kind in (
        ("whash", str), ("pdq", str), ("pdq_quality", int), ("pdq_mirror", str),
        ("center_pdq", str), ("boxes", str), ("box_pdqs", str), ("crop_pdqs", str),
        ("frame_pdqs", str),
        ("low_information", int), ("hash_version", int),
    ):  # fmt: skip
        db["media"].add_column(column, kind)
    db["reuse_links"].create(
        {"id": int, "media": str, "earlier": str, "method": str, "distance": int, "run": int,
         "found_at": str},
        pk="id", not_null=["media", "earlier", "method", "distance", "found_at"],
        foreign_keys=[("media", "media", "sha256"), ("earlier", "media", "sha256"),
                      ("run", "runs", "id")],
    )  # fmt: skip
    db["reuse_links"].create_index(["media", "earlier"], unique=True)
    db["reuse_links"].create_index(["earlier"])


def migration_0004_changes(db: Database) -> None:
    """What changed between two captures of a post, found once when the later one is stored."""
    db["changes"].create(
        {"id": int, "post": int, "from_capture": int, "to_capture": int, "kind": str,
         "detail": str, "run": int, "found_at": str},
        pk="id", not_null=["post", "from_capture", "to_capture", "kind", "found_at"],
        foreign_keys=[("post", "posts", "id"), ("from_capture", "post_captures", "id"),
                      ("to_capture", "post_captures", "id"), ("run", "runs", "id")],
    )  # fmt: skip
    db["changes"].create_index(["post"])


def migration_0005_run_items(db: Database) -> None:
    """A run's work queue, kept in the database so a killed run can be resumed."""
    db["run_items"].create(
        {"id": int, "run": int, "position": int, "location": str, "status": str,
         "error": str, "updated_at": str},
        pk="id", not_null=["run", "position", "location", "status", "updated_at"],
        foreign_keys=[("run", "runs", "id")],
    )  # fmt: skip
    db["run_items"].create_index(["run", "position"], unique=True)


def migration_0006_health_checks(db: Database) -> None:
    """Canary captures of reference posts, one row per platform, method and post."""
    db["health_checks"].create(
        {"id": int, "checked_at": str, "platform": str, "method": str, "post_url": str,
         "status": str, "reason": str, "error": str},
        pk="id", not_null=["checked_at", "platform", "method", "post_url", "status"],
    )  # fmt: skip
    db["health_checks"].create_index(["platform", "method", "id"])


def migration_0007_anchors(db: Database) -> None:
    """Trusted time: Merkle roots over stretches of the event chain, and the RFC 3161 tokens
    timestamp authorities gave for them (their DER and CA certificates kept as blobs)."""
    db["anchors"].create(
        {"id": int, "created_at": str, "first_event": int, "last_event": int, "size": int,
         "root": str},
        pk="id", not_null=["created_at", "first_event", "last_event", "size", "root"],
        foreign_keys=[("first_event", "events", "id"), ("last_event", "events", "id")],
    )  # fmt: skip
    db["anchor_tokens"].create(
        {"id": int, "anchor": int, "tsa": str, "token_sha256": str, "roots_sha256": str,
         "gen_time": str, "created_at": str},
        pk="id", not_null=["anchor", "tsa", "token_sha256", "gen_time", "created_at"],
        foreign_keys=[("anchor", "anchors", "id"), ("token_sha256", "blobs", "sha256"),
                      ("roots_sha256", "blobs", "sha256")],
    )  # fmt: skip
    db["anchor_tokens"].create_index(["anchor", "tsa"], unique=True)


def migration_0008_browser_captures(db: Database) -> None:
    """Pages rendered by a browser: screenshot, annotated copy, DOM and manifest (blobs), the
    exchanges the page made, and the post or article capture it belongs to."""
    db["browser_captures"].create(
        {"id": int, "run": int, "post_capture": int, "article_capture": int, "url": str,
         "status": str, "error": str, "started_at": str, "ended_at": str,
         "screenshot_sha256": str, "annotated_sha256": str, "dom_sha256": str,
         "manifest_sha256": str, "exchanges": str},
        pk="id", not_null=["run", "url", "status", "started_at", "ended_at"],
        foreign_keys=[("run", "runs", "id"), ("post_capture", "post_captures", "id"),
                      ("article_capture", "article_captures", "id"),
                      ("screenshot_sha256", "blobs", "sha256"),
                      ("annotated_sha256", "blobs", "sha256"), ("dom_sha256", "blobs", "sha256"),
                      ("manifest_sha256", "blobs", "sha256")],
    )  # fmt: skip
    db["browser_captures"].create_index(["post_capture"])
    db["browser_captures"].create_index(["article_capture"])


def migration_0009_post_text_search(db: Database) -> None:
    """Full-text search (FTS5) over what posts said, kept in step by a trigger."""
    db.execute(
        "CREATE VIRTUAL TABLE post_text USING fts5(text, content='post_captures',"
        " content_rowid='id')"
    )
    db.execute("INSERT INTO post_text(post_text) VALUES ('rebuild')")
    db.execute(
        "CREATE TRIGGER post_captures_text AFTER INSERT ON post_captures BEGIN"
        " INSERT INTO post_text(rowid, text) VALUES (new.id, new.text); END"
    )


MIGRATIONS: list[Callable[[Database], None]] = [
    migration_0001_initial,
    migration_0002_platform_captures,
    migration_0003_fingerprints,
    migration_0004_changes,
    migration_0005_run_items,
    migration_0006_health_checks,
    migration_0007_anchors,
    migration_0008_browser_captures,
    migration_0009_post_text_search,
]
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(db: Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: Database) -> int:
    """Bring the database up to SCHEMA_VERSION; return the version it had before."""
    before = schema_version(db)
    if before > SCHEMA_VERSION:
        raise StoreError(
            f"database schema version {before} is newer than this archiver ({SCHEMA_VERSION})"
        )
    if before == SCHEMA_VERSION:
        return before
    with db.atomic():
        for migration in MIGRATIONS[before:]:
            migration(db)
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return before
