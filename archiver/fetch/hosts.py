"""`HostGate`: how hard the archiver leans on any one host, whatever the run's concurrency.

At most `per_host` requests to one host are in flight at once, and two of them start at least
`interval` seconds apart. Platforms have their own, usually slower, pace on top of this
(`[platforms] min_interval`).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator


class HostGate:
    def __init__(
        self,
        per_host: int,
        interval: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.per_host = max(1, per_host)
        self.interval = interval
        self.clock = clock
        self.sleep = sleep
        self._lock = threading.Lock()
        self._slots: dict[str, threading.Semaphore] = {}
        self._next_start: dict[str, float] = {}

    @contextlib.contextmanager
    def slot(self, host: str) -> Iterator[None]:
        """Hold one of the host's slots for the duration of a request."""
        with self._lock:
            slots = self._slots.setdefault(host, threading.BoundedSemaphore(self.per_host))
        with slots:
            self._space(host)
            yield

    def _space(self, host: str) -> None:
        if self.interval <= 0:
            return
        with self._lock:
            now = self.clock()
            start = max(now, self._next_start.get(host, now))
            self._next_start[host] = start + self.interval
        if start > now:
            self.sleep(start - now)
