"""The contract every platform adapter keeps, and the context it fetches through.

An adapter is an ordered chain of independent capture methods (X: syndication, oEmbed, the
embed page). Each method returns a `PlatformCapture`; the first `ok` wins. Otherwise the
most telling outcome stands: what the platform itself said (deleted, protected, withheld)
over "not found", over an unreadable answer, over no answer at all. Methods named in
`[platforms.<name>] disabled_methods` are skipped.
"""

from __future__ import annotations

import email.utils
import json
import random
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import urlsplit

from ..config import Config
from ..errors import FailureReason, ParseError
from ..fetch.client import Fetcher
from ..models import Attempt, CaptureStatus, Embed, Exchange, Platform, PlatformCapture

Recorder = Callable[[Exchange], int]  # stores an exchange and its body; returns its row id
_FEDERATED = {Platform.MASTODON}
# What reading a platform's JSON or HTML raises when its shape changed: one method's failure
# (parse_error, its answer kept), never the run's.
_SHAPE_ERRORS = (KeyError, IndexError, TypeError, ValueError, AttributeError)

_STATUS_FOR_REASON = {
    FailureReason.DELETED: CaptureStatus.DELETED,
    FailureReason.PROTECTED: CaptureStatus.PROTECTED,
    FailureReason.WITHHELD: CaptureStatus.WITHHELD,
    FailureReason.AGE_GATED: CaptureStatus.WITHHELD,
    FailureReason.GEO_BLOCKED: CaptureStatus.WITHHELD,
    FailureReason.NOT_FOUND: CaptureStatus.UNAVAILABLE,
    FailureReason.SUSPENDED: CaptureStatus.UNAVAILABLE,
    FailureReason.PARSE_ERROR: CaptureStatus.ERROR,
}
_RANK = [
    CaptureStatus.SKIPPED,
    CaptureStatus.FAILED,
    CaptureStatus.ERROR,
    CaptureStatus.UNAVAILABLE,
    CaptureStatus.WITHHELD,
    CaptureStatus.PROTECTED,
    CaptureStatus.DELETED,
]


def status_for(reason: FailureReason | str) -> CaptureStatus:
    """The capture status a reason code implies; network and wall reasons mean `failed`."""
    return _STATUS_FOR_REASON.get(FailureReason(reason), CaptureStatus.FAILED)


def outcome(method: str, reason: FailureReason | str, error: str | None = None) -> PlatformCapture:
    """A capture that did not give the post, with the status its reason implies."""
    return PlatformCapture(status_for(reason), method, reason=str(reason), error=error)


@dataclass
class Response:
    """An exchange as an adapter sees it, with the row id it was stored under."""

    exchange: Exchange
    id: int

    @property
    def status(self) -> int | None:
        return self.exchange.status

    @property
    def text(self) -> str:
        return self.exchange.body.decode(self.exchange.charset or "utf-8", errors="replace")

    def json(self) -> Any:
        try:
            return json.loads(self.exchange.body)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise ParseError(f"{self.exchange.url}: not JSON ({exc})", self.exchange.url) from exc

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.exchange.headers if k.lower() == name.lower()), None)


class Pacer:
    """Keeps a minimum interval between the starts of two requests to one platform.

    Safe across threads: each request reserves the next free start time, so concurrent
    captures of one platform queue up at its pace instead of all starting at once.
    """

    def __init__(
        self,
        interval: Callable[[str], float],
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = interval
        self.clock = clock
        self.sleep = sleep
        self._lock = threading.Lock()
        self._next_start: dict[str, float] = {}

    def wait(self, platform: str, key: str | None = None) -> float:
        """Wait for `platform`'s next start and return it; `key` paces a federated platform
        per server."""
        key = key or platform
        with self._lock:
            now = self.clock()
            start = max(now, self._next_start.get(key, now))
            self._next_start[key] = start + self.interval(platform)
        if start > now:
            self.sleep(start - now)
        return start

    def unanswered(self, platform: str, start: float, key: str | None = None) -> None:
        """A request that never reached the platform (DNS, refused) gives its slot back,
        unless another request has already queued behind it."""
        key = key or platform
        with self._lock:
            if self._next_start.get(key) == start + self.interval(platform):
                self._next_start[key] = start


@dataclass
class CaptureContext:
    """What one post's capture fetches through: paced, retried, every exchange recorded."""

    platform: Platform
    fetcher: Fetcher
    record: Recorder
    config: Config
    pacer: Pacer
    sleep: Callable[[float], None] = time.sleep
    exchanges: list[int] = field(default_factory=list)
    last_url: str = ""  # the URL of the latest request, for error messages

    def get(self, url: str) -> Response:
        """GET a URL; timeouts, 429 and 5xx are retried with backoff, honouring Retry-After."""
        network = self.config.network
        self.last_url = url
        for attempt in range(network.retries + 1):
            key = self._pace_key(url)
            start = self.pacer.wait(self.platform, key)
            exchange = self.fetcher.attempt(url)
            if exchange.status is None:
                self.pacer.unanswered(self.platform, start, key)
            response = Response(exchange, self.record(exchange))
            self.exchanges.append(response.id)
            wait = self._retry_wait(response, attempt)
            if wait is None or attempt == network.retries:
                return response
            self.sleep(wait)
        raise AssertionError("unreachable: the last attempt returns")

    def _pace_key(self, url: str) -> str | None:
        """Mastodon instances are separate servers, each paced on its own."""
        if self.platform in _FEDERATED:
            return f"{self.platform}:{urlsplit(url).hostname}"
        return None

    def _retry_wait(self, response: Response, attempt: int) -> float | None:
        """Seconds to wait before trying again, or None when this answer is final."""
        network = self.config.network
        exchange = response.exchange
        retryable = exchange.error_reason == FailureReason.TIMEOUT or (
            exchange.status is not None and (exchange.status == 429 or exchange.status >= 500)
        )
        if not retryable:
            return None
        asked = _retry_after(response.header("Retry-After"))
        if asked is not None:
            return asked if asked <= network.max_retry_wait else None
        return network.backoff * (2**attempt) * (1 + random.random() / 2)


def _retry_after(value: str | None) -> float | None:
    """Retry-After as seconds: a number, or an HTTP date."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class Adapter:
    """Turns an embed (or any URL form of a post) into a capture, one method after another."""

    platform: ClassVar[Platform]
    methods: ClassVar[tuple[str, ...]]

    def capture(
        self, target: Embed, context: CaptureContext, disabled: Collection[str] = ()
    ) -> PlatformCapture:
        enabled = [name for name in self.methods if name not in disabled]
        if not enabled:
            result = outcome("none", FailureReason.METHODS_DISABLED, "every method is disabled")
        else:
            result = self.run_chain(target, context, enabled)
        result.exchanges = list(context.exchanges)
        return result

    def run_chain(
        self, target: Embed, context: CaptureContext, names: list[str]
    ) -> PlatformCapture:
        tried: list[PlatformCapture] = []
        for name in names:
            try:
                result = getattr(self, name.replace("-", "_"))(target, context)
            except ParseError as exc:
                result = outcome(name, FailureReason.PARSE_ERROR, str(exc))
            except _SHAPE_ERRORS as exc:  # an answer in a shape the method did not expect
                why = f"{context.last_url}: unexpected answer ({type(exc).__name__}: {exc})"
                result = outcome(name, FailureReason.PARSE_ERROR, why)
            if result.status is CaptureStatus.OK:
                break
            tried.append(result)
        else:
            result = max(tried, key=lambda r: (_RANK.index(r.status), -tried.index(r)))
        result.attempts = [
            Attempt(r.method, r.status, r.reason, r.error) for r in tried if r is not result
        ]
        return result
