"""Every error archiver raises on purpose, one tree, caught once at the CLI edge.

    ArchiverError
    ├── ConfigError          bad or unreadable config file          (.path)
    ├── SourceError          an input that cannot be read as asked  (.source)
    ├── FetchError           a network read that did not complete   (.url, .reason)
    │   └── PolicyRefused    the SSRF guard or a limit said no      (.url, .reason)
    ├── ParseError           a platform answered in a form we cannot read (.url)
    ├── StoreError           the database or blob store failed      (.path)
    │   └── LockedError      another job is writing the archive     (.path)
    ├── MediaError           bytes that are not a decodable image   (.source)
    ├── NotFound             a post, capture, article or image the archive does not hold
    ├── ExportError          an evidence bundle that cannot be written or read (.path)
    └── TimestampError       a timestamp authority's answer that does not hold (.tsa)

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
    """The fixed list of reasons a fetch or capture did not give a post; stored as text.

    The first group is about the network, the second about what a platform answered.
    """

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
    DELETED = "deleted"  # the platform says the post was deleted
    NOT_FOUND = "not_found"  # no such post, without saying why
    SUSPENDED = "suspended"  # the account is suspended
    PROTECTED = "protected"  # only approved followers may see it, or it is private
    WITHHELD = "withheld"  # withheld in this country, or by a legal demand
    AGE_GATED = "age_gated"  # behind an age check
    GEO_BLOCKED = "geo_blocked"  # not available in this region
    LOGIN_WALL = "login_wall"  # the platform wants a login before it shows anything
    AUTH_REQUIRED = "auth_required"  # the endpoint wants an access token
    RATE_LIMITED = "rate_limited"  # 429 or the platform's own "slow down" page
    JS_SHELL = "js_shell"  # an empty page that needs JavaScript to show anything
    PARSE_ERROR = "parse_error"  # an answer in a form we could not read (kept raw)
    METHODS_DISABLED = "methods_disabled"  # every capture method is switched off


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


class ParseError(ArchiverError):
    """A platform's answer did not have the shape its adapter reads (the format changed)."""

    def __init__(self, message: str, url: str) -> None:
        super().__init__(message)
        self.url = url


class StoreError(ArchiverError):
    def __init__(self, message: str, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path


class LockedError(StoreError):
    """Another archiver job holds the archive's write lock."""


class MediaError(ArchiverError):
    def __init__(self, message: str, source: str) -> None:
        super().__init__(message)
        self.source = source


class NotFound(ArchiverError):
    def __init__(self, message: str, target: str) -> None:
        super().__init__(message)
        self.target = target


class ExportError(ArchiverError):
    def __init__(self, message: str, path: str) -> None:
        super().__init__(message)
        self.path = path


class TimestampError(ArchiverError):
    def __init__(self, message: str, tsa: str) -> None:
        super().__init__(message)
        self.tsa = tsa
