"""What `archive` is asked to read: files, folders, URLs and list files, expanded in order."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from ..errors import SourceError
from ..extract.recognisers import recognise_url


class SourceKind(StrEnum):
    URL = "url"  # an article to fetch
    POST = "post"  # a post's own URL, in any of its forms: captured directly
    FILE = "file"


@dataclass(frozen=True)
class Source:
    location: str
    kind: SourceKind

    @property
    def key(self) -> str:
        """How the article is known in the archive: its URL, or its file's absolute URI."""
        if self.kind is not SourceKind.FILE:
            return self.location
        return Path(self.location).resolve().as_uri()


def article_key(text: str) -> str:
    """The key an article given as a URL or a file path is archived under."""
    return Source(text, SourceKind.URL if is_url(text) else SourceKind.FILE).key


def is_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))


def read_list_file(path: str) -> list[str]:
    """One source per line; blank lines and `#` comments are skipped."""
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"cannot read list file {path}: {exc}", path) from exc
    return [s for line in lines if (s := line.split("#", 1)[0].strip())]


def expand(locations: Iterable[str]) -> list[Source]:
    """URLs as they are; folders walked recursively in name order, hidden entries skipped.

    A path that does not exist is kept, so the run records its failure with the rest.
    """
    sources: list[Source] = []
    for location in locations:
        if is_url(location):
            # A URL given on its own is read as a post where its path says so, on any host
            # (Mastodon runs on thousands); links inside articles get no such benefit.
            kind = SourceKind.POST if recognise_url(location, any_host=True) else SourceKind.URL
            sources.append(Source(location, kind))
        elif os.path.isdir(location):
            sources.extend(Source(str(path), SourceKind.FILE) for path in _walk(Path(location)))
        else:
            sources.append(Source(location, SourceKind.FILE))
    return list(dict.fromkeys(sources))


def _walk(folder: Path) -> list[Path]:
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(Path(root) / name for name in sorted(files) if not name.startswith("."))
    return found


def read_file(path: str, max_bytes: int) -> bytes:
    """A source file's bytes, refusing what is missing, unreadable or over the size limit."""
    try:
        size = os.path.getsize(path)
        if not os.path.isfile(path):
            raise SourceError(f"{path}: not a regular file", path)
        if size > max_bytes:
            raise SourceError(f"{path}: {size} bytes is over the {max_bytes}-byte limit", path)
        with open(path, "rb") as handle:
            return handle.read(max_bytes + 1)
    except FileNotFoundError as exc:
        raise SourceError(f"{path}: no such file or folder", path) from exc
    except OSError as exc:
        raise SourceError(f"{path}: cannot read: {exc.strerror}", path) from exc


__all__ = ["Source", "SourceKind", "expand", "read_file", "read_list_file"]
