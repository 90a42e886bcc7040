"""One `archive` run, from the sources asked for to captures stored.

    1. Start the run: a row in `runs` and an event in the chain.
    2. Expand the sources: files, folders (recursively), URLs.
    3. For each source: an image is stored as media; an article is read (file or URL),
       stored, and extracted; then each embedded post is captured and each image the
       embeds and credits point at is fetched and stored.
    4. Finish the run with its summary.

One item failing is recorded and the run goes on; only a store failure (a full disk, a
broken database) ends the run, which is then marked failed with everything before it kept.
"""

from __future__ import annotations

import contextlib
import mimetypes
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from ..config import Config
from ..errors import ArchiverError, FailureReason, FetchError, MediaError, SourceError, StoreError
from ..extract import extract_document
from ..fetch.client import ExchangeFailed, Fetcher
from ..media.fingerprint import fingerprint, looks_like_image
from ..models import (
    ArticleCapture,
    CaptureStatus,
    Embed,
    Exchange,
    Extraction,
    MediaOccurrence,
    PostCapture,
    RunSummary,
)
from ..store.blobs import BlobStore
from ..store.db import Store
from .sources import Source, SourceKind, expand, read_file

ProgressCallback = Callable[[int, int, str], None]
_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".tif", ".tiff")
_GENERIC_METHOD = "page"


@dataclass
class _RunState:
    """What one run has already done, so nothing is fetched twice in it."""

    summary: RunSummary
    captured_posts: set[int] = field(default_factory=set)
    fetched_media: dict[str, str | None] = field(default_factory=dict)


class ArchiveJob:
    def __init__(self, store: Store, blobs: BlobStore, fetcher: Fetcher, config: Config) -> None:
        self.store = store
        self.blobs = blobs
        self.fetcher = fetcher
        self.config = config

    def run(self, locations: list[str], progress: ProgressCallback | None = None) -> RunSummary:
        # 1. Start the run.
        run_id = self.store.start_run(locations, self.config.operator)
        state = _RunState(RunSummary(run_id=run_id))
        try:
            # 2. Expand the sources.
            sources = expand(locations)
            # 3. Each source in turn; one failing does not stop the others.
            for index, source in enumerate(sources):
                if progress:
                    progress(index, len(sources), source.location)
                self._archive_source(source, state)
            if progress:
                progress(len(sources), len(sources), "done")
        except BaseException as exc:
            with contextlib.suppress(StoreError):  # the store may be what failed
                self.store.finish_run(
                    run_id, "failed", {**state.summary.to_dict(), "error": str(exc)}
                )
            raise
        # 4. Finish the run.
        self.store.finish_run(run_id, "finished", state.summary.to_dict())
        return state.summary

    def _archive_source(self, source: Source, state: _RunState) -> None:
        try:
            if source.kind is SourceKind.URL:
                self._archive_url(source, state)
            else:
                self._archive_file(source, state)
        except StoreError:
            raise
        except ArchiverError as exc:
            state.summary.articles_failed += 1
            state.summary.items_failed.append({"source": source.location, "error": str(exc)})

    # Articles ------------------------------------------------------------------------------

    def _archive_file(self, source: Source, state: _RunState) -> None:
        data = read_file(source.location, self.config.limits.max_article_bytes)
        if looks_like_image(data):
            occurrence = MediaOccurrence("", state.summary.run_id, source_path=source.key)
            self._store_image(data, source.location, occurrence, state)
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
        self._capture_embeds(posts, extraction, state)

    def _archive_url(self, source: Source, state: _RunState) -> None:
        exchange, exchange_id = self._fetch_recorded(source.location, state)
        status, reason, error = _outcome(exchange)
        if status is not CaptureStatus.OK:
            with self.store.atomic():
                self._store_article(
                    source, Extraction(source.key), state, status=status,
                    exchange=exchange_id, reason=reason, error=error,
                )  # fmt: skip
            raise FetchError(error or "fetch failed", source.location, FailureReason(reason))
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
        self._capture_embeds(posts, extraction, state)

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
        self.store.add_article_capture(
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
        stored = _StoredArticle(article)
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
                self._fetch_image(credit.image_url, occurrence, state)

    def _capture_post(self, post: int, embed: Embed, state: _RunState) -> None:
        """A generic capture: GET the post's URL and keep the response with its provenance.

        Platform adapters that read each platform's own endpoints replace this method.
        """
        run_id = state.summary.run_id
        if not embed.url:
            capture = PostCapture(
                post, run_id, CaptureStatus.SKIPPED, _GENERIC_METHOD, None,
                reason=str(FailureReason.NO_URL), error="the embed gives no URL to capture",
            )  # fmt: skip
        else:
            exchange, exchange_id = self._fetch_recorded(embed.url, state)
            status, reason, error = _outcome(exchange)
            capture = PostCapture(
                post, run_id, status, _GENERIC_METHOD, embed.url, reason, error, exchange_id,
                exchange.body_sha256 if status is CaptureStatus.OK else None,
            )  # fmt: skip
            if status is CaptureStatus.OK and looks_like_image(exchange.body):
                occurrence = MediaOccurrence("", run_id, post=post, source_url=embed.url)
                self._store_image_recorded(exchange.body, embed.url, occurrence, state)
        with self.store.atomic():
            self.store.add_post_capture(capture)
        state.summary.count_capture(capture.status, capture.reason)
        for media_url in embed.media_urls:
            occurrence = MediaOccurrence("", run_id, post=post, source_url=media_url)
            self._fetch_image(media_url, occurrence, state)

    def _fetch_image(self, url: str, occurrence: MediaOccurrence, state: _RunState) -> None:
        """Fetch an image once per run and record where it was seen; failures are counted."""
        if url in state.fetched_media:
            known = state.fetched_media[url]
            if known:
                with self.store.atomic():
                    self.store.add_media_occurrence(replace(occurrence, media=known))
            return
        exchange, _ = self._fetch_recorded(url, state)
        state.fetched_media[url] = None
        status, reason, _ = _outcome(exchange)
        if status is not CaptureStatus.OK:
            state.summary.count_media_failure(reason)
            return
        state.fetched_media[url] = self._store_image_recorded(exchange.body, url, occurrence, state)

    def _store_image_recorded(
        self, data: bytes, source: str, occurrence: MediaOccurrence, state: _RunState
    ) -> str | None:
        """Store an image; a broken one is counted as a media failure, not raised."""
        try:
            return self._store_image(data, source, occurrence, state)
        except MediaError:
            state.summary.count_media_failure(str(FailureReason.NOT_AN_IMAGE))
            return None

    def _store_image(
        self, data: bytes, source: str, occurrence: MediaOccurrence, state: _RunState
    ) -> str:
        image = fingerprint(data, source)
        self.blobs.put(data)
        with self.store.atomic():
            created = self.store.upsert_media(image.info, image.phash, image.dhash)
            self.store.add_media_occurrence(replace(occurrence, media=image.info.sha256))
        state.summary.media += 1
        state.summary.new_media += created
        return image.info.sha256

    # Fetching --------------------------------------------------------------------------------

    def _fetch_recorded(self, url: str, state: _RunState) -> tuple[Exchange, int]:
        """Fetch a URL and store the exchange (and its body) whatever the outcome."""
        try:
            exchange = self.fetcher.fetch(url)
        except ExchangeFailed as failure:
            exchange = failure.exchange
        if exchange.body_sha256:
            self.blobs.put(exchange.body)
        with self.store.atomic():
            exchange_id = self.store.add_exchange(state.summary.run_id, exchange)
        return exchange, exchange_id

    @property
    def _max_embeds(self) -> int:
        return self.config.limits.max_embeds_per_article


@dataclass
class _StoredArticle:
    article: int
    posts: list[int] = field(default_factory=list)
    credits: list[int] = field(default_factory=list)


def _outcome(exchange: Exchange) -> tuple[CaptureStatus, str | None, str | None]:
    """ok for a completed 2xx response; otherwise failed, with the reason and a message."""
    if exchange.error_reason:
        return CaptureStatus.FAILED, exchange.error_reason, exchange.error
    if not exchange.ok:
        return CaptureStatus.FAILED, str(FailureReason.HTTP_STATUS), f"HTTP {exchange.status}"
    return CaptureStatus.OK, None, None
