"""`archiver verify`: does the archive still hold what it says it holds?

    1. Every blob (or a random sample of them) is read back and hashed: its sha256 must be
       its name and its size the size recorded.
    2. Every row's references resolve: SQLite's own foreign-key check, and the sha256s a
       capture's media list names.
    3. The event chain is recomputed from the first event to the head: each event must name
       the hash before it and hash to what it says.
    4. Every row an event sealed (exchanges, captures, images, notes, changes) must still be
       there and hash to its latest seal; rows stored since sealing began must have one, so
       deleting the events that sealed them is caught too.
    5. Every anchor's root is recomputed from its events, and every timestamp token on it is
       checked against the root and the CA certificates kept with it. The share of captures
       under a stamped root (trusted time) is reported.

Nothing is repaired: each problem is named (which blob, which row, where the chain breaks).
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from .errors import StoreError
from .store.blobs import BlobStore
from .store.db import Store
from .store.events import GENESIS, event_hash, row_digest
from .trusted_time import check_anchors, count_trusted

_RESEALS = {"row.reassigned", "media.rehashed"}  # seal rows again, not as they are stored
_SEALED_KEYS = {
    "http_exchanges": "id",
    "post_captures": "id",
    "article_captures": "id",
    "media": "sha256",
    "notes": "id",
    "changes": "id",
    "browser_captures": "id",
}


@dataclass
class Problem:
    kind: str  # blob_missing, blob_corrupt, reference, chain, row_changed, row_missing,
    # unsealed, anchor
    where: str
    detail: str


@dataclass
class Verification:
    head_hash: str
    events: int
    blobs_checked: int
    blobs_total: int
    rows_sealed: int
    problems: list[Problem] = field(default_factory=list)
    captures: int = 0
    captures_with_trusted_time: int = 0  # under a root a timestamp authority stamped

    @property
    def trusted_time_share(self) -> float:
        return round(self.captures_with_trusted_time / self.captures, 4) if self.captures else 0.0

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, **asdict(self), "trusted_time_share": self.trusted_time_share}

    def describe(self) -> str:
        lines = [
            f"Event chain: {self.events} events, head {self.head_hash}",
            f"Blobs: {self.blobs_checked} of {self.blobs_total} re-hashed",
            f"Sealed rows checked: {self.rows_sealed}",
            f"Captures with trusted time: {self.captures_with_trusted_time} of {self.captures}",
        ]
        if self.ok:
            lines.append("Everything holds.")
        else:
            lines.append(f"{len(self.problems)} problem(s):")
            lines += [f"  {p.kind}: {p.where}: {p.detail}" for p in self.problems]
        return "\n".join(lines)


def verify(
    store: Store, blobs: BlobStore, sample: int | None = None, rng: random.Random | None = None
) -> Verification:
    """Check blobs, references, the event chain and the sealed rows; report every problem."""
    problems: list[Problem] = []
    checked, total = _check_blobs(store, blobs, sample, rng or random.Random(), problems)
    problems += _check_references(store)
    first_sealed: dict[str, Any] = {}
    head, count, seals = _check_chain(store, problems, first_sealed)
    problems += _check_seals(store, seals, first_sealed)
    problems += [Problem("anchor", where, detail) for where, detail in check_anchors(store, blobs)]
    result = Verification(head, count, checked, total, len(seals), problems)
    result.captures, result.captures_with_trusted_time = count_trusted(store)
    return result


def _check_blobs(
    store: Store,
    blobs: BlobStore,
    sample: int | None,
    rng: random.Random,
    problems: list[Problem],
) -> tuple[int, int]:
    rows = store.rows("SELECT sha256, size FROM blobs ORDER BY sha256")
    chosen = rng.sample(rows, sample) if sample is not None and sample < len(rows) else rows
    for row in chosen:
        sha256 = row["sha256"]
        try:
            data = blobs.get(sha256)
        except StoreError:
            problems.append(Problem("blob_missing", f"blob {sha256}", "not in the blob store"))
            continue
        actual = hashlib.sha256(data).hexdigest()
        if actual != sha256:
            problems.append(
                Problem("blob_corrupt", f"blob {sha256}", f"its bytes hash to {actual}")
            )
        elif row["size"] is not None and row["size"] != len(data):
            problems.append(
                Problem(
                    "blob_corrupt", f"blob {sha256}", f"{len(data)} bytes, {row['size']} recorded"
                )
            )
    return len(chosen), len(rows)


def _check_references(store: Store) -> list[Problem]:
    problems = [
        Problem(
            "reference",
            f"{row['table']} row {row['rowid']}",
            f"refers to a missing {row['parent']} row",
        )
        for row in store.foreign_key_problems()
    ]
    known = set(store.keys("blobs", "sha256"))
    for capture in store.rows("SELECT id, media FROM post_captures WHERE media IS NOT NULL"):
        try:
            items = json.loads(capture["media"] or "[]")
        except ValueError:
            where = f"post_captures row {capture['id']}"
            problems.append(Problem("reference", where, "its media list is not JSON"))
            continue
        for item in items:
            if item.get("sha256") and item["sha256"] not in known:
                problems.append(
                    Problem(
                        "reference",
                        f"post_captures row {capture['id']}",
                        f"names media {item['sha256']} that is not stored",
                    )
                )
    return problems


def _check_chain(
    store: Store, problems: list[Problem], first_sealed: dict[str, Any]
) -> tuple[str, int, dict[tuple[str, Any], dict[str, Any]]]:
    """Recompute the chain; return the head, the count and the latest seal of each row, and
    note in `first_sealed` the first row of each table sealed as it was stored."""
    previous = GENESIS
    count = 0
    seals: dict[tuple[str, Any], dict[str, Any]] = {}
    inserted = first_sealed
    for event in store.events():
        count += 1
        where = f"event {event['id']} ({event['kind']} {event['subject']})"
        if event["prev_hash"] != previous:
            problems.append(
                Problem(
                    "chain",
                    where,
                    "does not follow the event before it (one was removed or changed)",
                )
            )
        digest = event_hash(
            event["prev_hash"], event["ts"], event["kind"], event["subject"], event["detail"]
        )
        if digest != event["hash"]:
            problems.append(
                Problem("chain", where, "its fields no longer hash to its hash (edited)")
            )
        previous = event["hash"]
        for seal in _seals(event["detail"]):
            seals[(seal["table"], seal["key"])] = seal
            if event["kind"] not in _RESEALS:
                inserted.setdefault(seal["table"], seal["key"])
    return previous, count, seals


def _seals(detail: str) -> Iterator[dict[str, Any]]:
    try:
        parsed = json.loads(detail)
    except ValueError:
        return
    seal = parsed.get("row") if isinstance(parsed, dict) else None
    if isinstance(seal, dict) and {"table", "key", "sha256"} <= set(seal):
        yield seal


def _check_seals(
    store: Store, seals: dict[tuple[str, Any], dict[str, Any]], first_sealed: dict[str, Any]
) -> list[Problem]:
    problems = []
    for (table, key), seal in seals.items():
        key_column = _SEALED_KEYS.get(table)
        if key_column is None:
            continue
        row = store.row(table, key_column, key)
        where = f"{table} row {key}"
        if row is None:
            problems.append(Problem("row_missing", where, "sealed in the event chain, now gone"))
        elif row_digest(row, seal.get("columns")) != seal["sha256"]:
            problems.append(Problem("row_changed", where, "differs from its seal (edited)"))
    for table, key_column in _SEALED_KEYS.items():
        first = first_sealed.get(table)
        if first is None or key_column != "id":
            continue  # images are keyed by sha256: their order says nothing about sealing
        for key in store.keys(table, "id"):
            if int(key) > int(first) and (table, key) not in seals:
                problems.append(
                    Problem("unsealed", f"{table} row {key}", "stored without a seal in the chain")
                )
    return problems
