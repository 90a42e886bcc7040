"""`report.html`: the bundle for a human reader, in one file with no scripts, fonts or links
out: each post's timeline, its images with their hashes and lineage, the changes, the notes.
Every archived string is escaped; images are shown from the bundle's own media/ folder."""

from __future__ import annotations

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
"""


def render(
    contents: Contents, files: dict[str, str], title: str, generated_at: str, operator: str
) -> str:
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
    ]
    for story in contents.posts:
        parts += _post(story.to_dict(), files)
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
