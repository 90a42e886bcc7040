"""One writing job per archive: an exclusive lock on <database>.lock, held for the whole run.

SQLite would serialise two jobs' writes, but two nightly runs over the same sources would
still capture every post twice; the second job is refused instead, with a clear message.
The operating system drops the lock when the holder dies, so a killed run leaves none behind.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import LockedError


@contextmanager
def exclusive(db_path: Path, wait: bool = False) -> Iterator[None]:
    """Hold the archive's write lock; refuse at once, or with `wait` queue behind the holder."""
    lock_path = db_path.with_name(db_path.name + ".lock")
    handle = open(lock_path, "a+")  # noqa: SIM115 - held open for the lock's lifetime
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise LockedError(
                f"{db_path} is being written by another archiver job ({holder})", str(db_path)
            ) from exc
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        yield
    finally:
        handle.close()
