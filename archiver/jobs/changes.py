"""What changed between two captures of one post: edits, media, deletions, returns, renames.

Changes are found once, when a capture is stored, and kept as rows; nothing recomputes them
on read. A failed fetch is not a change: only what the platform itself answered counts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np

from ..media.reuse import pack
from ..models import CaptureStatus, PlatformCapture

# Statuses that say something about the post (a failure or an unreadable answer does not).
_TELLING = {
    CaptureStatus.OK,
    CaptureStatus.DELETED,
    CaptureStatus.PROTECTED,
    CaptureStatus.WITHHELD,
    CaptureStatus.UNAVAILABLE,
}
_SAME_PICTURE = 44  # PDQ bits: a re-encoded copy of the same image is a change, not a new image


class ChangeKind(StrEnum):
    TEXT_EDITED = "text_edited"
    MEDIA_ADDED = "media_added"
    MEDIA_REMOVED = "media_removed"
    MEDIA_CHANGED = "media_changed"  # the same picture in other bytes
    STATUS_CHANGED = "status_changed"  # became deleted, protected, withheld or unavailable
    CAME_BACK = "came_back"
    AUTHOR_RENAMED = "author_renamed"
    SUPERSEDED = "superseded"  # X: this version was edited; the newer one has its own id


@dataclass
class Change:
    kind: ChangeKind
    detail: dict[str, Any] = field(default_factory=dict)


def compare(
    previous: dict[str, Any], current: PlatformCapture, pdqs: dict[str, str]
) -> list[Change]:
    """Changes from a stored capture row to a new capture. `pdqs` maps media sha256 to PDQ."""
    before = CaptureStatus(previous["status"])
    after = current.status
    if before not in _TELLING or after not in _TELLING:
        return []
    if before != after:
        kind = ChangeKind.CAME_BACK if after is CaptureStatus.OK else ChangeKind.STATUS_CHANGED
        return [Change(kind, {"from": str(before), "to": str(after), "reason": current.reason})]
    if after is not CaptureStatus.OK or previous["kind"] != current.kind:
        return []  # two answers of the same state, or platform and article markup: no diff
    changes = []
    if (
        current.text is not None
        and previous["text"] is not None
        and current.text != previous["text"]
    ):
        changes.append(
            Change(ChangeKind.TEXT_EDITED, {"from": previous["text"], "to": current.text})
        )
    for name in ("author_name", "author_handle"):
        old, new = previous[name], getattr(current, name)
        if old and new and old != new:
            changes.append(
                Change(ChangeKind.AUTHOR_RENAMED, {"field": name, "from": old, "to": new})
            )
    changes += _media_changes(
        [m["sha256"] for m in json.loads(previous["media"] or "[]") if m.get("sha256")],
        [m.sha256 for m in current.media if m.sha256],
        pdqs,
    )
    newer = newer_version(current)
    if newer:
        changes.append(Change(ChangeKind.SUPERSEDED, {"newer_post_id": newer}))
    return changes


def newer_version(current: PlatformCapture) -> str | None:
    """X names every version of an edited post, the current one last; None when this is it."""
    versions = current.counts.get("edit_tweet_ids")
    if isinstance(versions, list) and versions and versions[-1] != current.post_id:
        return str(versions[-1])
    return None


def _media_changes(before: list[str], after: list[str], pdqs: dict[str, str]) -> list[Change]:
    removed = [sha for sha in before if sha not in after]
    added = [sha for sha in after if sha not in before]
    changes = []
    for old in list(removed):
        twin = next((new for new in added if _same_picture(old, new, pdqs)), None)
        if twin:
            changes.append(Change(ChangeKind.MEDIA_CHANGED, {"from": old, "to": twin}))
            removed.remove(old)
            added.remove(twin)
    changes += [Change(ChangeKind.MEDIA_REMOVED, {"sha256": sha}) for sha in removed]
    changes += [Change(ChangeKind.MEDIA_ADDED, {"sha256": sha}) for sha in added]
    return changes


def _same_picture(old: str, new: str, pdqs: dict[str, str]) -> bool:
    if old not in pdqs or new not in pdqs:
        return False
    return int(np.bitwise_count(pack(pdqs[old]) ^ pack(pdqs[new])).sum()) <= _SAME_PICTURE
