"""`archiver reuse`: for each image asked about, the archive's images that are the same picture."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from ..errors import ArchiverError
from ..jobs.sources import read_file
from ..store.db import Store
from .fingerprint import HASH_VERSION, fingerprint
from .reuse import Match, ReuseIndex


@dataclass
class ReuseAnswer:
    """One queried image: its digest, its matches with where each was seen, or what went wrong."""

    path: str
    sha256: str | None = None
    matches: list[tuple[Match, list[dict[str, Any]]]] = field(default_factory=list)
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "query": {"path": self.path, "sha256": self.sha256},
            "matches": [
                {"sha256": m.sha256, "distance": m.distance, "method": m.method, "exact": m.exact,
                 "occurrences": seen}
                for m, seen in self.matches
            ],
        }  # fmt: skip
        if self.error:
            data["error"] = self.error
        return data


def find_reuse(
    store: Store, paths: list[str], thresholds: dict[str, int], max_bytes: int
) -> list[ReuseAnswer]:
    """Each image file against every stored image, in the order asked."""
    index = ReuseIndex.build(store.fingerprints(HASH_VERSION))
    answers = []
    for path in paths:
        answer = ReuseAnswer(path)
        try:
            image = fingerprint(read_file(path, max_bytes), path)
        except ArchiverError as exc:
            answer.error = str(exc)
        else:
            answer.sha256 = image.info.sha256
            answer.matches = [
                (m, _occurrences(store, m.sha256)) for m in index.query(image, thresholds)
            ]
        answers.append(answer)
    return answers


def _occurrences(store: Store, sha256: str) -> list[dict[str, Any]]:
    """Where a stored image was seen, each place in the shape `reuse --json` documents."""
    places = []
    for row in store.occurrences(sha256):
        if row["post_url"]:
            place: dict[str, Any] = {"post_url": row["post_url"], "platform": row["platform"]}
        elif row["article_source"] and row["article_kind"] == "url":
            place = {"article_url": row["article_source"], "platform": None}
        else:
            source = row["source_path"] or row["article_source"]
            place = {"source_path": _path(source), "platform": None}
        place["captured_at"] = row["captured_at"] or row["seen_at"]
        place["first_seen"] = row["seen_at"]
        places.append(place)
    return places


def _path(source: str | None) -> str | None:
    """A file article's key (a file:// URI) as the path it names."""
    if source and source.startswith("file://"):
        return unquote(source.removeprefix("file://"))
    return source
