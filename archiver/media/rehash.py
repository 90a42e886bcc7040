"""`archiver rehash`: bring every stored image's hashes up to the current pipeline version."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import MediaError, StoreError
from ..store.blobs import BlobStore
from ..store.db import Store
from .fingerprint import HASH_VERSION, fingerprint


@dataclass
class RehashSummary:
    hash_version: int
    rehashed: int = 0
    failed: list[dict[str, str]] = field(default_factory=list)


def rehash(store: Store, blobs: BlobStore) -> RehashSummary:
    """Recompute from the stored bytes; an image that cannot be read is listed, not fatal."""
    summary = RehashSummary(HASH_VERSION)
    for sha256 in store.media_to_rehash(HASH_VERSION):
        try:
            image = fingerprint(blobs.get(sha256), sha256)
        except (MediaError, StoreError) as exc:
            summary.failed.append({"sha256": sha256, "error": str(exc)})
            continue
        with store.atomic():
            store.update_fingerprint(image)
        summary.rehashed += 1
    return summary
