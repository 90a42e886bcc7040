"""`archive --screenshots`: each post's public page and each article, rendered and kept.

For every post capture (on the platforms `[browser] platforms` allows) and every article
capture, the page is rendered by `browser.Browser`: its exchanges are stored like any
others, the screenshot goes through the image pipeline (fingerprinted, so a screenshot of a
post meets the photo inside it), an annotated copy with the capture's time, URL and id is kept
beside it, and the DOM and the manifest are blobs. A page that fails is recorded as a failed
browser capture; the post or article capture stands.

Pages render on `[browser] concurrency` browser threads (default 1), each with its own
Chromium and one page open at a time, so memory stays bounded however long the run; the
writer thread stores what each brings back, like any other result of the run's pool.
"""

from __future__ import annotations

import contextlib
import itertools
import json
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from playwright.sync_api import Error as PlaywrightError

from ..browser import Browser, Rendered, annotate, public_page
from ..config import Config
from ..errors import MediaError
from ..fetch.client import Fetcher
from ..models import Embed, Exchange, MediaOccurrence, PlatformCapture, RunSummary
from ..store.blobs import BlobStore, keep_blob
from ..store.db import Store
from .media import MediaCollector
from .pool import WorkPool


class PageRenderer:
    def __init__(
        self,
        store: Store,
        blobs: BlobStore,
        fetcher: Fetcher,
        config: Config,
        media: MediaCollector,
        record: Callable[[Exchange, int], int],
        pool: WorkPool,
    ) -> None:
        self.store = store
        self.blobs = blobs
        self.media = media
        self.record = record
        self.pool = pool
        count = max(1, config.browser.concurrency)
        # Playwright's objects belong to the thread that made them: one thread per browser
        self._threads = [
            ThreadPoolExecutor(1, thread_name_prefix="archiver-browser") for _ in range(count)
        ]
        self._browsers = [Browser(config.browser, fetcher) for _ in range(count)]
        self._turn = itertools.cycle(range(count))
        self._renders: list[Future[Rendered]] = []

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
        self._render(url, None, summary, occurrence, f"post capture #{capture}",
                     {"post_capture": capture})  # fmt: skip

    def article(
        self, source: str, stored: Any, summary: RunSummary, html: str | None = None
    ) -> None:
        """An article fetched by URL is loaded again in the browser; a file is shown as is."""
        occurrence = MediaOccurrence(
            "", summary.run_id, article=stored.article, source_url=source,
            media_type="screenshot",
        )  # fmt: skip
        label = f"article capture #{stored.capture}"
        self._render(source, html, summary, occurrence, label, {"article_capture": stored.capture})

    def close(self) -> None:
        """Drop the renders not started (a resumed run does them again), then close every
        browser on its own thread, each whatever the others do."""
        for render in self._renders:
            render.cancel()
        for thread, browser in zip(self._threads, self._browsers, strict=True):
            with contextlib.suppress(PlaywrightError):
                thread.submit(browser.close).result()
            thread.shutdown()

    def _render(
        self, url: str, html: str | None, summary: RunSummary, occurrence: MediaOccurrence,
        label: str, owner: dict[str, int | None],
    ) -> None:  # fmt: skip
        """On a browser's thread; what it saw is kept on the writer's."""
        turn = next(self._turn)
        browser = self._browsers[turn]
        self._renders = [render for render in self._renders if not render.done()]
        self._renders.append(
            self.pool.submit(
                lambda: browser.render(url, html),
                lambda rendered: self._keep(rendered, summary, occurrence, label, **owner),
                on=self._threads[turn],
            )
        )

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
