"""Find the posts and credited images in an article, whatever form the article is in.

`extract_document` takes the bytes of a page (HTML, AMP or plain text) and returns an
`Extraction`: embeds in document order, one per post, and credit lines.
"""

from __future__ import annotations

import re

from ..models import Embed, Extraction
from .credits import find_credits
from .html import (
    credits_in,
    decode_html,
    find_embeds,
    flattened_in,
    parse_html,
    scan,
    text_blocks,
    title_of,
)
from .text import find_flattened

_LOOKS_LIKE_HTML = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|div|p|article|section"
    rb"|blockquote|figure|iframe|script|span|a|h[1-6]|amp-|lite-)",
    re.IGNORECASE | re.DOTALL,
)


def looks_like_html(data: bytes, content_type: str | None = None) -> bool:
    if content_type:
        return content_type in ("text/html", "application/xhtml+xml")
    head = data[:2048].lstrip(b"\xef\xbb\xbf")
    return bool(_LOOKS_LIKE_HTML.match(head))


def extract_document(
    data: bytes,
    source: str,
    *,
    content_type: str | None = None,
    charset: str | None = None,
    base_url: str | None = None,
    max_embeds: int = 1000,
) -> Extraction:
    """Embeds and credits in one article's bytes."""
    if looks_like_html(data, content_type):
        extraction = _from_html(data, source, charset, base_url)
    else:
        extraction = _from_text(data, source)
    extraction.embeds = _one_per_post(extraction.embeds)
    if len(extraction.embeds) > max_embeds:
        extraction.warnings.append(
            f"{len(extraction.embeds)} embeds found; only the first {max_embeds} are kept"
        )
        del extraction.embeds[max_embeds:]
    return extraction


def _from_html(data: bytes, source: str, charset: str | None, base_url: str | None) -> Extraction:
    doc = parse_html(decode_html(data, charset))
    if doc is None:
        return Extraction(source, warnings=["the page has no parseable HTML"])
    if base_url:
        doc.make_links_absolute(base_url, resolve_base_href=True, handle_failures="ignore")
    found = scan(doc)
    embeds, elements = find_embeds(found.candidates)
    blocks = text_blocks(found.blocks, elements)
    return Extraction(
        source,
        embeds=embeds + flattened_in(blocks),
        credits=credits_in(blocks),
        title=title_of(doc),
    )


def _from_text(data: bytes, source: str) -> Extraction:
    warnings = []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        warnings.append("the text is not valid UTF-8; undecodable bytes were replaced")
    text = text.lstrip("\ufeff")
    return Extraction(
        source,
        embeds=list(find_flattened(text)),
        credits=list(find_credits(text)),
        warnings=warnings,
    )


def _one_per_post(embeds: list[Embed]) -> list[Embed]:
    """Merge sightings of the same post (a blockquote inside a WordPress figure, say)."""
    by_key: dict[str, Embed] = {}
    for embed in embeds:
        key = embed.identity_key
        if key in by_key:
            by_key[key].merge(embed)
        else:
            by_key[key] = embed
    return list(by_key.values())


__all__ = ["extract_document", "looks_like_html"]
