"""`archiver history URL`: a post's whole story, from the database alone.

Any URL form of the post finds it (x.com or twitter.com, mobile, tracking parameters,
/photo/1, a pic.twitter.com link once resolved, t.me/s/..., youtu.be, /reel/...): the URL is
read by the same recognisers extraction uses and looked up by the post's identity key or any
key it had before it was resolved.

The story: the post's identity; every capture in time order with status, text, media (each
image's sha256 and where the same picture, or a near copy, was seen first), the HTTP
exchanges behind it; the changes between captures; when it vanished; the articles that
embedded it; the notes on it, its captures and its images. Printed as text, JSON, an RFC 7089
Memento TimeMap, or CDXJ lines.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from email.utils import format_datetime
from typing import Any

import surt

from .errors import NotFound
from .extract.recognisers import recognise_url
from .models import Embed
from .store.db import Store

_GONE = {"deleted", "protected", "unavailable", "withheld"}
DEFAULT_MEMENTO_BASE = "urn:archiver:capture:"


@dataclass
class History:
    post: dict[str, Any]
    aliases: list[str]
    captures: list[dict[str, Any]]
    changes: list[dict[str, Any]]
    articles: list[dict[str, Any]]
    notes: list[dict[str, Any]]
    vanished_at: str | None = None
    came_back_at: str | None = None
    media: dict[str, dict[str, Any]] = field(default_factory=dict)  # sha256 -> lineage

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def find_post(store: Store, url: str) -> dict[str, Any]:
    """The post any URL form points at; `NotFound` when the archive does not hold it."""
    url = url.strip()
    ref = recognise_url(url, any_host=True)
    if ref is not None:
        key = Embed(ref.platform, ref.post_id, ref.url, "lookup", ref.author_handle).identity_key
        post = store.post_by_key(key)
        if post is not None:
            return post
    post = store.post_by_url(url)
    if post is None:
        raise NotFound(f"{url}: no such post in the archive", url)
    return post


def history(store: Store, url: str) -> History:
    return history_of(store, find_post(store, url))


def history_of(store: Store, post: dict[str, Any]) -> History:
    """The story of a post row (posts without any URL included)."""
    rows = store.post_history(post["id"])
    exchanges: dict[int, list[dict[str, Any]]] = {}
    for row in rows["exchanges"]:
        capture = row.pop("capture")
        exchanges.setdefault(capture, []).append(decoded_exchange(row))
    pages: dict[int, list[dict[str, Any]]] = {}
    capture_ids = [row["id"] for row in rows["captures"]]
    for page in store.browser_captures_of("post_capture", capture_ids):
        page["exchanges"] = json.loads(page["exchanges"] or "[]")
        pages.setdefault(page["post_capture"], []).append(page)
    captures = []
    for row in rows["captures"]:
        capture = dict(row)
        for name in ("media", "counts", "attempts"):
            capture[name] = json.loads(capture[name] or ("{}" if name == "counts" else "[]"))
        capture["exchanges"] = exchanges.get(row["id"], [])
        capture["pages"] = pages.get(row["id"], [])
        captures.append(capture)
    shas = sorted({m["sha256"] for c in captures for m in c["media"] if m.get("sha256")})
    targets = [f"post:{post['id']}", *(f"capture:{c['id']}" for c in captures)]
    targets += [f"media:{sha}" for sha in shas]
    result = History(
        post=post,
        aliases=[a["alias_key"] for a in rows["aliases"]],
        captures=captures,
        changes=[{**c, "detail": json.loads(c["detail"] or "{}")} for c in rows["changes"]],
        articles=rows["articles"],
        notes=store.notes_on(targets),
        media=_lineage(store, shas),
    )
    result.vanished_at, result.came_back_at = _vanishing(captures)
    return result


def decoded_exchange(row: dict[str, Any]) -> dict[str, Any]:
    """An `http_exchanges` row with its headers and redirect hops read back from JSON."""
    return {
        **row,
        "headers": json.loads(row["headers"] or "[]"),
        "redirects": json.loads(row["redirects"] or "[]"),
    }


def _lineage(store: Store, shas: list[str]) -> dict[str, dict[str, Any]]:
    """Per image: where it was first seen, and every near copy with where that was first seen."""
    links = store.reuse_links_of(shas)
    lineage = {}
    for sha in shas:
        related = [
            {"sha256": link["earlier"] if link["media"] == sha else link["media"],
             "relation": "earlier" if link["media"] == sha else "later",
             "method": link["method"], "distance": link["distance"]}
            for link in links
            if sha in (link["media"], link["earlier"])
        ]  # fmt: skip
        for item in related:
            item["first_seen"] = _first_seen(store, item["sha256"])
        lineage[sha] = {"first_seen": _first_seen(store, sha), "matches": related}
    return lineage


def _first_seen(store: Store, sha256: str) -> dict[str, Any] | None:
    seen = store.occurrences(sha256)
    if not seen:
        return None
    first = min(seen, key=lambda o: o["seen_at"] or "")
    return {
        "at": first["seen_at"],
        "post_url": first["post_url"],
        "article_url": first["article_source"],
        "source_path": first["source_path"],
        "platform": first["platform"],
    }


def _vanishing(captures: list[dict[str, Any]]) -> tuple[str | None, str | None]:
    """When the post was first seen gone after being there, and when it came back, if it did."""
    vanished = came_back = None
    seen_ok = False
    for capture in captures:
        if capture["status"] == "ok":
            if vanished and not came_back:
                came_back = capture["captured_at"]
            seen_ok = True
        elif capture["status"] in _GONE and seen_ok and (vanished is None or came_back):
            vanished, came_back = capture["captured_at"], None
    return vanished, came_back


# Output formats ---------------------------------------------------------------------------


def as_text(story: History) -> str:
    post = story.post
    lines = [
        f"{post['platform']} post {post['post_id'] or post['identity_key']}",
        f"  url: {post['url']}",
        f"  author: {post['author_name'] or ''} @{post['author_handle'] or ''}".rstrip(" @"),
        f"  first seen: {post['first_seen']}",
    ]
    if story.aliases:
        lines.append(f"  also known as: {', '.join(story.aliases)}")
    if story.vanished_at:
        back = f", back {story.came_back_at}" if story.came_back_at else ""
        lines.append(f"  vanished: {story.vanished_at}{back}")
    lines.append(f"Captures ({len(story.captures)}):")
    for capture in story.captures:
        why = f" ({capture['reason']})" if capture["reason"] else ""
        lines.append(
            f"  #{capture['id']} {capture['captured_at']} {capture['status']}{why}"
            f" via {capture['method']}"
        )
        if capture["text"]:
            lines.append(f"      text: {capture['text']}")
        for item in capture["media"]:
            if item.get("sha256"):
                lines.append(f"      {item.get('type', 'media')}: {item['sha256']}")
                for match in story.media.get(item["sha256"], {}).get("matches", []):
                    where = _place(match["first_seen"])
                    lines.append(
                        f"        {match['relation']} copy {match['sha256'][:16]}"
                        f" ({match['method']} d={match['distance']}){where}"
                    )
        for exchange in capture["exchanges"]:
            lines.append(
                f"      GET {exchange['url']} -> {exchange['status'] or exchange['error_reason']}"
            )
        for page in capture["pages"]:
            shown = page["screenshot_sha256"] or page["error"]
            lines.append(f"      page {page['url']} rendered: {page['status']} {shown}")
    if story.changes:
        lines.append(f"Changes ({len(story.changes)}):")
        lines += [
            f"  {c['found_at']} {c['kind']}: capture #{c['from_capture']} -> #{c['to_capture']}"
            for c in story.changes
        ]
    lines.append(f"Embedded in ({len(story.articles)}):")
    lines += [f"  {a['source']} (first {a['first_seen']})" for a in story.articles]
    if story.notes:
        lines.append(f"Notes ({len(story.notes)}):")
        lines += [f"  {describe_note(note)}" for note in story.notes]
    return "\n".join(lines)


def describe_note(note: dict[str, Any], on_target: bool = True) -> str:
    """One note as a line for people: number, time, author, (target,) text, and whether a
    later note superseded it."""
    old = f" [superseded by #{note['superseded_by']}]" if note["superseded_by"] else ""
    target = f" on {note['target']}" if on_target else ""
    return f"#{note['id']} {note['created_at']} {note['author']}{target}: {note['text']}{old}"


def _place(first_seen: dict[str, Any] | None) -> str:
    if not first_seen:
        return ""
    where = first_seen["post_url"] or first_seen["article_url"] or first_seen["source_path"]
    return f", first seen {first_seen['at']} at {where}"


def as_timemap(story: History, memento_base: str = DEFAULT_MEMENTO_BASE) -> str:
    """RFC 7089 TimeMap (application/link-format): the post and a memento per stored capture.

    With the default base a memento is `urn:archiver:capture:ID`; with a replay base such as
    `https://replay.example/archive`, it is `BASE/TIMESTAMP/ORIGINAL` as Wayback-style
    replay (pywb, ReplayWeb.page on an exported WACZ) expects.
    """
    original = story.post["url"] or story.post["identity_key"]
    kept = [c for c in story.captures if c["exchange"] is not None]
    links = [f'<{original}>; rel="original"']
    self_link = f'<urn:archiver:timemap:{story.post["identity_key"]}>; rel="self"'
    self_link += '; type="application/link-format"'
    if kept:
        self_link += f'; from="{_http_date(kept[0]["captured_at"])}"'
        self_link += f'; until="{_http_date(kept[-1]["captured_at"])}"'
    links.append(self_link)
    for index, capture in enumerate(kept):
        rel = ["first"] if index == 0 else []
        rel += ["last"] if index == len(kept) - 1 else []
        rel.append("memento")
        links.append(
            f'<{_memento_uri(capture, original, memento_base)}>; rel="{" ".join(rel)}"'
            f'; datetime="{_http_date(capture["captured_at"])}"'
        )
    return ",\n".join(links) + "\n"


def _memento_uri(capture: dict[str, Any], original: str, base: str) -> str:
    if base.startswith("urn:"):
        return f"{base}{capture['id']}"
    return f"{base.rstrip('/')}/{_timestamp(capture['captured_at'])}/{original}"


def as_cdxj(story: History) -> str:
    """One CDXJ line per capture that has an exchange: SURT, 14-digit time, then JSON."""
    lines = []
    for capture in story.captures:
        exchanges = {e["id"]: e for e in capture["exchanges"]}
        main = exchanges.get(capture["exchange"])
        if main is None:
            continue
        url = main["final_url"] or main["url"]
        record = {
            "url": url,
            "status": str(main["status"]) if main["status"] is not None else "-",
            "mime": _content_type(main["headers"]),
            "digest": f"sha256:{main['body_sha256']}" if main["body_sha256"] else "-",
            "length": str(main["bytes"] or 0),
            "capture": capture["id"],
            "capture_status": capture["status"],
            "post": story.post["url"],
        }
        try:
            key = surt.surt(url)
        except ValueError:
            key = url  # a URL SURT cannot read is still listed, under itself
        lines.append(f"{key} {_timestamp(capture['captured_at'])} {json.dumps(record)}")
    return "".join(line + "\n" for line in sorted(lines))


def _content_type(headers: list[list[str]]) -> str:
    value = next((v for k, v in headers if k.lower() == "content-type"), "")
    return value.split(";")[0].strip() or "unk"


def _timestamp(iso: str) -> str:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).strftime("%Y%m%d%H%M%S")


def _http_date(iso: str) -> str:
    return format_datetime(datetime.fromisoformat(iso.replace("Z", "+00:00")), usegmt=True)
