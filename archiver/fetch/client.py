"""`Fetcher`: every network read the archiver makes, each returned as an `Exchange`.

Redirects are followed here, one hop at a time, rather than inside httpx, so that each hop is
recorded even when a later one is refused, and so that the redirect limit is ours.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from .. import __version__
from ..config import NetworkConfig
from ..errors import FailureReason, FetchError, PolicyRefused
from ..models import Exchange, Hop, utc_now
from .guard import NetworkPolicy, Resolver, literal_address
from .hostmap import HostMap
from .hosts import HostGate
from .transport import REMOTE_IP, SENT_TO, GuardedTransport


class ExchangeFailed(FetchError):
    """A fetch that did not complete; `.exchange` holds the provenance gathered so far."""

    def __init__(self, cause: FetchError, exchange: Exchange) -> None:
        super().__init__(str(cause), cause.url, cause.reason)
        self.exchange = exchange


@dataclass
class _Progress:
    """What one fetch has gathered so far, turned into an Exchange at the end, however it ends."""

    url: str
    started_at: str = field(default_factory=utc_now)
    hops: list[Hop] = field(default_factory=list)
    response: httpx.Response | None = None
    body: bytes = b""


class Fetcher:
    def __init__(
        self,
        network: NetworkConfig,
        operator: str,
        *,
        resolver: Resolver | None = None,
        inner: httpx.BaseTransport | None = None,
    ) -> None:
        self.network = network
        self.operator = operator
        policy = NetworkPolicy(allow_private=network.allow_private, resolver=resolver)
        transport = GuardedTransport(
            policy, HostMap.from_config(network.host_map), inner or httpx.HTTPTransport()
        )
        timeout = httpx.Timeout(
            network.read_timeout, connect=network.connect_timeout, pool=network.connect_timeout
        )
        self.client = httpx.Client(
            transport=transport,
            timeout=timeout,
            follow_redirects=False,
            headers={"User-Agent": network.user_agent},
            # the run's worker pool bounds the connections; a job file may raise it later
            limits=httpx.Limits(max_connections=None, max_keepalive_connections=32),
        )
        self.hosts = HostGate(network.per_host, network.host_interval)

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def fetch(self, url: str, max_bytes: int | None = None) -> Exchange:
        """GET a URL, following redirects; raise `ExchangeFailed` when no response completes.

        A response with an error status (404, 500) is still a completed exchange: deciding
        what it means is the caller's business. `max_bytes` overrides the body size limit.
        """
        progress = _Progress(url)
        try:
            with self.hosts.slot(_host(url)):  # redirects ride on this slot
                self._follow(progress, max_bytes or self.network.max_body_bytes)
        except FetchError as exc:
            raise ExchangeFailed(exc, self._exchange(progress, exc)) from exc
        return self._exchange(progress, None)

    def attempt(self, url: str, max_bytes: int | None = None) -> Exchange:
        """GET a URL and return the exchange however it ended: `error_reason` says how.

        For callers that record every attempt, failed ones included, as provenance.
        """
        try:
            return self.fetch(url, max_bytes)
        except ExchangeFailed as failure:
            return failure.exchange

    def post(self, url: str, body: bytes, content_type: str, max_bytes: int = 1 << 20) -> bytes:
        """POST to a service the operator configured (a timestamp authority); its answer's body.

        Through the same guard and limits as every GET; no redirects; a non-2xx answer is a
        `FetchError`.
        """
        try:
            request = self.client.build_request(
                "POST", url, content=body, headers={"Content-Type": content_type}
            )
        except (httpx.InvalidURL, httpx.UnsupportedProtocol, ValueError, TypeError) as exc:
            raise FetchError(f"invalid URL {url!r}: {exc}", url, FailureReason.INVALID_URL) from exc
        with self.hosts.slot(_host(url)):
            response = self._send(request, url)
            data = self._read_body(
                response, time.monotonic() + self.network.total_timeout, max_bytes, url
            )
        if not 200 <= response.status_code < 300:
            raise FetchError(f"{url}: HTTP {response.status_code}", url, FailureReason.HTTP_STATUS)
        return data

    def _follow(self, progress: _Progress, max_bytes: int) -> None:
        deadline = time.monotonic() + self.network.total_timeout
        request = self._request(progress.url)
        while True:
            response = self._send(request, progress.url)
            progress.response = response
            if not response.is_redirect:
                progress.body = self._read_body(response, deadline, max_bytes, str(request.url))
                return
            response.close()
            location = response.headers.get("Location", "")
            progress.hops.append(Hop(str(request.url), response.status_code, location))
            if len(progress.hops) > self.network.max_redirects:
                raise PolicyRefused(
                    f"more than {self.network.max_redirects} redirects",
                    progress.url,
                    FailureReason.TOO_MANY_REDIRECTS,
                )
            next_request = response.next_request
            if next_request is None:
                raise FetchError(
                    f"redirect without a usable Location: {location!r}",
                    str(request.url),
                    FailureReason.PROTOCOL,
                )
            request = next_request

    def _request(self, url: str) -> httpx.Request:
        try:
            literal_address(urlsplit(url).hostname or "", url)  # refuse 0177.0.0.1 by name
            return self.client.build_request("GET", url)
        except (httpx.InvalidURL, httpx.UnsupportedProtocol, ValueError, TypeError) as exc:
            raise FetchError(f"invalid URL {url!r}: {exc}", url, FailureReason.INVALID_URL) from exc

    def _send(self, request: httpx.Request, url: str) -> httpx.Response:
        try:
            return self.client.send(request, stream=True)
        except httpx.TimeoutException as exc:
            raise FetchError(f"timed out: {request.url}", url, FailureReason.TIMEOUT) from exc
        except httpx.UnsupportedProtocol as exc:
            raise PolicyRefused(str(exc), url, FailureReason.BAD_SCHEME) from exc
        except httpx.ConnectError as exc:
            raise FetchError(f"could not connect: {exc}", url, _connect_reason(exc)) from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"{type(exc).__name__}: {exc}", url, FailureReason.PROTOCOL) from exc

    def _read_body(self, response: httpx.Response, deadline: float, limit: int, url: str) -> bytes:
        """The body, streamed, cut off past the size limit or the total deadline."""
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            response.close()
            raise PolicyRefused(
                f"body of {declared} bytes is over the {limit}-byte limit",
                url,
                FailureReason.TOO_LARGE,
            )
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limit:
                    raise PolicyRefused(
                        f"body passed the {limit}-byte limit", url, FailureReason.TOO_LARGE
                    )
                if time.monotonic() > deadline:
                    raise FetchError(
                        f"body not complete after {self.network.total_timeout:g}s",
                        url,
                        FailureReason.TIMEOUT,
                    )
                chunks.append(chunk)
        except httpx.TimeoutException as exc:
            raise FetchError(f"timed out reading {url}", url, FailureReason.TIMEOUT) from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"{type(exc).__name__}: {exc}", url, FailureReason.PROTOCOL) from exc
        finally:
            response.close()
        return b"".join(chunks)

    def _exchange(self, progress: _Progress, error: FetchError | None) -> Exchange:
        response = progress.response
        completed = error is None and response is not None
        body = progress.body if completed else b""
        return Exchange(
            url=progress.url,
            final_url=str(response.request.url) if completed and response else None,
            sent_to=response.extensions.get(SENT_TO) if response else None,
            redirects=list(progress.hops),
            status=response.status_code if response else None,
            headers=list(response.headers.multi_items()) if response else [],
            remote_ip=response.extensions.get(REMOTE_IP) if response else None,
            started_at=progress.started_at,
            ended_at=utc_now(),
            bytes=len(body),
            body_sha256=hashlib.sha256(body).hexdigest() if completed else None,
            user_agent=self.network.user_agent,
            tool_version=__version__,
            operator=self.operator,
            error_reason=str(error.reason) if error else None,
            error=str(error) if error else None,
            body=body,
        )


def _host(url: str) -> str:
    """The host a URL names, for per-host limits; "" when it names none (the request itself
    then fails as an invalid URL, with its provenance)."""
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


def _connect_reason(exc: httpx.ConnectError) -> FailureReason:
    message = str(exc).lower()
    if "name or service" in message or "name resolution" in message or "nodename" in message:
        return FailureReason.DNS
    if "ssl" in message or "certificate" in message:
        return FailureReason.TLS
    return FailureReason.CONNECTION
