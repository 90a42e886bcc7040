"""Bodies and images, stored once each, named by their sha256.

`BlobStore` is the narrow interface (put bytes, get bytes, ask by digest) that an
S3-compatible store can implement later; `LocalBlobStore` keeps them in a folder beside the
database, fanned out as ab/cd/abcd... so no folder grows too large.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ..errors import StoreError

if TYPE_CHECKING:
    from .db import Store


class BlobStore(Protocol):
    def put(self, data: bytes) -> str: ...
    def get(self, sha256: str) -> bytes: ...
    def exists(self, sha256: str) -> bool: ...


class LocalBlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def put(self, data: bytes) -> str:
        """Store bytes and return their sha256; a blob already there is not written again.

        Written to a temporary file in the same folder, flushed to disk, then renamed into
        place, so a crash or a full disk never leaves a partial blob under a real name.
        """
        sha256 = hashlib.sha256(data).hexdigest()
        final = self.path(sha256)
        if final.is_file():
            return sha256
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            descriptor, temporary = tempfile.mkstemp(dir=final.parent, prefix=".incoming-")
            try:
                with os.fdopen(descriptor, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(temporary, final)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise StoreError(
                f"cannot write blob {sha256[:12]}: {exc.strerror}", str(final)
            ) from exc
        return sha256

    def get(self, sha256: str) -> bytes:
        try:
            return self.path(sha256).read_bytes()
        except OSError as exc:
            raise StoreError(
                f"cannot read blob {sha256[:12]}: {exc.strerror}", str(self.path(sha256))
            ) from exc


def keep_blob(store: Store, blobs: BlobStore, data: bytes, mime: str) -> str:
    """Store bytes the archive made or received (a token, a screenshot copy, a DOM) and
    record them in `blobs`; their sha256."""
    sha256 = blobs.put(data)
    with store.atomic():
        store.add_blob(sha256, len(data), mime)
    return sha256
