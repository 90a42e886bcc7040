"""The SSRF guard: which addresses the archiver may connect to.

Articles and posts are written by strangers, so every URL they hand us could point at the
machine's own services (127.0.0.1:6379), the office network (10.x) or a cloud metadata
endpoint (169.254.169.254). The guard refuses all addresses that are not globally routable,
after DNS resolution and on every redirect hop, and refuses numeric-host spellings that
exist to slip past string checks (2130706433, 0x7f000001, 0177.0.0.1, ::ffff:127.0.0.1).
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import FailureReason, FetchError, PolicyRefused

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]

ALLOWED_SCHEMES = ("http", "https")
_METADATA_NAMES = {"metadata.google.internal", "metadata.goog", "metadata", "instance-data"}
_NUMERIC_PART = r"(?:0x[0-9a-f]*|\d+)"
_NUMERIC_HOST = re.compile(rf"^{_NUMERIC_PART}(?:\.{_NUMERIC_PART}){{0,3}}\.?$", re.IGNORECASE)
_CANONICAL_IPV4 = re.compile(
    r"^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$"
)


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for a host."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def literal_address(host: str, url: str) -> IPAddress | None:
    """The IP a host names literally, or None for a DNS name; tricks are refused outright."""
    bare = host.strip("[]")
    if _CANONICAL_IPV4.match(bare):
        return ipaddress.IPv4Address(bare)
    if _NUMERIC_HOST.match(bare):
        raise PolicyRefused(
            f"refused numeric host spelling {host!r} (decimal, hex or octal IPv4)", url
        )
    if ":" in bare:
        try:
            return ipaddress.IPv6Address(bare.split("%")[0])
        except ValueError as exc:
            raise PolicyRefused(
                f"invalid IPv6 host {host!r}", url, FailureReason.INVALID_URL
            ) from exc
    return None


def refusal(address: IPAddress) -> str | None:
    """Why connecting to this address is refused, or None when it is a public address."""
    if isinstance(address, ipaddress.IPv6Address):
        mapped = address.ipv4_mapped or address.sixtofour or (address.teredo or (None, None))[1]
        if mapped is not None:
            reason = refusal(mapped)
            return f"{reason} (inside IPv6 address {address})" if reason else None
    for test, name in (
        (address.is_loopback, "loopback"),
        (address.is_link_local, "link-local (cloud metadata lives here)"),
        (address.is_multicast, "multicast"),
        (address.is_unspecified, "unspecified"),
        (address.is_reserved, "reserved"),
        (address.is_private, "private"),
    ):
        if test:
            return f"{name} address {address}"
    if not address.is_global:
        return f"non-public address {address}"
    return None


@dataclass
class NetworkPolicy:
    """Decides, for each request, the one address it may connect to."""

    allow_private: bool = False
    resolver: Resolver | None = None  # None: the system resolver, looked up at call time

    def check_scheme(self, scheme: str, url: str) -> None:
        if scheme not in ALLOWED_SCHEMES:
            raise PolicyRefused(
                f"scheme {scheme!r} is not allowed (http and https only)",
                url,
                FailureReason.BAD_SCHEME,
            )

    def address_for(self, host: str, port: int, url: str) -> str | None:
        """The vetted address to connect to; None where private addresses are allowed."""
        if not host:
            raise PolicyRefused("URL has no host", url, FailureReason.INVALID_URL)
        if self.allow_private:
            return None
        name = host.lower().rstrip(".")
        if name in _METADATA_NAMES:
            raise PolicyRefused(f"refused cloud metadata host {host!r}", url)
        if name == "localhost" or name.endswith(".localhost"):
            raise PolicyRefused(f"refused {host}: loopback name", url)
        literal = literal_address(host, url)
        addresses = [literal] if literal else self._resolve(host, port, url)
        for address in addresses:
            reason = refusal(address)
            if reason:
                raise PolicyRefused(f"refused {host}: {reason}", url)
        return str(addresses[0])

    def _resolve(self, host: str, port: int, url: str) -> list[IPAddress]:
        try:
            names = (self.resolver or system_resolver)(host, port)
        except (OSError, UnicodeError) as exc:
            raise FetchError(f"could not resolve {host}: {exc}", url, FailureReason.DNS) from exc
        if not names:
            raise FetchError(f"could not resolve {host}: no addresses", url, FailureReason.DNS)
        return [ipaddress.ip_address(name.split("%")[0]) for name in names]
