"""Provenance notes: what colleagues know about a post, a capture, an article or an image.

Notes are append-only. A correction is a new note that supersedes an earlier one; both stay,
and both are in the event chain. A note's target is stored in one canonical form:

    post:ID          any URL form of a post the archive holds (or post:ID itself)
    capture:ID       a post capture, given as its number or as capture:ID
    article:ID       an article, by the source it was archived from (URL or path)
    media:SHA256     an image or other blob, by its sha256
"""

from __future__ import annotations

import re
from typing import Any

from .errors import NotFound, SourceError
from .history import find_post
from .jobs.sources import article_key
from .store.db import Store

_SHA256 = re.compile(r"^(?:media:|sha256:)?([0-9a-f]{64})$")
_CAPTURE = re.compile(r"^(?:capture:)?(\d+)$")
_POST = re.compile(r"^post:(\d+)$")


def resolve_target(store: Store, target: str) -> str:
    """The canonical form of a note's target; `NotFound` when the archive does not hold it."""
    target = target.strip()
    if match := _SHA256.match(target.lower()):
        sha256 = match.group(1)
        if not store.row("blobs", "sha256", sha256):
            raise NotFound(f"{target}: no such image or blob in the archive", target)
        return f"media:{sha256}"
    if match := _POST.match(target):
        if store.row("posts", "id", int(match.group(1))) is None:
            raise NotFound(f"{target}: no such post in the archive", target)
        return target
    if match := _CAPTURE.match(target):
        if store.capture_by_id(int(match.group(1))) is None:
            raise NotFound(f"{target}: no such capture in the archive", target)
        return f"capture:{match.group(1)}"
    if article := store.article_by_source(article_key(target)):
        return f"article:{article['id']}"
    return f"post:{find_post(store, target)['id']}"


def add_note(
    store: Store, target: str, text: str, author: str, supersedes: int | None = None
) -> dict[str, Any]:
    if not text.strip():
        raise SourceError("a note needs some text", target)
    canonical = resolve_target(store, target)
    if supersedes is not None and store.row("notes", "id", supersedes) is None:
        raise NotFound(f"note {supersedes}: no such note to supersede", str(supersedes))
    note = store.add_note(canonical, text, author, supersedes)
    return store.notes_on([canonical])[-1] if note else {}


def notes_on(store: Store, target: str) -> list[dict[str, Any]]:
    return store.notes_on([resolve_target(store, target)])
