"""`[network.host_map]`: send a real hostname's requests to another base URL.

Tests point platform hosts at local servers this way; operators can point them at a mirror.
The logical URL stays the one recorded as asked; the provenance adds where it was sent.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx


@dataclass(frozen=True)
class HostMap:
    targets: dict[str, httpx.URL]

    @classmethod
    def from_config(cls, mapping: dict[str, str]) -> HostMap:
        return cls({host.lower().rstrip("."): httpx.URL(base) for host, base in mapping.items()})

    def target_for(self, url: httpx.URL) -> httpx.URL | None:
        """Where a request for this URL really goes, or None when its host is not mapped."""
        base = self.targets.get(url.host.lower().rstrip("."))
        if base is None:
            return None
        path = base.path.rstrip("/") + url.path
        return base.copy_with(path=path, query=url.query or None)
