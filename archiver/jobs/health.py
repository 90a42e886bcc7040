"""Canaries: capture reference posts with every method of every platform, to notice breakage.

Platforms change their public endpoints without notice. Each check captures a known post
with one method alone and records ok or broken (with the reason: a status, a changed format,
a wall). The report says, per method, since when it has been failing, so an endpoint change
is noticed within a night instead of when a journalist needs a capture.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..config import Config
from ..extract.recognisers import recognise_url
from ..fetch.client import Fetcher
from ..models import CaptureStatus, Embed, Exchange, Platform
from ..platforms import ADAPTERS, CaptureContext, Pacer
from ..store.db import Store


@dataclass(frozen=True)
class MethodHealth:
    platform: str
    method: str
    ok: bool
    reason: str | None
    last_checked: str
    failing_since: str | None  # the first failure of the current run of failures


def check(
    store: Store, fetcher: Fetcher, config: Config, record: Callable[[Exchange], int]
) -> None:
    """Capture every reference post with each method of its platform alone; store the results."""
    pacer = Pacer(config.platforms.interval)
    for platform_name, urls in config.health.posts.items():
        adapter = ADAPTERS[Platform(platform_name)]
        for url in urls:
            ref = recognise_url(url, any_host=True)
            if ref is None:
                continue
            target = Embed(ref.platform, ref.post_id, ref.url, "health", ref.author_handle)
            for method in adapter.methods:
                if method == "embed_markup":
                    continue  # reads the article, not the platform
                context = CaptureContext(ref.platform, fetcher, record, config, pacer)
                others = [m for m in adapter.methods if m != method]
                result = adapter.capture(target, context, others)
                store.add_health_check(
                    {"platform": platform_name, "method": method, "post_url": url,
                     "status": str(result.status), "reason": result.reason, "error": result.error}
                )  # fmt: skip


def report(store: Store) -> list[MethodHealth]:
    """Per platform and method: the latest result, and since when it has been failing."""
    by_method: dict[tuple[str, str], list[dict[str, object]]] = {}
    for row in store.health_checks():
        by_method.setdefault((str(row["platform"]), str(row["method"])), []).append(row)
    health = []
    for (platform, method), rows in sorted(by_method.items()):
        latest = rows[-1]
        ok = latest["status"] == CaptureStatus.OK
        last_ok = max(
            (i for i, r in enumerate(rows) if r["status"] == CaptureStatus.OK), default=-1
        )
        since = None if ok else str(rows[last_ok + 1]["checked_at"])
        reason = None if ok else str(latest["reason"])
        health.append(MethodHealth(platform, method, ok, reason, str(latest["checked_at"]), since))
    return health
