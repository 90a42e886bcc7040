"""Records that cross layers: what extraction finds, what fetching saw, what a run did."""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


class Platform(StrEnum):
    TWITTER = "twitter"
    TELEGRAM = "telegram"
    YOUTUBE = "youtube"
    INSTAGRAM = "instagram"
    FACEBOOK = "facebook"
    TIKTOK = "tiktok"
    BLUESKY = "bluesky"
    MASTODON = "mastodon"
    REDDIT = "reddit"
    VIMEO = "vimeo"
    THREADS = "threads"


# Ids on these platforms are names (channels, handles, hosts), which the platforms match
# without regard to case; the identity key folds them so two spellings meet in one row.
_CASE_FOLDED_IDS = {Platform.TELEGRAM, Platform.MASTODON, Platform.BLUESKY, Platform.FACEBOOK}


@dataclass(frozen=True)
class PostRef:
    """A post as named by a URL: its platform, the platform's own id, and a canonical URL."""

    platform: Platform
    post_id: str | None
    url: str
    author_handle: str | None = None


@dataclass
class Embed:
    """One post embedded in (or flattened into) an article, with what the markup itself says."""

    platform: Platform
    post_id: str | None
    url: str | None
    found_by: str
    author_handle: str | None = None
    author_name: str | None = None
    published: str | None = None
    text: str | None = None
    media_urls: list[str] = field(default_factory=list)
    kind: str = "post"

    @property
    def identity_key(self) -> str:
        """One key per post, whatever URL form found it.

        platform + post id when the id is known; else platform + URL as given (a pic.twitter.com
        link until it is resolved); else, for text with no link, platform + handle + text digest.
        """
        if self.post_id:
            post_id = self.post_id.lower() if self.platform in _CASE_FOLDED_IDS else self.post_id
            return f"{self.platform}:{post_id}"
        if self.url:
            return f"{self.platform}:url:{self.url}"
        handle = (self.author_handle or "").lower()
        words = " ".join(re.findall(r"\w+", (self.text or "").lower()))
        digest = hashlib.sha256(words.encode()).hexdigest()[:16]
        return f"{self.platform}:handle:{handle}:{digest}"

    def merge(self, other: Embed) -> None:
        """Fill fields this embed lacks from another sighting of the same post."""
        for name in ("post_id", "url", "author_handle", "author_name", "published", "text"):
            if getattr(self, name) is None and getattr(other, name) is not None:
                setattr(self, name, getattr(other, name))
        for media_url in other.media_urls:
            if media_url not in self.media_urls:
                self.media_urls.append(media_url)

    def to_dict(self) -> dict[str, Any]:
        return {
            "platform": str(self.platform),
            "kind": self.kind,
            "post_id": self.post_id,
            "url": self.url,
            "author_handle": self.author_handle,
            "author_name": self.author_name,
            "published": self.published,
            "text": self.text,
            "media_urls": list(self.media_urls),
            "found_by": self.found_by,
        }


@dataclass
class Credit:
    """A credit line for an image ("Source: youtube/Suchomimus/Screenshot")."""

    text: str
    platform: Platform | None
    account: str | None
    kind: str
    image_url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["platform"] = str(self.platform) if self.platform else None
        return data


@dataclass
class Extraction:
    """Everything found in one article."""

    source: str
    embeds: list[Embed] = field(default_factory=list)
    credits: list[Credit] = field(default_factory=list)
    title: str | None = None
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "source": self.source,
            "embeds": [embed.to_dict() for embed in self.embeds],
            "credits": [credit.to_dict() for credit in self.credits],
        }
        if self.warnings:
            data["warnings"] = list(self.warnings)
        return data


@dataclass(frozen=True)
class Hop:
    """One redirect answered on the way to the final URL."""

    url: str
    status: int
    location: str


@dataclass
class Exchange:
    """One HTTP read with its provenance: what was asked, where it went, what came back."""

    url: str
    final_url: str | None
    sent_to: str | None
    redirects: list[Hop]
    status: int | None
    headers: list[tuple[str, str]]
    remote_ip: str | None
    started_at: str
    ended_at: str
    bytes: int
    body_sha256: str | None
    user_agent: str
    tool_version: str
    operator: str
    error_reason: str | None = None
    error: str | None = None
    body: bytes = field(default=b"", repr=False)

    @property
    def ok(self) -> bool:
        return self.error_reason is None and self.status is not None and 200 <= self.status < 300

    @property
    def content_type(self) -> str:
        return self._content_type_header.split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        _, _, params = self._content_type_header.lower().partition("charset=")
        return params.split(";")[0].strip(" \"'") or None

    @property
    def _content_type_header(self) -> str:
        return next((v for k, v in self.headers if k.lower() == "content-type"), "")


class CaptureStatus(StrEnum):
    """How a capture ended; the reason code (errors.FailureReason) says more."""

    OK = "ok"  # the platform served the post (or, kind embed-markup, the article's markup)
    DELETED = "deleted"  # the platform says it was deleted
    PROTECTED = "protected"  # private or followers-only
    WITHHELD = "withheld"  # withheld by country or legal demand, age-gated, geo-blocked
    UNAVAILABLE = "unavailable"  # gone without saying why (not found, account suspended)
    ERROR = "error"  # an answer came in a form we could not read; the body is kept
    FAILED = "failed"  # no usable answer: network failure, refusal, rate limit, login wall
    SKIPPED = "skipped"  # nothing to fetch (a flattened embed with no link)


@dataclass
class ImageInfo:
    """What decoding an image once tells: its digest, size and format."""

    sha256: str
    size: int
    width: int
    height: int
    format: str
    mime: str


@dataclass(frozen=True)
class Fingerprint:
    """Every hash of one image (see media/fingerprint.py for what each is and why)."""

    info: ImageInfo
    phash: str
    dhash: str
    whash: str
    pdq: str
    pdq_quality: int
    pdq_mirror: str
    center_pdq: str
    hash_version: int
    # content boxes, outermost first (left, top, right, bottom in original pixels), and PDQs
    boxes: list[tuple[int, int, int, int]] = field(default_factory=list)
    box_pdqs: list[str] = field(default_factory=list)
    crop_pdqs: list[str] = field(default_factory=list)  # 95% crops on a 3×3 grid of offsets
    frame_pdqs: list[str] = field(default_factory=list)
    low_information: bool = False


@dataclass(frozen=True)
class ReuseLink:
    """A new image found to be an earlier one again."""

    media: str
    earlier: str
    method: str
    distance: int
    run: int


@dataclass(frozen=True)
class PostRecord:
    """A stored post, as recapture needs it: enough to capture it again."""

    id: int
    platform: Platform
    post_id: str | None
    url: str | None
    author_handle: str | None
    first_captured: str
    last_captured: str

    @property
    def identity(self) -> str:
        return f"{self.platform}:{self.post_id or self.url}"

    def embed(self) -> Embed:
        return Embed(self.platform, self.post_id, self.url, "recapture", self.author_handle)


@dataclass
class ArticleCapture:
    """One reading of an article, and what extraction found in it."""

    article: int
    run: int
    status: CaptureStatus
    content_type: str | None = None
    body_sha256: str | None = None
    exchange: int | None = None
    embeds_found: int = 0
    credits_found: int = 0
    warnings: list[str] = field(default_factory=list)
    reason: str | None = None
    error: str | None = None
    captured_at: str = field(default_factory=lambda: utc_now())


@dataclass
class MediaItem:
    """An image or video that a post carries, as the platform describes it."""

    url: str
    type: str  # photo, video or gif
    width: int | None = None
    height: int | None = None
    alt: str | None = None
    poster: str | None = None  # a video's still image
    variants: list[dict[str, Any]] = field(default_factory=list)  # a video's other encodings
    sha256: str | None = None  # once downloaded
    not_downloaded: str | None = None  # the reason, when it was not


@dataclass
class Attempt:
    """One capture method tried, and how it ended."""

    method: str
    status: CaptureStatus
    reason: str | None = None
    error: str | None = None


@dataclass
class PlatformCapture:
    """What a platform adapter found out about a post; fields it did not serve stay None."""

    status: CaptureStatus
    method: str
    kind: str = "platform"  # or "embed-markup": taken from the article, not the platform
    reason: str | None = None
    error: str | None = None
    canonical_url: str | None = None
    post_id: str | None = None
    author_handle: str | None = None
    author_name: str | None = None
    published: str | None = None
    text: str | None = None
    lang: str | None = None
    media: list[MediaItem] = field(default_factory=list)
    counts: dict[str, Any] = field(default_factory=dict)
    quoted_url: str | None = None
    reply_to_url: str | None = None
    resolved: PostRef | None = None  # a pic.twitter.com link, once it named its post
    exchanges: list[int] = field(default_factory=list)  # every HTTP exchange behind it
    attempts: list[Attempt] = field(default_factory=list)  # methods tried before this one

    @classmethod
    def failure(
        cls, method: str, status: CaptureStatus, reason: str | None, error: str | None = None
    ) -> PlatformCapture:
        return cls(status, method, reason=reason, error=error)


@dataclass
class PostCapture:
    """One capture of a post in one run, ready to store."""

    post: int
    run: int
    url: str | None
    result: PlatformCapture
    captured_at: str = field(default_factory=lambda: utc_now())


@dataclass
class MediaOccurrence:
    """Where an image was seen: in a post, an article, under a credit, or as a file given."""

    media: str
    run: int
    post: int | None = None
    article: int | None = None
    credit: int | None = None
    source_url: str | None = None
    source_path: str | None = None
    caption: str | None = None
    credit_text: str | None = None
    position: int | None = None
    alt_text: str | None = None
    media_type: str | None = None

    @property
    def occurrence_key(self) -> str:
        """One row per image per place, however many runs see it there."""
        parts = (
            self.media,
            self.post,
            self.article,
            self.credit,
            self.source_url,
            self.source_path,
        )
        return "|".join("" if part is None else str(part) for part in parts)


@dataclass
class RunSummary:
    """The outcome of one `archive` run, as printed and stored."""

    run_id: int
    resumed: bool = False  # this summary covers what was left of a killed run
    articles: int = 0
    articles_failed: int = 0
    posts: int = 0
    new_posts: int = 0
    credits: int = 0
    captures: dict[str, int] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)
    media: int = 0
    new_media: int = 0
    media_failures: dict[str, int] = field(default_factory=dict)
    reuse_links: int = 0
    listings: int = 0  # feeds and sitemaps read
    listed: int = 0  # articles they added to the run
    listed_too_old: int = 0  # items they listed from before --since
    changes: dict[str, int] = field(default_factory=dict)  # by kind, since the previous capture
    items_failed: list[dict[str, str]] = field(default_factory=list)
    seconds: float = 0.0  # wall time, start to finish
    pages_rendered: int = 0  # browser captures with a screenshot (--screenshots)
    pages_failed: dict[str, int] = field(default_factory=dict)  # browser captures that failed

    def count_capture(self, status: CaptureStatus, reason: str | None) -> None:
        _bump(self.captures, str(status))
        if reason:
            _bump(self.failures, reason)

    def count_change(self, kind: str) -> None:
        _bump(self.changes, str(kind))

    def count_media_failure(self, reason: str | None) -> None:
        _bump(self.media_failures, reason or "unknown")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def describe(self) -> str:
        """The run in plain words, for people reading a terminal or a cron mail."""
        ok = self.captures.get(CaptureStatus.OK, 0)
        failed = self.captures.get(CaptureStatus.FAILED, 0)
        others = [
            f"{count} {status}" + (" (no link to fetch)" if status == CaptureStatus.SKIPPED else "")
            for status, count in self.captures.items()
            if status not in (CaptureStatus.OK, CaptureStatus.FAILED)
        ]
        lines = [
            f"Run {self.run_id}: "
            + (f"{_n(self.listings, 'feed or sitemap', 'feeds or sitemaps')} listing"
               f" {self.listed} new items ({self.listed_too_old} too old); "
               if self.listings else "")
            + f"{_n(self.articles, 'article')} read"
            + (f", {self.articles_failed} could not be read" if self.articles_failed else "")
            + f"; {_n(self.posts, 'embedded post')} found ({self.new_posts} new)"
            + f", {_n(self.credits, 'image credit')}.",
            f"Post captures: {ok} ok, {failed} failed"
            + "".join(f", {other}" for other in others)
            + (f" — reasons: {_reasons(self.failures)}" if self.failures else "")
            + ".",
            f"Images: {self.media} stored ({self.new_media} new"
            + (f", {self.reuse_links} seen before" if self.reuse_links else "")
            + ")"
            + (f", {sum(self.media_failures.values())} failed ({_reasons(self.media_failures)})"
               if self.media_failures else "")
            + ".",
        ]  # fmt: skip
        if self.seconds:
            rate = sum(self.captures.values()) / self.seconds
            lines.append(f"Took {self.seconds:.1f} s ({rate:.1f} post captures/s).")
        if self.changes:
            lines.append(f"Changes since the previous captures: {_reasons(self.changes)}.")
        if self.pages_rendered or self.pages_failed:
            lines.append(
                f"Pages rendered in the browser: {self.pages_rendered}"
                + (f", {sum(self.pages_failed.values())} failed" if self.pages_failed else "")
                + "."
            )
        if failed and failed == self.failures.get("dns"):
            lines.append(
                "Every post failed at DNS: this machine seems to have no internet access. "
                "The posts and the reasons are recorded; run again when it is online."
            )
        lines += [
            f"  could not read {item['source']}: {item['error']}" for item in self.items_failed
        ]
        return "\n".join(lines)


def _bump(counter: dict[str, int], key: str) -> None:
    counter[key] = counter.get(key, 0) + 1


def _n(count: int, noun: str, plural: str | None = None) -> str:
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


def _reasons(counter: dict[str, int]) -> str:
    return ", ".join(f"{reason}: {count}" for reason, count in sorted(counter.items()))


def utc_now() -> str:
    """The current time in UTC, ISO 8601 with milliseconds and a Z."""
    now = datetime.now(UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
