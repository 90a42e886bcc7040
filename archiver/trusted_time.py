"""Trusted time for every capture, not just for a bundle.

`archiver timestamp` (a nightly job step) takes every event since the last anchor, builds a
Merkle tree over their hashes (RFC 6962), stores its root as a new anchor, and asks every
configured timestamp authority for an RFC 3161 token over the root. Tokens and the CA
certificates they were checked against are kept as blobs. An authority that fails is asked
again on the next run, for every anchor it has not stamped yet.

A capture is recorded by a `post.captured` event; once that event is under a stamped root,
the capture has trusted time: its inclusion proof (the event's hash, its place in the tree,
the sibling hashes) leads to a root that a TSA signed at a time it vouches for. Bundles carry
the proofs and tokens; `verify-bundle` checks them offline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cryptography import x509

from . import merkle
from .config import Config
from .errors import ConfigError, StoreError, TimestampError
from .fetch.client import Fetcher
from .store.blobs import BlobStore, keep_blob
from .store.db import Store
from .timestamps import check, load_roots, pem_of, stamp


@dataclass
class TimestampRun:
    anchors_made: int = 0
    tokens: int = 0
    failures: list[str] = field(default_factory=list)
    captures: int = 0
    captures_with_time: int = 0


@dataclass
class CaptureProof:
    capture: int
    event: int
    event_hash: str
    anchor: int
    index: int
    size: int
    path: list[str]
    root: str
    tokens: list[dict[str, Any]]  # tsa, gen_time, token_sha256, roots_sha256


def anchor_and_stamp(
    store: Store, blobs: BlobStore, fetcher: Fetcher, config: Config
) -> TimestampRun:
    """Anchor the events since the last anchor, then get every missing token."""
    tsas = config.timestamp.tsas
    if not tsas:
        raise ConfigError("no timestamp authorities: set [timestamp] tsas (and roots)")
    roots = load_roots(config.timestamp.roots)
    result = TimestampRun()
    anchors = store.anchors()
    first = anchors[-1]["last_event"] + 1 if anchors else 1
    head = store.last_event_id()
    if head >= first:
        links = store.event_links(first, head)
        root = merkle.root([bytes.fromhex(link["hash"]) for link in links])
        store.add_anchor(first, head, len(links), root.hex())
        result.anchors_made = 1
    roots_sha256 = keep_blob(store, blobs, pem_of(roots), "application/x-pem-file")
    for anchor in store.anchors():
        stamped = {token["tsa"] for token in anchor["tokens"]}
        for tsa in tsas:
            if tsa in stamped:
                continue
            try:
                token = stamp(fetcher, tsa, bytes.fromhex(anchor["root"]), roots)
            except TimestampError as exc:
                result.failures.append(f"anchor {anchor['id']}: {exc}")
                continue
            token_sha256 = keep_blob(store, blobs, token.der, "application/timestamp-reply")
            store.add_anchor_token(anchor["id"], tsa, token_sha256, roots_sha256, token.gen_time)
            result.tokens += 1
    result.captures, result.captures_with_time = count_trusted(store)
    return result


def count_trusted(store: Store) -> tuple[int, int]:
    """(captures, captures whose event lies under a stamped root), without building proofs."""
    events = store.capture_event_ids().values()
    stamped = [(a["first_event"], a["last_event"]) for a in store.anchors() if a["tokens"]]
    trusted = sum(any(first <= e <= last for first, last in stamped) for e in events)
    return len(events), trusted


def capture_proofs(store: Store, captures: set[int] | None = None) -> dict[int, CaptureProof]:
    """Inclusion proofs, to a stamped root, for these captures (default: all) that have one."""
    events = store.capture_event_ids()
    wanted = {c: e for c, e in events.items() if captures is None or c in captures}
    proofs = {}
    for anchor in store.anchors():
        if not anchor["tokens"]:
            continue
        inside = {
            c: e for c, e in wanted.items() if anchor["first_event"] <= e <= anchor["last_event"]
        }
        if not inside:
            continue
        links = store.event_links(anchor["first_event"], anchor["last_event"])
        tree = merkle.MerkleTree([bytes.fromhex(link["hash"]) for link in links])
        position = {link["id"]: index for index, link in enumerate(links)}
        tokens = [
            {k: t[k] for k in ("tsa", "gen_time", "token_sha256", "roots_sha256")}
            for t in anchor["tokens"]
        ]
        for capture, event in inside.items():
            index = position[event]
            proofs[capture] = CaptureProof(
                capture, event, links[index]["hash"], anchor["id"], index, len(links),
                [sibling.hex() for sibling in tree.proof(index)],
                anchor["root"], tokens,
            )  # fmt: skip
    return proofs


def check_anchors(store: Store, blobs: BlobStore) -> list[tuple[str, str]]:
    """(where, what) for each anchor whose root its events no longer give, or whose token
    does not hold over the root and the CA certificates kept with it."""
    problems = []
    for anchor in store.anchors():
        links = store.event_links(anchor["first_event"], anchor["last_event"])
        root = merkle.root([bytes.fromhex(link["hash"]) for link in links]).hex()
        where = f"anchor {anchor['id']}"
        if len(links) != anchor["size"] or root != anchor["root"]:
            problems.append((where, "its events no longer give its root"))
            continue
        for token in anchor["tokens"]:
            try:
                roots = x509.load_pem_x509_certificates(blobs.get(token["roots_sha256"]))
                check(blobs.get(token["token_sha256"]), bytes.fromhex(root), roots, token["tsa"])
            except (StoreError, ValueError, TimestampError) as exc:
                problems.append((where, f"token from {token['tsa']}: {exc}"))
    return problems
