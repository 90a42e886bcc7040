"""`WorkPool`: network work on a bounded pool of threads, its results handled on one thread.

A run's slow part is waiting for platforms, so captures and downloads run on worker threads,
`concurrency` at a time. What is done with each result (storing exchanges, media, captures)
runs on the thread that owns the run, the archive's one writer: SQLite never sees two writers
and never waits on a lock. At most `backlog` pieces of work wait at once; `submit` blocks,
handling finished ones, until there is room, so memory stays flat however long the run.

Work is counted in groups (one per queued source): a group is finished when the work started
for it, and all the work that work started in turn, has been handled. That is when its queue
item is marked done, so a killed run resumes exactly the sources it had not finished.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass(eq=False)
class Group:
    """Work done for one source; `on_done` runs once it all has been handled."""

    on_done: Callable[[Group], None]
    open: int = 0
    error: str | None = None

    def release(self) -> None:
        self.open -= 1
        if self.open == 0:
            self.on_done(self)


class WorkPool:
    def __init__(self, concurrency: int, backlog: int | None = None) -> None:
        self._executor = ThreadPoolExecutor(max(1, concurrency), thread_name_prefix="archiver")
        self._backlog = backlog or 4 * max(1, concurrency)
        self._pending: dict[Future[Any], tuple[Callable[[Any], None], Group | None]] = {}
        self._group: Group | None = None

    def submit(
        self, work: Callable[[], T], then: Callable[[T], None], on: Executor | None = None
    ) -> Future[T]:
        """Run `work` on a worker (or on `on`, an executor of the caller's: a browser's own
        thread); later, `then(result)` on this thread, in the same group."""
        while len(self._pending) >= self._backlog:
            self._handle_some()
        if self._group is not None:
            self._group.open += 1
        future = (on or self._executor).submit(work)
        self._pending[future] = (then, self._group)
        return future

    @contextlib.contextmanager
    def group(self, on_done: Callable[[Group], None]) -> Iterator[Group]:
        """Work submitted inside the block (and by its results' handlers) belongs to a group."""
        group = Group(on_done, open=1)
        outer, self._group = self._group, group
        try:
            yield group
        finally:
            self._group = outer
        group.release()

    def drain(self) -> None:
        """Handle everything submitted, including what the handlers submit in turn."""
        while self._pending:
            self._handle_some()

    def close(self) -> None:
        """Stop: work not yet started is dropped (a resumed run does it again)."""
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._pending.clear()

    def hold(self) -> Group | None:
        """Count one more piece of work, not submitted here, in the current group (a waiter
        on someone else's download); `run_held` runs it and lets the group go."""
        if self._group is not None:
            self._group.open += 1
        return self._group

    def run_held(self, group: Group | None, work: Callable[[], None]) -> None:
        outer, self._group = self._group, group
        try:
            work()
        finally:
            self._group = outer
        if group is not None:
            group.release()

    def _handle_some(self) -> None:
        done, _ = wait(list(self._pending), return_when=FIRST_COMPLETED)
        for future in done:
            entry = self._pending.pop(future, None)
            if entry is None:  # a handler that ran first already handled it, via submit()
                continue
            then, group = entry
            outer, self._group = self._group, group
            try:
                then(future.result())
            finally:
                self._group = outer
            if group is not None:  # not on failure: a group that broke is never marked done
                group.release()
