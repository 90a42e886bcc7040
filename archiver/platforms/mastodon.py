"""Mastodon: the instance's public API, https://HOST/api/v1/statuses/ID.

Edits happen in place: `edited_at` says when, and the status text is the latest version.
"""

from __future__ import annotations

from typing import Any

from ..errors import FailureReason, ParseError
from ..extract.html import parse_html
from ..models import CaptureStatus, Embed, MediaItem, Platform, PlatformCapture
from .base import Adapter, CaptureContext
from .common import http_failure

_TYPES = {"image": "photo", "gifv": "gif", "video": "video"}
_STATUSES = {
    401: FailureReason.AUTH_REQUIRED,
    403: FailureReason.AUTH_REQUIRED,
    404: FailureReason.NOT_FOUND,
    410: FailureReason.DELETED,
}


class MastodonAdapter(Adapter):
    platform = Platform.MASTODON
    methods = ("api",)

    def api(self, target: Embed, context: CaptureContext) -> PlatformCapture:
        host, _, rest = (target.post_id or "").partition("/")
        status_id = rest.rsplit("/", 1)[-1]
        response = context.get(f"https://{host}/api/v1/statuses/{status_id}")
        failure = http_failure("api", response, _STATUSES)
        if failure:
            return failure
        status = response.json()
        if not isinstance(status, dict) or not isinstance(status.get("account"), dict):
            raise ParseError("not a Mastodon status", response.exchange.url)
        account = status["account"]
        counts = {
            k: status[k]
            for k in ("replies_count", "reblogs_count", "favourites_count")
            if k in status
        }
        if status.get("edited_at"):
            counts["edited_at"] = status["edited_at"]
            counts["earlier_versions"] = _earlier_versions(host, status_id, context)
        return PlatformCapture(
            CaptureStatus.OK,
            "api",
            canonical_url=status.get("url") or target.url,
            post_id=target.post_id,
            author_handle=account.get("acct"),
            author_name=account.get("display_name") or None,
            published=status.get("created_at"),
            text=_text(status),
            lang=status.get("language"),
            media=[_attachment(a) for a in status.get("media_attachments") or [] if a.get("url")],
            counts=counts,
        )


def _earlier_versions(host: str, status_id: str, context: CaptureContext) -> list[str] | None:
    """The texts an edited status had before, oldest first, from its history endpoint.

    The history's last entry is the current version. None when the history cannot be read
    (its answer is still kept with the capture's exchanges).
    """
    response = context.get(f"https://{host}/api/v1/statuses/{status_id}/history")
    if http_failure("api", response, _STATUSES) is not None:
        return None
    try:
        versions = response.json()
    except ParseError:
        return None
    if not isinstance(versions, list):
        return None
    return [_text(v) or "" for v in versions[:-1] if isinstance(v, dict)]


def _text(status: dict[str, Any]) -> str | None:
    """The status's HTML content as text, its content warning first."""
    doc = parse_html(str(status.get("content") or ""))
    paragraphs = (list(doc.iter("p")) or [doc]) if doc is not None else []
    body = "\n".join(" ".join(p.text_content().split()) for p in paragraphs)
    warning = status.get("spoiler_text")
    return "\n\n".join(t for t in (warning, body) if t) or None


def _attachment(attachment: dict[str, Any]) -> MediaItem:
    original = (attachment.get("meta") or {}).get("original") or {}
    return MediaItem(
        attachment["url"],
        _TYPES.get(str(attachment.get("type")), "photo"),
        original.get("width"),
        original.get("height"),
        attachment.get("description") or None,
        poster=attachment.get("preview_url") if attachment.get("type") != "image" else None,
    )
