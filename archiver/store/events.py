"""The event log's hash chain: each event's hash covers the one before it.

Editing, inserting or deleting any row breaks every hash after it, so the head hash
(published, or handed to an auditor) vouches for the whole history up to that point.

Events that store evidence (an exchange, a capture, an image, a note, a change) also seal
that row: `detail["row"]` names the table and key and carries the sha256 of the row as
stored, so an edited or deleted row is caught by comparing it with its latest seal.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

GENESIS = "0" * 64


def canonical_detail(detail: dict[str, Any]) -> str:
    return json.dumps(detail, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_hash(prev_hash: str, ts: str, kind: str, subject: str, detail: str) -> str:
    """sha256 over the previous hash and this event's fields, as canonical JSON."""
    payload = json.dumps(
        [prev_hash, ts, kind, subject, detail], separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def row_digest(row: dict[str, Any], columns: list[str] | None = None) -> str:
    """sha256 of a database row as canonical JSON: the columns named (a seal names the ones
    the row had when it was sealed, so a column a later migration adds changes nothing), or
    every column."""
    if columns is not None:
        row = {column: row.get(column) for column in columns}
    return hashlib.sha256(canonical_detail(row).encode("utf-8")).hexdigest()
