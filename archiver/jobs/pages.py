"""`archive --screenshots`: each post's public page and each article, rendered and kept.

For every post capture (on the platforms `[browser] platforms` allows) and every article
capture, the page is rendered by `browser.Browser`: its exchanges are stored like any
others, the screenshot goes through the image pipeline (fingerprinted, so a screenshot of a
post meets the photo inside it), an annotated copy with the capture's time, URL and id is kept
beside it, and the DOM and the manifest are blobs. A page that fails is recorded as a failed
browser capture; the post or article capture stands.

Rendering runs on the run's writer thread, one page at a time: a browser page is heavy, and
one Chromium with one page open keeps memory bounded however long the run.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..browser import Browser, Rendered, annotate, public_page
from ..config import Config
from ..errors import MediaError
from ..fetch.client import Fetcher
from ..models import Embed, Exchange, MediaOccurrence, PlatformCapture, RunSummary
from ..store.blobs import BlobStore, keep_blob
from ..store.db import Store
from .media import MediaCollector


class PageRenderer:
    def __init__(
        self,
        store: Store,
        blobs: BlobStore,
        fetcher: Fetcher,
        config: Config,
        media: MediaCollector,
        record: Callable[[Exchange, int], int],
    ) -> None:
        self.store = store
        self.blobs = blobs
        self.media = media
        self.record = record
        self.browser = Browser(config.browser, fetcher)

    def post(
        self, post: int, capture: int, embed: Embed, result: PlatformCapture, summary: RunSummary
    ) -> None:
        url = public_page(str(embed.platform), result.post_id or embed.post_id,
                          result.canonical_url or embed.url)  # fmt: skip
        if url is None:
            return
        occurrence = MediaOccurrence(
            "", summary.run_id, post=post, source_url=url, media_type="screenshot"
        )
        self._keep(self.browser.render(url), summary, occurrence, f"post capture #{capture}",
                   post_capture=capture)  # fmt: skip

    def article(
        self, source: str, stored: Any, summary: RunSummary, html: str | None = None
    ) -> None:
        """An article fetched by URL is loaded again in the browser; a file is shown as is."""
        occurrence = MediaOccurrence(
            "", summary.run_id, article=stored.article, source_url=source,
            media_type="screenshot",
        )  # fmt: skip
        label = f"article capture #{stored.capture}"
        rendered = self.browser.render(source, html)
        self._keep(rendered, summary, occurrence, label, article_capture=stored.capture)

    def close(self) -> None:
        self.browser.close()

    def _keep(
        self, rendered: Rendered, summary: RunSummary, occurrence: MediaOccurrence, label: str,
        **owner: int | None,
    ) -> None:  # fmt: skip
        exchanges = [self.record(exchange, summary.run_id) for exchange in rendered.exchanges]
        record: dict[str, Any] = {
            "run": summary.run_id, "url": rendered.url, "status": "ok" if rendered.ok else "failed",
            "error": rendered.error, "started_at": rendered.started_at,
            "ended_at": rendered.ended_at, "exchanges": json.dumps(exchanges), **owner,
        }  # fmt: skip
        if rendered.screenshot:
            try:
                record["screenshot_sha256"] = self.media.store_image(
                    rendered.screenshot, rendered.url, occurrence
                )
            except MediaError as exc:
                record |= {"status": "failed", "error": f"screenshot unreadable: {exc}"}
            else:
                copy = annotate(rendered.screenshot, rendered.started_at, rendered.url, label)
                record["annotated_sha256"] = keep_blob(self.store, self.blobs, copy, "image/png")
                rendered.manifest["annotated"] = {
                    "from_sha256": record["screenshot_sha256"],
                    "to_sha256": record["annotated_sha256"],
                    "how": "a 48-pixel band on top: capture time (UTC), capture id, URL",
                }
        if rendered.dom is not None:
            record["dom_sha256"] = keep_blob(self.store, self.blobs, rendered.dom, "text/html")
        manifest = json.dumps(rendered.manifest, indent=2, sort_keys=True).encode()
        record["manifest_sha256"] = keep_blob(self.store, self.blobs, manifest, "application/json")
        self.store.add_browser_capture(record)
        if record["status"] == "ok":
            summary.pages_rendered += 1
        else:
            summary.pages_failed["browser"] = summary.pages_failed.get("browser", 0) + 1
