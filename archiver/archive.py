"""`Archive`: the one object that owns the config, the store, the blobs and the fetcher.

The CLI, the tests (and later the web UI) all call its methods, one per verb.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from .config import Config, default_blob_root
from .errors import ConfigError, FailureReason, FetchError, NotFound, TimestampError
from .export.bundle import ExportSummary, Sealing, export_bundle
from .export.selection import Selection, gather
from .extract import extract_document
from .fetch.client import Fetcher
from .fetch.guard import Resolver
from .history import History, history
from .jobs.health import MethodHealth, check
from .jobs.health import report as health_report
from .jobs.jobfile import JobFile, notify, now_utc
from .jobs.report import JobReport, timed
from .jobs.runs import ArchiveJob, ProgressCallback
from .jobs.schedule import due_posts
from .jobs.sources import is_url, read_file
from .media.lookup import ReuseAnswer, find_reuse
from .media.rehash import RehashSummary, rehash
from .models import Extraction, RunSummary
from .notes import add_note, notes_on
from .platforms import check_settings
from .signing import SigningKey, init_key, key_folder, load_key
from .store.blobs import LocalBlobStore
from .store.db import Store
from .store.lock import exclusive
from .timestamps import Token, load_roots, pem_of, stamp
from .trusted_time import TimestampRun, anchor_and_stamp
from .verify import Verification, verify

DEFAULT_DB = "archive.db"
DEFAULT_SOURCES = ["seeds/"]


class Archive:
    def __init__(
        self, config: Config, store: Store, blobs: LocalBlobStore, fetcher: Fetcher
    ) -> None:
        self.config = config
        self.store = store
        self.blobs = blobs
        self.fetcher = fetcher
        self.wait_for_lock = False  # queue behind another job instead of refusing

    @classmethod
    def open(
        cls,
        db_path: str | Path = DEFAULT_DB,
        config: Config | None = None,
        *,
        resolver: Resolver | None = None,
    ) -> Archive:
        """Open (creating on first use) the database and the blob folder beside it."""
        config = config or Config()
        check_settings(config)
        db_path = Path(db_path)
        blob_root = Path(config.paths.blobs) if config.paths.blobs else default_blob_root(db_path)
        store = Store(db_path)
        fetcher = Fetcher(config.network, config.operator, resolver=resolver)
        return cls(config, store, LocalBlobStore(blob_root), fetcher)

    def close(self) -> None:
        self.fetcher.close()
        self.store.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def extract(self, source: str) -> Extraction:
        """Embeds and credits in one article: a file, or a URL fetched through the guard."""
        return extract_source(source, self.config, self.fetcher)

    def recapture(
        self,
        urls: list[str] | None = None,
        due: bool = False,
        progress: ProgressCallback | None = None,
        now: datetime | None = None,
    ) -> RunSummary:
        """Capture known posts again: those named (any URL form), those due, or all of them.

        Each new capture is compared with the post's previous one and the changes stored.
        """
        with self._job() as job:
            if urls:
                return job.run(urls, progress)
            posts = self.store.captured_posts()
            if due:
                posts = due_posts(posts, self.config.recapture, now or datetime.now(UTC))
            return job.recapture(posts, progress)

    def run_job(self, jobfile: JobFile) -> JobReport:
        """The nightly job: finish a killed run, archive, recapture, report, notify."""
        started = now_utc()
        if jobfile.concurrency:
            self.config.network.concurrency = jobfile.concurrency
        self.config.browser.enabled |= jobfile.screenshots
        timings: dict[str, float] = {}
        with timed(timings, "resume"):
            resumed = self.resume()
        locations = jobfile.locations()  # none: a recapture-only job (never the seeds/ default)
        archived = recaptured = None
        if locations:
            with timed(timings, "archive"):
                archived = self.archive(locations, since=jobfile.since(started.date()))
        if jobfile.recapture != "none":
            with timed(timings, "recapture"):
                recaptured = self.recapture(due=jobfile.recapture == "due", now=started)
        stamped = None
        if self.config.timestamp.tsas:
            with timed(timings, "timestamp"):
                stamped = asdict(self.timestamp())
        health = []
        if jobfile.health:
            with timed(timings, "health"):
                health = [asdict(method) for method in self.health()]
        report = JobReport(
            started.isoformat(), now_utc().isoformat(), resumed, archived, recaptured,
            health=health, timings=timings, timestamp=stamped,
        )  # fmt: skip
        report.changes = self.store.changes_in_runs(report.runs())
        report.reuse = self.store.reuse_in_runs(report.runs())
        report.failures = self.store.failures_in_runs(report.runs())
        report.timings["total"] = round((now_utc() - started).total_seconds(), 3)
        path = jobfile.report_path(started)
        if path:
            report.write(path)
        notify(jobfile.notify, path)
        return report

    def health(self) -> list[MethodHealth]:
        """Capture the reference posts with every method; each method's state and failing-since."""
        with self._job() as job:
            with self.store.atomic():
                run_id = self.store.start_run(["health"], self.config.operator)
            check(
                self.store, self.fetcher, self.config, lambda exchange: job.record(exchange, run_id)
            )
            self.store.finish_run(run_id, "finished", {})
        return health_report(self.store)

    def history(self, url: str) -> History:
        """A post's whole story, found by any URL form of it."""
        return history(self.store, url)

    def note(
        self, target: str, text: str, author: str | None = None, supersedes: int | None = None
    ) -> dict[str, Any]:
        """Append a provenance note to a post, capture, article or image."""
        return add_note(self.store, target, text, author or self.config.operator, supersedes)

    def notes(self, target: str) -> list[dict[str, Any]]:
        return notes_on(self.store, target)

    def verify(self, sample: int | None = None) -> Verification:
        """Re-hash blobs, resolve references, recompute the event chain, check sealed rows,
        anchors and their timestamp tokens; count the captures with trusted time."""
        return verify(self.store, self.blobs, sample)

    def timestamp(self) -> TimestampRun:
        """Anchor the events since the last anchor and get the missing RFC 3161 tokens."""
        with self._job():
            return anchor_and_stamp(self.store, self.blobs, self.fetcher, self.config)

    def export(self, selection: Selection, out: str | Path) -> ExportSummary:
        """Write an evidence bundle (BagIt with WARC, WACZ, provenance, custody, report)."""
        if selection.is_empty():
            raise ConfigError("say what to export: post URLs, an article, a run, dates or --all")
        contents = gather(self.store, selection)
        if not contents.posts and not contents.articles:
            raise NotFound(f"nothing in the archive matches {selection.describe()}", str(out))
        return export_bundle(
            contents, self.blobs, Path(out), description=selection.describe(),
            operator=self.config.operator,
            organization=self.config.export.organization or self.config.operator,
            sealing=self._sealing(),
        )  # fmt: skip

    def init_key(self) -> SigningKey:
        """Make the archive's signing key (once; it is never replaced)."""
        return init_key(self.key_folder)

    def signing_key(self) -> SigningKey | None:
        return load_key(self.key_folder)

    @property
    def key_folder(self) -> Path:
        return key_folder(Path(self.store.path))

    def _sealing(self) -> Sealing:
        """The key bundles are signed with (made on first export), and the TSAs to stamp with."""
        key = self.signing_key() or self.init_key()
        tsas = self.config.timestamp.tsas
        if not tsas:
            return Sealing(key)
        roots = load_roots(self.config.timestamp.roots)
        roots_pem = pem_of(roots)

        def stamp_first(data: bytes) -> Token:
            errors = []
            for tsa in tsas:
                try:
                    return stamp(self.fetcher, tsa, data, roots)
                except TimestampError as exc:
                    errors.append(str(exc))
            raise TimestampError("; ".join(errors), ", ".join(tsas))

        return Sealing(key, stamp_first, roots_pem)

    def reuse(self, paths: list[str]) -> list[ReuseAnswer]:
        """Each image file against every image in the archive: same picture, where, first when."""
        thresholds = self.config.reuse.thresholds()
        return find_reuse(self.store, paths, thresholds, self.config.limits.max_media_bytes)

    def rehash(self) -> RehashSummary:
        """Recompute the hashes of images fingerprinted by an older pipeline version."""
        return rehash(self.store, self.blobs)

    def archive(
        self,
        sources: list[str] | None = None,
        progress: ProgressCallback | None = None,
        since: date | None = None,
    ) -> RunSummary:
        """Run the main job over files, folders, URLs, feeds and sitemaps (default: seeds/).

        `since` skips feed and sitemap items dated before it.
        """
        with self._job() as job:
            return job.run(sources or DEFAULT_SOURCES, progress, since)

    def resume(self, progress: ProgressCallback | None = None) -> RunSummary | None:
        """Finish the latest run that was killed; None when every run finished."""
        with self._job() as job:
            return job.resume(progress)

    @contextmanager
    def _job(self) -> Iterator[ArchiveJob]:
        """The archive job, holding the archive's write lock while it runs."""
        job = ArchiveJob(self.store, self.blobs, self.fetcher, self.config)
        if self.store.path == ":memory:":
            yield job
            return
        with exclusive(Path(self.store.path), wait=self.wait_for_lock):
            yield job


def extract_source(source: str, config: Config, fetcher: Fetcher) -> Extraction:
    """Embeds and credits in one article, stored nowhere."""
    limits = config.limits
    if not is_url(source):
        data = read_file(source, limits.max_article_bytes)
        return extract_document(data, source, max_embeds=limits.max_embeds_per_article)
    exchange = fetcher.fetch(source)
    if not exchange.ok:
        raise FetchError(f"{source}: HTTP {exchange.status}", source, FailureReason.HTTP_STATUS)
    return extract_document(
        exchange.body,
        source,
        content_type=exchange.content_type or None,
        charset=exchange.charset,
        base_url=exchange.final_url,
        max_embeds=limits.max_embeds_per_article,
    )
