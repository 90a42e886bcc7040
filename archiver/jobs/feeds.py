"""Feeds and sitemaps as sources, recognised by their content, each listing articles to archive.

    RSS 2.0, RSS 1.0 (RDF), Atom     read with feedparser: each entry's link and date
    <urlset> sitemaps                each <url>'s <loc>, dated by <news:publication_date>
                                     (Google News sitemaps) or <lastmod>
    <sitemapindex>                   each child sitemap, which is fetched and read in turn

XML is parsed without entity resolution or network access, so a hostile sitemap cannot make
the parser read local files or reach other hosts.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import urljoin

import feedparser
import lxml.etree

_FEED_ROOTS = {"rss", "feed", "RDF"}
_SITEMAP_ROOTS = {"urlset", "sitemapindex"}
_ROOT_TAGS = (b"<rss", b"<feed", b"<rdf:rdf", b"<urlset", b"<sitemapindex")
_PARSER = lxml.etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True
)


@dataclass(frozen=True)
class Listed:
    """One URL a feed or sitemap lists: an article, or (in a sitemap index) a sitemap."""

    url: str
    published: date | None
    is_sitemap: bool = False


def read_listing(data: bytes, base_url: str | None = None) -> list[Listed] | None:
    """The URLs a feed or sitemap lists, in order; None when the bytes are neither."""
    head = data[:4096].lower()
    if not any(tag in head for tag in _ROOT_TAGS):
        return None  # not even a candidate: spare articles an XML parse
    root = _root(data)
    if root is None:
        return None
    name = lxml.etree.QName(root).localname
    if name in _SITEMAP_ROOTS:
        return _sitemap(root, base_url)
    if name in _FEED_ROOTS:
        return _feed(data, base_url)
    return None


def _root(data: bytes) -> lxml.etree._Element | None:
    if data.lstrip()[:1] != b"<":
        return None
    try:
        return lxml.etree.fromstring(data, _PARSER)
    except (lxml.etree.XMLSyntaxError, ValueError):
        return None


def _sitemap(root: lxml.etree._Element, base_url: str | None) -> list[Listed]:
    index = lxml.etree.QName(root).localname == "sitemapindex"
    listed = []
    for entry in root.iterchildren("{*}sitemap" if index else "{*}url"):
        location = entry.findtext("{*}loc")
        if not location or not location.strip():
            continue
        published = entry.findtext("{*}news/{*}publication_date") or entry.findtext("{*}lastmod")
        listed.append(Listed(_absolute(location.strip(), base_url), _iso_date(published), index))
    return listed


def _feed(data: bytes, base_url: str | None) -> list[Listed]:
    parsed = feedparser.parse(data, response_headers={"content-location": base_url or ""})
    # relative links resolve against where the feed came from, else the site it names
    base_url = base_url or parsed.feed.get("link")
    listed = []
    for entry in parsed.entries:
        link = entry.get("link")
        if not link:
            continue
        moment = entry.get("published_parsed") or entry.get("updated_parsed")
        published = datetime.fromtimestamp(calendar.timegm(moment), UTC).date() if moment else None
        listed.append(Listed(_absolute(link, base_url), published))
    return listed


def _absolute(url: str, base_url: str | None) -> str:
    return urljoin(base_url, url) if base_url else url


def _iso_date(text: str | None) -> date | None:
    """The date of an ISO 8601 date or datetime ("2026-11-26", "2026-11-26T08:00:00+01:00")."""
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None
