"""`report.html`: the bundle for a human reader, in one file with no scripts, fonts or links
out. Every archived string is escaped; images are shown from the bundle's own media/ folder.

Each post gets a section with what evidence guidelines ask as the minimum for each capture:
the URL as given and the canonical URL, the capture time in UTC, the raw source as stored
(with its sha256), the media with their hashes, the method and environment (tool version,
user agent, endpoint, where the host map sent the request, remote IP, operator), every
transformation the tool made with its input and output hashes, the custody events, and a
plain statement of what the bundle proves and what it does not."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from .selection import Contents

_STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:70em;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;margin:.5em 0}
td,th{border:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f3f3f3}code{font-size:.85em;word-break:break-all}
.ok{color:#161}.gone{color:#a11;font-weight:bold}img{max-width:12em;max-height:12em}
h3{font-size:1.05em;margin-top:1.5em}pre{white-space:pre-wrap;font-size:.8em;background:#f8f8f8}
.statement{background:#fffbe6;border:1px solid #e6d98c;padding:.5em 1em}
img.page{max-width:32em;max-height:40em;border:1px solid #ccc;margin:.3em}
"""
_RAW_LIMIT = 100_000  # characters of raw source shown; the whole body is in the WARC

STATEMENT = (
    "What this bundle proves: that the archive operator's tool received these bytes from "
    "these addresses at these times (as recorded by the tool and sealed by its event chain "
    "and signature; with a timestamp token, that the bundle existed no later than the "
    "token's time), and that nothing in the bundle changed since it was made. What it does "
    "not prove: that the post's content is true, that its author is who the platform names, "
    "that the platform served the same content to everyone, or that the recorded times are "
    "right beyond the timestamp authority's and the operator's word."
)
BlobReader = Callable[[str], bytes]


def render(
    contents: Contents, files: dict[str, str], title: str, generated_at: str, operator: str,
    read_blob: BlobReader,
) -> str:  # fmt: skip
    """The page; `files` names each image's file in the bundle, by sha256."""
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f"<p>Generated {escape(generated_at)} by {escape(operator)}. Event chain head: "
        f"<code>{escape(contents.head_hash)}</code>. {len(contents.posts)} posts, "
        f"{len(contents.articles)} articles, {len(contents.media)} images, "
        f"{len(contents.exchanges)} HTTP exchanges.</p>",
        f'<p class="statement">{escape(STATEMENT)}</p>',
    ]
    for story in contents.posts:
        parts += _post(story.to_dict(), files)
        parts += _evidence(story.to_dict(), contents, files, read_blob)
    if contents.articles:
        parts.append("<h2>Articles</h2><table><tr><th>source</th><th>title</th>"
                     "<th>captures</th></tr>")  # fmt: skip
        for article in contents.articles:
            captures = ", ".join(f"{c['captured_at']} {c['status']}" for c in article["captures"])
            parts.append(
                f"<tr><td>{escape(article['source'])}</td><td>{escape(article['title'] or '')}"
                f"</td><td>{escape(captures)}</td></tr>"
            )
        parts.append("</table>")
    parts += _media(contents.media)
    parts.append("</body></html>")
    return "\n".join(parts)


def _post(story: dict[str, Any], files: dict[str, str]) -> list[str]:
    post = story["post"]
    head = f"{post['platform']} post {post['post_id'] or post['identity_key']}"
    parts = [
        f"<h2>{escape(head)}</h2>",
        f"<p>{escape(post['url'] or '')} by {escape(post['author_name'] or '')} "
        f"@{escape(post['author_handle'] or '')}; first seen {escape(post['first_seen'])}</p>",
    ]
    if story["vanished_at"]:
        parts.append(f'<p class="gone">Vanished {escape(story["vanished_at"])}</p>')
    parts.append("<table><tr><th>captured</th><th>status</th><th>method</th><th>text</th>"
                 "<th>images</th></tr>")  # fmt: skip
    for capture in story["captures"]:
        status = capture["status"] + (f" ({capture['reason']})" if capture["reason"] else "")
        css = "ok" if capture["status"] == "ok" else "gone"
        images = "".join(
            f'<div><img src="{escape(files[m["sha256"]])}" alt=""><br>'
            f"<code>{escape(m['sha256'])}</code></div>"
            for m in capture["media"]
            if m.get("sha256") in files
        )
        parts.append(
            f"<tr><td>{escape(capture['captured_at'])}</td>"
            f'<td class="{css}">{escape(status)}</td><td>{escape(capture["method"] or "")}</td>'
            f"<td>{escape(capture['text'] or '')}</td><td>{images}</td></tr>"
        )
    parts.append("</table>")
    if story["changes"]:
        parts.append("<table><tr><th>found</th><th>change</th><th>detail</th></tr>")
        for change in story["changes"]:
            parts.append(
                f"<tr><td>{escape(change['found_at'])}</td><td>{escape(change['kind'])}</td>"
                f"<td>{escape(str(change['detail']))}</td></tr>"
            )
        parts.append("</table>")
    for sha, lineage in story["media"].items():
        for match in lineage["matches"]:
            seen = match["first_seen"] or {}
            where = seen.get("post_url") or seen.get("article_url") or seen.get("source_path")
            parts.append(
                f"<p>Image <code>{escape(sha[:16])}</code>: {escape(match['relation'])} copy "
                f"<code>{escape(match['sha256'][:16])}</code> ({escape(match['method'])}, "
                f"distance {match['distance']}), first seen {escape(str(seen.get('at')))} at "
                f"{escape(str(where))}</p>"
            )
    if story["notes"]:
        parts.append("<ul>")
        for note in story["notes"]:
            old = " (superseded)" if note["superseded_by"] else ""
            parts.append(
                f"<li>{escape(note['created_at'])} {escape(note['author'] or '')} on "
                f"{escape(note['target'])}: {escape(note['text'])}{old}</li>"
            )
        parts.append("</ul>")
    return parts


def _evidence(
    story: dict[str, Any], contents: Contents, files: dict[str, str], read_blob: BlobReader
) -> list[str]:
    """Per capture: the minimum a court asks for, then the custody events about the post."""
    parts = []
    exchanges = {x["id"]: x for x in contents.exchanges}
    media = {m["sha256"]: m for m in contents.media}
    for capture in story["captures"]:
        main = exchanges.get(capture["exchange"]) or {}
        rows = [
            ("captured (UTC)", capture["captured_at"]),
            ("URL as given", capture["url"]),
            ("canonical URL", capture["canonical_url"]),
            ("status", f"{capture['status']} {capture['reason'] or ''}".strip()),
            ("method", capture["method"]),
            ("endpoint", f"GET {main.get('url')} -> {main.get('status')}" if main else "none"),
            ("final URL", main.get("final_url")),
            ("sent to (host map)", main.get("sent_to") or "the host itself"),
            ("remote IP", main.get("remote_ip")),
            ("user agent", main.get("user_agent")),
            ("tool version", main.get("tool_version")),
            ("operator", main.get("operator")),
            ("raw source sha256", main.get("body_sha256")),
        ]
        parts.append(f"<h3>Capture #{capture['id']}, {escape(capture['captured_at'])}</h3>")
        parts.append("<table>")
        parts += [
            f"<tr><th>{escape(name)}</th><td>{escape(str(value or ''))}</td></tr>"
            for name, value in rows
        ]
        parts.append("</table>")
        parts += _transformations(capture, main, media)
        for page in capture.get("pages", []):
            parts += _page(page, files)
        if main.get("body_sha256"):
            raw = read_blob(main["body_sha256"]).decode("utf-8", errors="replace")
            cut = " (cut here; the whole body is in the WARC)" if len(raw) > _RAW_LIMIT else ""
            parts.append(
                f"<details><summary>Raw source as stored ({len(raw)} characters){cut}</summary>"
                f"<pre>{escape(raw[:_RAW_LIMIT])}</pre></details>"
            )
    subjects = {f"post:{story['post']['id']}"} | {
        f"post_capture:{c['id']}" for c in story["captures"]
    }
    events = [e for e in contents.events if e.get("subject") in subjects]
    if events:
        parts.append("<h3>Custody events</h3><table><tr><th>#</th><th>time</th><th>event</th>"
                     "<th>hash</th></tr>")  # fmt: skip
        parts += [
            f"<tr><td>{e['id']}</td><td>{escape(e['ts'])}</td><td>{escape(e['kind'])} "
            f"{escape(e['subject'])}</td><td><code>{escape(e['hash'])}</code></td></tr>"
            for e in events
        ]
        parts.append("</table>")
    parts.append(f'<p class="statement">{escape(STATEMENT)}</p>')
    return parts


def _page(page: dict[str, Any], files: dict[str, str]) -> list[str]:
    """A browser capture: the screenshot as taken, and the annotated copy made from it."""
    if page["status"] != "ok":
        why = escape(page["error"] or "")
        return [f"<p>Browser capture of {escape(page['url'])} failed: {why}</p>"]
    parts = [
        f"<p>Rendered in Chromium: {escape(page['url'])}, {escape(page['started_at'])} UTC "
        f"(screenshot sha256 <code>{escape(page['screenshot_sha256'])}</code>; annotated copy "
        f"sha256 <code>{escape(page['annotated_sha256'] or '')}</code>)</p>"
    ]
    for sha256 in (page["screenshot_sha256"], page["annotated_sha256"]):
        if sha256 in files:
            parts.append(f'<img class="page" src="{escape(files[sha256])}" alt="">')
    return parts


def _transformations(
    capture: dict[str, Any], main: dict[str, Any], media: dict[str, dict[str, Any]]
) -> list[str]:
    """What the tool did to what it received, each step with its input and output hashes."""
    steps = []
    if main.get("body_sha256"):
        encoding = next(
            (v for k, v in main.get("headers", []) if k.lower() == "content-encoding"), None
        )
        if encoding:
            steps.append(
                f"body decoded from Content-Encoding {encoding}; stored decoded as sha256 "
                f"{main['body_sha256']} (the WARC record says so and carries the same bytes)"
            )
        steps.append(
            f"{capture['method']} answer (sha256 {main['body_sha256']}) read into the capture "
            "fields above (text, author, time, media list); the answer itself is kept unchanged"
        )
    for item in capture["media"]:
        row = media.get(item.get("sha256") or "")
        if row:
            steps.append(
                f"image {item.get('url')} downloaded as sha256 {row['sha256']}; decoded once and "
                f"fingerprinted (PDQ {row['pdq']}, pHash {row['phash']}, pipeline version "
                f"{row['hash_version']}); the file itself is kept unchanged"
            )
        elif item.get("not_downloaded"):
            steps.append(f"media {item.get('url')} not kept: {item['not_downloaded']}")
    if not steps:
        return []
    return ["<p>Transformations:</p><ol>", *(f"<li>{escape(s)}</li>" for s in steps), "</ol>"]


def _media(media: list[dict[str, Any]]) -> list[str]:
    if not media:
        return []
    parts = ["<h2>Images</h2><table><tr><th>sha256</th><th>size</th><th>PDQ</th>"
             "<th>pHash</th><th>seen</th></tr>"]  # fmt: skip
    for row in media:
        seen = "; ".join(
            f"{o['seen_at']} {o['post_url'] or o['article_source'] or o['source_path']}"
            for o in row["seen"]
        )
        parts.append(
            f"<tr><td><code>{escape(row['sha256'])}</code></td>"
            f"<td>{row['width']}x{row['height']} {escape(row['format'] or '')}</td>"
            f"<td><code>{escape(row['pdq'] or '')}</code></td>"
            f"<td><code>{escape(row['phash'] or '')}</code></td><td>{escape(seen)}</td></tr>"
        )
    parts.append("</table>")
    return parts
