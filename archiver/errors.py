"""Every error archiver raises on purpose, one tree, caught once at the CLI edge.

    ArchiverError
    ├── ConfigError          bad or unreadable config file          (.path)
    ├── SourceError          an input that cannot be read as asked  (.source)
    ├── FetchError           a network read that did not complete   (.url, .reason)
    │   └── PolicyRefused    the SSRF guard or a limit said no      (.url, .reason)
    ├── StoreError           the database or blob store failed      (.path)
    └── MediaError           bytes that are not a decodable image   (.source)

Library code translates httpx, sqlite3, OSError, Pillow and lxml errors into these at
the edge of the layer that calls them, chaining the original with ``raise ... from``.
"""

from __future__ import annotations

from enum import StrEnum


class ArchiverError(Exception):
    """Root of every error that archiver raises deliberately."""


class ConfigError(ArchiverError):
    def __init__(self, message: str, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path


class SourceError(ArchiverError):
    def __init__(self, message: str, source: str) -> None:
        super().__init__(message)
        self.source = source


class FailureReason(StrEnum):
    """The fixed list of reasons a fetch or capture can fail; stored as text in the database."""

    DNS = "dns"
    TIMEOUT = "timeout"
    CONNECTION = "connection"
    TLS = "tls"
    REFUSED_BY_POLICY = "refused_by_policy"
    BAD_SCHEME = "bad_scheme"
    INVALID_URL = "invalid_url"
    TOO_LARGE = "too_large"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    HTTP_STATUS = "http_status"
    PROTOCOL = "protocol"
    NO_URL = "no_url"
    NOT_AN_IMAGE = "not_an_image"
    UNREADABLE = "unreadable"


class FetchError(ArchiverError):
    def __init__(self, message: str, url: str, reason: FailureReason) -> None:
        super().__init__(message)
        self.url = url
        self.reason = reason


class PolicyRefused(FetchError):
    """The network policy (SSRF guard, scheme, size or redirect limit) refused a request."""

    def __init__(
        self, message: str, url: str, reason: FailureReason = FailureReason.REFUSED_BY_POLICY
    ) -> None:
        super().__init__(message, url, reason)


class StoreError(ArchiverError):
    def __init__(self, message: str, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path


class MediaError(ArchiverError):
    def __init__(self, message: str, source: str) -> None:
        super().__init__(message)
        self.source = source
