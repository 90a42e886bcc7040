"""Which slice of the archive an evidence bundle holds, and everything that slice rests on.

A selection names posts (any URL form), an article (and the posts it embedded), a run (what
it captured), a time window (posts captured in it) or everything. `gather` follows it to
every capture, exchange, change, note, image (with its reuse links and where it was seen)
and event the bundle must carry to stand on its own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ..errors import NotFound
from ..history import History, decoded_exchange, find_post, history_of
from ..jobs.sources import article_key
from ..store.db import Store
from ..trusted_time import CaptureProof, capture_proofs


@dataclass
class Selection:
    urls: list[str] = field(default_factory=list)
    article: str | None = None
    run: int | None = None
    since: date | None = None
    until: date | None = None
    every: bool = False

    def describe(self) -> str:
        parts = [f"posts {', '.join(self.urls)}"] if self.urls else []
        parts += [f"article {self.article}"] if self.article else []
        parts += [f"run {self.run}"] if self.run is not None else []
        if self.since or self.until:
            parts.append(f"captured from {self.since or 'the start'} to {self.until or 'now'}")
        parts += ["the whole archive"] if self.every else []
        return "; ".join(parts)

    def is_empty(self) -> bool:
        return not self.describe()


@dataclass
class Contents:
    """Everything a bundle carries, read from the store."""

    posts: list[History]
    articles: list[dict[str, Any]]
    exchanges: list[dict[str, Any]]  # every exchange behind a capture, an article or an image
    media: list[dict[str, Any]]  # image rows, each with "seen" (occurrences)
    reuse_links: list[dict[str, Any]]
    notes: list[dict[str, Any]]
    events: list[dict[str, Any]]
    head_hash: str
    proofs: list[CaptureProof] = field(default_factory=list)  # trusted time, per capture
    pages: list[dict[str, Any]] = field(default_factory=list)  # browser captures


def gather(store: Store, selection: Selection) -> Contents:
    posts, articles = _chosen(store, selection)
    stories = [history_of(store, _post_row(store, post)) for post in sorted(posts)]
    article_rows = store.articles_with_captures(sorted(articles))
    exchange_ids = {x["id"] for story in stories for c in story.captures for x in c["exchanges"]}
    exchange_ids |= {c["exchange"] for a in article_rows for c in a["captures"] if c["exchange"]}
    pages = [page for story in stories for c in story.captures for page in c["pages"]]
    pages += [
        {**page, "exchanges": json.loads(page["exchanges"] or "[]")}
        for page in store.browser_captures_of(
            "article_capture", [c["id"] for a in article_rows for c in a["captures"]]
        )
    ]
    exchange_ids |= {x for page in pages for x in page["exchanges"]}
    shas = sorted(
        {m["sha256"] for story in stories for c in story.captures for m in c["media"]
         if m.get("sha256")}
        | {o for a in article_rows for o in _article_media(store, a["id"])}
        | {p["screenshot_sha256"] for p in pages if p["screenshot_sha256"]}
    )  # fmt: skip
    media = store.media_rows(shas)
    for row in media:
        row["seen"] = store.occurrences(row["sha256"])
    exchanges = {x["id"]: x for x in store.exchanges_by_ids(sorted(exchange_ids))}
    exchanges |= {x["id"]: x for x in store.exchanges_with_bodies(shas)}
    article_notes = store.notes_on([f"article:{a['id']}" for a in article_rows])
    notes = {n["id"]: n for story in stories for n in story.notes} | {
        n["id"]: n for n in article_notes
    }
    subjects = _subjects(pages, stories, article_rows, exchanges, shas, notes)
    return Contents(
        posts=stories,
        articles=article_rows,
        exchanges=[decoded_exchange(exchanges[key]) for key in sorted(exchanges)],
        media=media,
        reuse_links=store.reuse_links_of(shas),
        notes=[notes[key] for key in sorted(notes)],
        events=store.custody_slice(subjects),
        head_hash=store.head_hash(),
        proofs=list(capture_proofs(store, {c["id"] for s in stories for c in s.captures}).values()),
        pages=pages,
    )


def _chosen(store: Store, selection: Selection) -> tuple[set[int], set[int]]:
    posts: set[int] = set()
    articles: set[int] = set()
    for url in selection.urls:
        posts.add(find_post(store, url)["id"])
    if selection.article:
        article = store.article_by_source(article_key(selection.article))
        if article is None:
            message = f"{selection.article}: no such article in the archive"
            raise NotFound(message, selection.article)
        articles.add(article["id"])
        posts.update(store.posts_of_article(article["id"]))
    if selection.run is not None:
        if store.row("runs", "id", selection.run) is None:
            raise NotFound(f"run {selection.run}: no such run", str(selection.run))
        posts.update(store.post_ids("c.run = ?", [selection.run]))
        articles.update(store.article_ids_in_run(selection.run))
    if selection.since or selection.until:
        since = (selection.since or date.min).isoformat()
        until = ((selection.until or date.max - timedelta(days=1)) + timedelta(days=1)).isoformat()
        posts.update(store.post_ids("c.captured_at >= ? AND c.captured_at < ?", [since, until]))
    if selection.every:
        posts.update(store.post_ids())
        articles.update(store.keys("articles", "id"))  # type: ignore[arg-type]
    return posts, articles


def _post_row(store: Store, post: int) -> dict[str, Any]:
    row = store.row("posts", "id", post)
    assert row is not None, f"post {post} was selected from the store"
    return row


def _article_media(store: Store, article: int) -> list[str]:
    return store.media_of_article(article)


def _subjects(
    pages: list[dict[str, Any]],
    stories: list[History],
    articles: list[dict[str, Any]],
    exchanges: dict[int, dict[str, Any]],
    shas: list[str],
    notes: dict[int, dict[str, Any]],
) -> set[str]:
    subjects = {f"post:{s.post['id']}" for s in stories}
    subjects |= {f"post_capture:{c['id']}" for s in stories for c in s.captures}
    subjects |= {f"article:{a['id']}" for a in articles}
    subjects |= {f"article_capture:{c['id']}" for a in articles for c in a["captures"]}
    subjects |= {f"http_exchange:{key}" for key in exchanges}
    subjects |= {f"media:{sha}" for sha in shas}
    subjects |= {note["target"] for note in notes.values()}
    subjects |= {f"browser_capture:{page['id']}" for page in pages}
    runs = {c["run"] for s in stories for c in s.captures}
    runs |= {c["run"] for a in articles for c in a["captures"]}
    return subjects | {f"run:{run}" for run in runs}
