"""One `archive` run, from the sources asked for to captures stored.

    1. Start the run: a row in `runs` and an event in the chain.
    2. Expand the sources: files, folders (recursively), URLs.
    3. For each source: an image is stored as media; an article is read (file or URL),
       stored, and extracted; then each embedded post is captured and each image the
       embeds and credits point at is fetched and stored. Captures and downloads run on
       worker threads (`WorkPool`), `[network] concurrency` at a time; their results are
       stored here, on the run's one writer thread. A source's queue item is marked done
       once everything started for it is stored.
    4. Finish the run with its summary.

One item failing is recorded and the run goes on; only a store failure (a full disk, a
broken database) ends the run, which is then marked failed with everything before it kept.
"""

from __future__ import annotations

import contextlib
import functools
import json
import mimetypes
import time
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..browser import as_page
from ..config import Config
from ..errors import ArchiverError, FailureReason, FetchError, MediaError, SourceError, StoreError
from ..extract import extract_document
from ..extract.recognisers import recognise_url
from ..extract.recognisers.twitter import status_url
from ..fetch.client import Fetcher
from ..media.fingerprint import looks_like_image
from ..models import (
    ArticleCapture,
    CaptureStatus,
    Embed,
    Exchange,
    Extraction,
    MediaOccurrence,
    Platform,
    PlatformCapture,
    PostCapture,
    PostRecord,
    RunSummary,
)
from ..platforms import ADAPTERS, CaptureContext, Pacer
from ..platforms.base import outcome
from ..store.blobs import BlobStore
from ..store.db import Store
from .changes import compare, newer_version
from .feeds import Listed, read_listing
from .media import MediaCollector
from .pages import PageRenderer
from .pool import Group, WorkPool
from .sources import Source, SourceKind, expand, read_file

ProgressCallback = Callable[[int, int, str], None]
_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".tif", ".tiff")


@dataclass
class _RunState:
    """What one run has already done, so nothing is fetched twice in it."""

    summary: RunSummary
    media: MediaCollector
    pool: WorkPool
    pages: PageRenderer | None  # with --screenshots
    since: date | None = None
    sources: list[Source] = field(default_factory=list)  # grows as feeds and sitemaps list more
    captured_posts: set[int] = field(default_factory=set)


class ArchiveJob:
    def __init__(self, store: Store, blobs: BlobStore, fetcher: Fetcher, config: Config) -> None:
        self.store = store
        self.blobs = blobs
        self.fetcher = fetcher
        self.config = config
        self.pacer = Pacer(config.platforms.interval)

    def run(
        self,
        locations: list[str],
        progress: ProgressCallback | None = None,
        since: date | None = None,
    ) -> RunSummary:
        # 1. Start the run (and 4., finish it, as the block ends).
        with self._running(locations, since) as state:
            # 2. Expand the sources into the run's work queue, kept in the database.
            state.sources = expand(locations)
            self.store.queue_items(state.summary.run_id, [s.location for s in state.sources])
            # 3. Each source in turn.
            self._work(state, progress)
        return state.summary

    def resume(self, progress: ProgressCallback | None = None) -> RunSummary | None:
        """Finish the latest run that was killed: its pending items, each post captured once."""
        run_id = self.store.interrupted_run()
        if run_id is None:
            return None
        items = self.store.run_items(run_id)
        with self._running([], None, resumed=run_id) as state:
            state.sources = [s for item in items for s in expand([item["location"]])]
            state.captured_posts = self.store.posts_captured_in(run_id)
            finished = {i for i, item in enumerate(items) if item["status"] != "pending"}
            self._work(state, progress, finished)
        return state.summary

    def _work(
        self, state: _RunState, progress: ProgressCallback | None, finished: Collection[int] = ()
    ) -> None:
        """Each source not `finished` yet; one failing does not stop the others. Feeds and
        sitemaps add the articles they list to the end of the queue. Each item is marked done
        once all its captures are stored, so a killed run resumes where it stopped."""
        index = 0
        while index < len(state.sources):
            if index not in finished:
                if progress:
                    progress(index, len(state.sources), state.sources[index].location)
                done = functools.partial(self._item_done, state, index)
                with state.pool.group(done) as group:
                    group.error = self._archive_source(state.sources[index], state)
            index += 1
        state.pool.drain()
        if progress:
            progress(len(state.sources), len(state.sources), "done")

    def _item_done(self, state: _RunState, index: int, group: Group) -> None:
        status = "failed" if group.error else "done"
        self.store.mark_item(state.summary.run_id, index, status, group.error)

    def recapture(
        self, posts: list[PostRecord], progress: ProgressCallback | None = None
    ) -> RunSummary:
        """Capture known posts again; what changed since each one's last capture is stored."""
        with self._running([f"recapture:{len(posts)} posts"], None) as state:
            for index, post in enumerate(posts):
                if progress:
                    progress(index, len(posts), post.url or post.identity)
                if post.id not in state.captured_posts:
                    state.captured_posts.add(post.id)
                    self._capture_post(post.id, post.embed(), state)
            state.pool.drain()
            if progress:
                progress(len(posts), len(posts), "done")
        return state.summary

    @contextlib.contextmanager
    def _running(
        self, locations: list[str], since: date | None, resumed: int | None = None
    ) -> Iterator[_RunState]:
        """A run's row from start to finish: marked failed, with what it did, if it breaks."""
        if resumed is None:
            run_id = self.store.start_run(locations, self.config.operator)
        else:
            run_id = resumed
            self.store.resume_run(run_id)
        summary = RunSummary(run_id=run_id, resumed=resumed is not None)
        pool = WorkPool(self.config.network.concurrency)
        collector = MediaCollector(
            self.store, self.blobs, self.fetcher, self.config,
            lambda exchange: self.record(exchange, run_id), summary, pool,
        )  # fmt: skip
        pages = (
            PageRenderer(
                self.store, self.blobs, self.fetcher, self.config, collector, self.record, pool
            )
            if self.config.browser.enabled
            else None
        )
        state = _RunState(summary, collector, pool, pages, since)
        started = time.monotonic()
        try:
            with contextlib.ExitStack() as closing:
                if pages is not None:
                    closing.callback(pages.close)  # after the pool: no handler waits on it
                with contextlib.closing(pool):
                    yield state
        except BaseException as exc:
            summary.seconds = round(time.monotonic() - started, 3)
            with contextlib.suppress(StoreError):  # the store may be what failed
                self.store.finish_run(run_id, "failed", {**summary.to_dict(), "error": str(exc)})
            raise
        summary.seconds = round(time.monotonic() - started, 3)
        self.store.finish_run(run_id, "finished", summary.to_dict())

    def _archive_source(self, source: Source, state: _RunState) -> str | None:
        """Archive one source; the error, when it failed (recorded in the summary too)."""
        try:
            if source.kind is SourceKind.POST:
                self._archive_post(source, state)
            elif source.kind is SourceKind.URL:
                self._archive_url(source, state)
            else:
                self._archive_file(source, state)
        except StoreError:
            raise
        except ArchiverError as exc:
            state.summary.articles_failed += 1
            state.summary.items_failed.append({"source": source.location, "error": str(exc)})
            return str(exc)
        return None

    # Articles ------------------------------------------------------------------------------

    def _archive_file(self, source: Source, state: _RunState) -> None:
        data = read_file(source.location, self.config.limits.max_article_bytes)
        listing = read_listing(data)
        if listing is not None:
            self._queue_listed(listing, state)
            return
        if looks_like_image(data):
            path = str(Path(source.location).resolve())
            occurrence = MediaOccurrence("", state.summary.run_id, source_path=path)
            state.media.store_image(data, source.location, occurrence)
            return
        if source.location.lower().endswith(_IMAGE_SUFFIXES):
            raise MediaError(
                f"{source.location}: named as an image but is not one", source.location
            )
        if b"\x00" in data[:8192]:
            raise SourceError(
                f"{source.location}: binary file, not an article or image", source.location
            )
        body_sha256 = self.blobs.put(data)
        content_type = mimetypes.guess_type(source.location)[0]
        extraction = extract_document(data, source.key, max_embeds=self._max_embeds)
        with self.store.atomic():
            self.store.add_blob(body_sha256, len(data), content_type)
            posts = self._store_article(
                source, extraction, state, content_type=content_type, body_sha256=body_sha256
            )
        if state.pages is not None and posts.capture is not None:
            text = data.decode("utf-8", errors="replace")
            state.pages.article(source.key, posts, state.summary, as_page(text, content_type))
        self._capture_embeds(posts, extraction, state)

    def _archive_url(self, source: Source, state: _RunState) -> None:
        exchange, exchange_id = self._fetch_recorded(source.location, state.summary.run_id)
        status, reason, error = _outcome(exchange)
        if status is not CaptureStatus.OK:
            with self.store.atomic():
                self._store_article(
                    source, Extraction(source.key), state, status=status,
                    exchange=exchange_id, reason=reason, error=error,
                )  # fmt: skip
            raise FetchError(error or "fetch failed", source.location, FailureReason(reason))
        listing = read_listing(exchange.body, exchange.final_url)
        if listing is not None:
            self._queue_listed(listing, state)
            return
        extraction = extract_document(
            exchange.body,
            source.key,
            content_type=exchange.content_type or None,
            charset=exchange.charset,
            base_url=exchange.final_url,
            max_embeds=self._max_embeds,
        )
        with self.store.atomic():
            posts = self._store_article(
                source, extraction, state, content_type=exchange.content_type or None,
                body_sha256=exchange.body_sha256, exchange=exchange_id,
            )  # fmt: skip
        if state.pages is not None and posts.capture is not None:
            state.pages.article(source.location, posts, state.summary)
        self._capture_embeds(posts, extraction, state)

    def _queue_listed(self, listing: list[Listed], state: _RunState) -> None:
        """Add what a feed or sitemap lists to the run, once each, less what --since excludes."""
        state.summary.listings += 1
        known = {source.location for source in state.sources}
        for item in listing:
            if state.since and item.published and item.published < state.since:
                state.summary.listed_too_old += 1
                continue
            if item.url in known:
                continue
            known.add(item.url)
            added = expand([item.url])
            state.sources.extend(added)
            self.store.queue_items(state.summary.run_id, [s.location for s in added])
            state.summary.listed += 1

    def _archive_post(self, source: Source, state: _RunState) -> None:
        """A post's URL given directly: no article, just the post and its capture."""
        ref = recognise_url(source.location, any_host=True)
        if ref is None:
            raise SourceError(f"{source.location}: not a post URL", source.location)
        embed = Embed(ref.platform, ref.post_id, ref.url, "source:url", ref.author_handle)
        with self.store.atomic():
            post, created = self.store.upsert_post(embed)
        state.summary.posts += 1
        state.summary.new_posts += created
        if post not in state.captured_posts:
            state.captured_posts.add(post)
            self._capture_post(post, embed, state)

    def _store_article(
        self,
        source: Source,
        extraction: Extraction,
        state: _RunState,
        status: CaptureStatus = CaptureStatus.OK,
        **capture: Any,
    ) -> _StoredArticle:
        """Article, capture, posts, embeds and credits, inside the caller's transaction."""
        article = self.store.upsert_article(source.key, str(source.kind), extraction.title)
        stored = _StoredArticle(article)
        if not self.store.article_captured_in(article, state.summary.run_id):  # resumed runs
            stored.capture = self.store.add_article_capture(
                ArticleCapture(
                    article,
                    state.summary.run_id,
                    status,
                    embeds_found=len(extraction.embeds),
                    credits_found=len(extraction.credits),
                    warnings=list(extraction.warnings),
                    **capture,
                )
            )
        if status is CaptureStatus.OK:
            state.summary.articles += 1
        for position, embed in enumerate(extraction.embeds):
            post, created = self.store.upsert_post(embed)
            self.store.upsert_embed(article, post, position, embed)
            stored.posts.append(post)
            state.summary.posts += 1
            state.summary.new_posts += created
        for credit in extraction.credits:
            stored.credits.append(self.store.upsert_credit(article, credit))
            state.summary.credits += 1
        return stored

    # Posts and images ------------------------------------------------------------------------

    def _capture_embeds(
        self, stored: _StoredArticle, extraction: Extraction, state: _RunState
    ) -> None:
        run_id = state.summary.run_id
        for post, embed in zip(stored.posts, extraction.embeds, strict=True):
            if post not in state.captured_posts:
                state.captured_posts.add(post)
                self._capture_post(post, embed, state)
        for credit_id, credit in zip(stored.credits, extraction.credits, strict=True):
            if credit.image_url:
                occurrence = MediaOccurrence(
                    "", run_id, article=stored.article, credit=credit_id,
                    source_url=credit.image_url, credit_text=credit.text,
                )  # fmt: skip
                state.media.image_at(credit.image_url, occurrence)

    def _capture_post(self, post: int, embed: Embed, state: _RunState) -> None:
        """Capture a post through its platform's adapter on a worker; store it when it is in."""
        if embed.post_id is None and embed.url is None:
            result = outcome("none", FailureReason.NO_URL, "the embed gives no link to the post")
            result.status = CaptureStatus.SKIPPED
            self._captured(post, embed, _Captured(result), state)
            return
        disabled = self.config.platforms.settings(embed.platform).disabled_methods

        def capture() -> _Captured:  # on a worker: the network only, exchanges kept in memory
            exchanges: list[Exchange] = []

            def keep(exchange: Exchange) -> int:
                exchanges.append(exchange)
                return len(exchanges) - 1  # stands for the row id until the writer stores it

            context = CaptureContext(embed.platform, self.fetcher, keep, self.config, self.pacer)
            result = ADAPTERS[embed.platform].capture(embed, context, disabled)
            return _Captured(result, exchanges)

        state.pool.submit(capture, lambda captured: self._captured(post, embed, captured, state))

    def _captured(self, post: int, embed: Embed, captured: _Captured, state: _RunState) -> None:
        """On the writer: the capture's exchanges, the post's identity, then its media."""
        run_id = state.summary.run_id
        result = captured.result
        rows = [self.record(exchange, run_id) for exchange in captured.exchanges]
        result.exchanges = [rows[index] for index in result.exchanges]
        if result.resolved is not None:
            resolved = result.resolved
            with self.store.atomic():
                post = self.store.resolve_post(
                    post, Embed(resolved.platform, resolved.post_id, resolved.url, embed.found_by,
                                resolved.author_handle),
                )  # fmt: skip
        items = [
            (item, MediaOccurrence("", run_id, post=post, source_url=item.url, position=position))
            for position, item in enumerate(result.media)
        ]
        state.media.collect(items, lambda: self._store_capture(post, embed, result, state))

    def _store_capture(
        self, post: int, embed: Embed, result: PlatformCapture, state: _RunState
    ) -> None:
        """On the writer, its media in: the capture, what changed since the last one."""
        run_id = state.summary.run_id
        previous = self.store.latest_capture(post)
        with self.store.atomic():
            capture = self.store.add_post_capture(PostCapture(post, run_id, embed.url, result))
            if previous is not None:
                self._store_changes(post, previous, capture, result, state)
        state.summary.count_capture(result.status, result.reason)
        if state.pages is not None and self.config.browser.renders(str(embed.platform)):
            state.pages.post(post, capture, embed, result, state.summary)
        for media_url in embed.media_urls:  # images the article's own markup showed
            state.media.image_at(
                media_url, MediaOccurrence("", run_id, post=post, source_url=media_url)
            )
        newer = newer_version(result) if result.status is CaptureStatus.OK else None
        if newer:  # X: an edited post's old id still answers; the current text has its own
            self._capture_newer_version(newer, result, state)

    def _store_changes(
        self, post: int, previous: dict[str, Any], capture: int, result: PlatformCapture,
        state: _RunState,
    ) -> None:  # fmt: skip
        shas = [m.sha256 for m in result.media if m.sha256]
        shas += [m["sha256"] for m in json.loads(previous["media"] or "[]") if m.get("sha256")]
        for change in compare(previous, result, self.store.media_pdqs(shas)):
            self.store.add_change(
                post, previous["id"], capture, state.summary.run_id, change.kind, change.detail
            )
            state.summary.count_change(change.kind)

    def _capture_newer_version(self, newer: str, result: PlatformCapture, state: _RunState) -> None:
        handle = result.author_handle
        embed = Embed(
            Platform.TWITTER, newer, status_url(handle, newer), "edit:newer-version", handle
        )
        with self.store.atomic():
            post, created = self.store.upsert_post(embed)
        state.summary.new_posts += created
        if post not in state.captured_posts:
            state.captured_posts.add(post)
            self._capture_post(post, embed, state)

    def record(self, exchange: Exchange, run_id: int) -> int:
        """Store an exchange and its body whatever the outcome; return its row id."""
        if exchange.body_sha256:
            self.blobs.put(exchange.body)
        with self.store.atomic():
            return self.store.add_exchange(run_id, exchange)

    def _fetch_recorded(self, url: str, run_id: int) -> tuple[Exchange, int]:
        exchange = self.fetcher.attempt(url)
        return exchange, self.record(exchange, run_id)

    @property
    def _max_embeds(self) -> int:
        return self.config.limits.max_embeds_per_article


@dataclass
class _Captured:
    """A capture as a worker brings it back: its exchanges not stored yet, and `result`'s
    exchange ids standing for their positions in that list."""

    result: PlatformCapture
    exchanges: list[Exchange] = field(default_factory=list)


@dataclass
class _StoredArticle:
    article: int
    capture: int | None = None  # None: this run had captured it already (a resumed run)
    posts: list[int] = field(default_factory=list)
    credits: list[int] = field(default_factory=list)


def _outcome(exchange: Exchange) -> tuple[CaptureStatus, str | None, str | None]:
    """ok for a completed 2xx response; otherwise failed, with the reason and a message."""
    if exchange.error_reason:
        return CaptureStatus.FAILED, exchange.error_reason, exchange.error
    if not exchange.ok:
        return CaptureStatus.FAILED, str(FailureReason.HTTP_STATUS), f"HTTP {exchange.status}"
    return CaptureStatus.OK, None, None
