"""The images and videos that posts, embeds and credits point at: fetched once, stored, linked.

Images are decoded and fingerprinted (`media` rows); videos are kept as blobs up to the media
size limit, with their still image stored as an image. A URL fetched once in a run, or stored
by an earlier run, is not fetched again: its sha256 is linked to the new place it was seen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from ..config import Config
from ..errors import FailureReason, MediaError
from ..fetch.client import Fetcher
from ..media.fingerprint import HASH_VERSION, fingerprint, looks_like_image
from ..media.reuse import ReuseIndex
from ..models import Exchange, Fingerprint, MediaItem, MediaOccurrence, ReuseLink, RunSummary
from ..store.blobs import BlobStore
from ..store.db import Store

Recorder = Callable[[Exchange], int]


class MediaCollector:
    def __init__(
        self,
        store: Store,
        blobs: BlobStore,
        fetcher: Fetcher,
        config: Config,
        record: Recorder,
        summary: RunSummary,
    ) -> None:
        self.store = store
        self.blobs = blobs
        self.fetcher = fetcher
        self.max_bytes = config.limits.max_media_bytes
        self.record = record
        self.summary = summary
        self.seen: dict[str, str | None] = {}  # URL -> sha256 (None: it failed this run)
        self.thresholds = config.reuse.thresholds()
        self._index: ReuseIndex | None = None  # every earlier image, loaded when first needed

    def collect(self, item: MediaItem, occurrence: MediaOccurrence) -> None:
        """Download a post's media item; its sha256 or the reason it was not kept goes on it."""
        occurrence = replace(occurrence, media_type=item.type, alt_text=item.alt)
        item.sha256, item.not_downloaded = self._fetch(
            item.url, occurrence, video_ok=item.type != "photo"
        )
        if item.poster:
            self.image_at(item.poster, replace(occurrence, media_type="poster"))

    def image_at(self, url: str, occurrence: MediaOccurrence) -> str | None:
        """The sha256 of the image at a URL (an embed's <img>, a credited photo), or None."""
        return self._fetch(url, occurrence, video_ok=False)[0]

    def store_image(self, data: bytes, source: str, occurrence: MediaOccurrence) -> str:
        """Fingerprint and store an image; `MediaError` when it is not a whole image."""
        image = fingerprint(data, source)
        self.blobs.put(data)
        with self.store.atomic():
            created = self.store.upsert_media(image)
            self.store.add_media_occurrence(replace(occurrence, media=image.info.sha256))
            if created:
                self._link_reuse(image)
        self.summary.media += 1
        self.summary.new_media += created
        return image.info.sha256

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

    def _fetch(
        self, url: str, occurrence: MediaOccurrence, video_ok: bool
    ) -> tuple[str | None, str | None]:
        """(sha256, None) for media kept, (None, reason) for media not kept."""
        if url in self.seen:
            known = self.seen[url]
            if known is None:
                return None, "failed earlier in this run"
        else:
            known = self.store.body_fetched_from(url)
        if known:
            return self._link(known, occurrence, video_ok)
        self.seen[url] = None
        exchange = self.fetcher.attempt(url, max_bytes=self.max_bytes)
        self.record(exchange)
        reason = exchange.error_reason or (None if exchange.ok else str(FailureReason.HTTP_STATUS))
        if reason is None and looks_like_image(exchange.body):
            try:
                self.seen[url] = self.store_image(exchange.body, url, occurrence)
                return self.seen[url], None
            except MediaError:
                reason = str(FailureReason.NOT_AN_IMAGE)
        elif reason is None and video_ok:
            self.seen[url] = exchange.body_sha256  # kept as the exchange's body blob
            return self.seen[url], None
        reason = reason or str(FailureReason.NOT_AN_IMAGE)
        self.summary.count_media_failure(reason)
        return None, reason

    def _link(
        self, sha256: str, occurrence: MediaOccurrence, video_ok: bool
    ) -> tuple[str | None, str | None]:
        """Media fetched before: link the new place it was seen, without fetching again."""
        if self.store.has_media(sha256):
            with self.store.atomic():
                self.store.add_media_occurrence(replace(occurrence, media=sha256))
            return sha256, None
        return (sha256, None) if video_ok else (None, str(FailureReason.NOT_AN_IMAGE))
