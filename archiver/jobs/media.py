"""The images and videos that posts, embeds and credits point at: fetched once, stored, linked.

Images are decoded and fingerprinted (`media` rows); videos are kept as blobs up to the media
size limit, with their still image stored as an image. A URL fetched once in a run, or stored
by an earlier run, is not fetched again: its sha256 is linked to the new place it was seen.

Downloads and fingerprints run on the run's worker threads; everything stored is stored on
the writer thread, in the handler of the download's result. A URL asked for again while its
download is under way waits for that one download.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, replace

from ..config import Config
from ..errors import FailureReason, MediaError
from ..fetch.client import Fetcher
from ..media.fingerprint import HASH_VERSION, fingerprint, looks_like_image
from ..media.reuse import ReuseIndex
from ..models import Exchange, Fingerprint, MediaItem, MediaOccurrence, ReuseLink, RunSummary
from ..store.blobs import BlobStore
from ..store.db import Store
from .pool import Group, WorkPool

Recorder = Callable[[Exchange], int]
Kept = Callable[[str | None, str | None], None]  # (sha256, None) or (None, why not kept)


@dataclass
class _Waiter:
    occurrence: MediaOccurrence
    video_ok: bool
    then: Kept
    group: Group | None = None  # the source it works for, when it waits on another's download


@dataclass
class _Download:
    """What a worker brings back: the exchange, and the image's fingerprint if it is one."""

    exchange: Exchange
    image: Fingerprint | None = None
    reason: str | None = None


class MediaCollector:
    def __init__(
        self,
        store: Store,
        blobs: BlobStore,
        fetcher: Fetcher,
        config: Config,
        record: Recorder,
        summary: RunSummary,
        pool: WorkPool,
    ) -> None:
        self.store = store
        self.blobs = blobs
        self.fetcher = fetcher
        self.max_bytes = config.limits.max_media_bytes
        self.record = record
        self.summary = summary
        self.pool = pool
        # URL -> sha256 (None: it failed this run), or those waiting for its download
        self.seen: dict[str, str | list[_Waiter] | None] = {}
        self.thresholds = config.reuse.thresholds()
        self._index: ReuseIndex | None = None  # every earlier image, loaded when first needed

    def collect(
        self, items: list[tuple[MediaItem, MediaOccurrence]], then: Callable[[], None]
    ) -> None:
        """Download a post's media items; each gets its sha256 or the reason it was not kept,
        and `then` runs when all of them have."""
        waiting = len(items)

        def kept(item: MediaItem, sha256: str | None, reason: str | None) -> None:
            nonlocal waiting
            item.sha256, item.not_downloaded = sha256, reason
            waiting -= 1
            if waiting == 0:
                then()

        if not items:
            then()
        for item, occurrence in items:
            occurrence = replace(occurrence, media_type=item.type, alt_text=item.alt)
            self._fetch(
                item.url, occurrence, item.type != "photo",
                lambda sha256, reason, item=item: kept(item, sha256, reason),
            )  # fmt: skip
            if item.poster:
                self.image_at(item.poster, replace(occurrence, media_type="poster"))

    def image_at(self, url: str, occurrence: MediaOccurrence) -> None:
        """Store the image at a URL (an embed's <img>, a credited photo) where it was seen."""
        self._fetch(url, occurrence, False, lambda sha256, reason: None)

    def store_image(self, data: bytes, source: str, occurrence: MediaOccurrence) -> str:
        """Fingerprint and store an image; `MediaError` when it is not a whole image."""
        image = fingerprint(data, source)
        self._keep(image, data)
        with self.store.atomic():
            self.store.add_media_occurrence(replace(occurrence, media=image.info.sha256))
        return image.info.sha256

    def _keep(self, image: Fingerprint, data: bytes) -> None:
        """Store an image's bytes and fingerprint, and link it to the earlier images it reuses."""
        self.blobs.put(data)
        with self.store.atomic():
            created = self.store.upsert_media(image)
            if created:
                self._link_reuse(image)
        self.summary.media += 1
        self.summary.new_media += created

    def _link_reuse(self, image: Fingerprint) -> None:
        """Check a new image against every earlier one; store each match as a reuse link."""
        if self._index is None:
            self._index = ReuseIndex.build(self.store.fingerprints(HASH_VERSION))
        for match in self._index.query(image, self.thresholds):
            if match.sha256 == image.info.sha256:
                continue  # the index was loaded after this image was stored
            link = ReuseLink(
                image.info.sha256, match.sha256, match.method, match.distance, self.summary.run_id
            )
            self.summary.reuse_links += self.store.add_reuse_link(link)
        self._index.add(image.info.sha256, image)

    def _fetch(self, url: str, occurrence: MediaOccurrence, video_ok: bool, then: Kept) -> None:
        waiter = _Waiter(occurrence, video_ok, then)
        known = self.seen.get(url)
        if isinstance(known, list):  # being downloaded: wait for that download, in its own group
            waiter.group = self.pool.hold()
            known.append(waiter)
            return
        if url in self.seen and known is None:
            then(None, "failed earlier in this run")
            return
        known = known or self.store.body_fetched_from(url)
        if known:
            self._link(known, waiter)
            return
        self.seen[url] = [waiter]
        self.pool.submit(lambda: self._download(url), lambda got: self._downloaded(url, got))

    def _download(self, url: str) -> _Download:
        """On a worker: the bytes, and the fingerprint when they are a whole image."""
        exchange = self.fetcher.attempt(url, max_bytes=self.max_bytes)
        reason = exchange.error_reason or (None if exchange.ok else str(FailureReason.HTTP_STATUS))
        if reason is None and looks_like_image(exchange.body):
            try:
                return _Download(exchange, fingerprint(exchange.body, url))
            except MediaError:
                reason = str(FailureReason.NOT_AN_IMAGE)
        return _Download(exchange, reason=reason)

    def _downloaded(self, url: str, got: _Download) -> None:
        """On the writer: record the exchange, keep what it brought, answer who waited."""
        self.record(got.exchange)
        waiters = self.seen[url]
        assert isinstance(waiters, list)
        sha256 = reason = None
        if got.image is not None:
            self._keep(got.image, got.exchange.body)
            sha256 = got.image.info.sha256
        elif got.reason is None and any(waiter.video_ok for waiter in waiters):
            sha256 = got.exchange.body_sha256  # a video, kept as the exchange's body blob
        self.seen[url] = sha256
        if sha256 is None:
            reason = got.reason or str(FailureReason.NOT_AN_IMAGE)
            self.summary.count_media_failure(reason)
        for index, waiter in enumerate(waiters):
            answer = functools.partial(self._answer, waiter, sha256, reason)
            if index == 0:
                answer()  # the one who asked: already counted in this download's group
            else:
                self.pool.run_held(waiter.group, answer)

    def _answer(self, waiter: _Waiter, sha256: str | None, reason: str | None) -> None:
        if sha256 is None:
            waiter.then(None, reason)
        else:
            self._link(sha256, waiter)

    def _link(self, sha256: str, waiter: _Waiter) -> None:
        """Media fetched before: link the new place it was seen, without fetching again."""
        if self.store.has_media(sha256):
            with self.store.atomic():
                self.store.add_media_occurrence(replace(waiter.occurrence, media=sha256))
            waiter.then(sha256, None)
        elif waiter.video_ok:
            waiter.then(sha256, None)
        else:
            waiter.then(None, str(FailureReason.NOT_AN_IMAGE))
