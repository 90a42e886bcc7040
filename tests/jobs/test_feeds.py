"""Feeds and sitemaps: recognised by content, read safely, expanded into the articles they list."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from archiver.archive import Archive
from archiver.jobs.feeds import Listed, read_listing

from ..conftest import FIXTURES
from ..platforms.player import Player

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>News</title><link>https://news.test/</link>
<item><title>Old</title><link>https://news.test/old</link>
  <pubDate>Mon, 02 Jan 2023 10:00:00 GMT</pubDate></item>
<item><title>New</title><link>https://news.test/new</link>
  <pubDate>Wed, 25 Nov 2026 08:00:00 +0100</pubDate></item>
<item><title>Relative</title><link>/relative</link></item>
</channel></rss>"""
ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom</title>
<entry><title>A</title><link rel="alternate" href="https://news.test/atom-a"/><published>2026-11-20T10:00:00Z</published></entry>
</feed>"""
NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://news.test/s1</loc><news:news><news:publication_date>2026-11-26T07:00:00+00:00</news:publication_date></news:news></url>
<url><loc>https://news.test/s2</loc><lastmod>2026-10-01</lastmod></url>
</urlset>"""
INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://news.test/news-sitemap.xml</loc></sitemap></sitemapindex>"""


def test_rss_items_with_dates_and_relative_links() -> None:
    assert read_listing(RSS, "https://news.test/feed.xml") == [
        Listed("https://news.test/old", date(2023, 1, 2)),
        Listed("https://news.test/new", date(2026, 11, 25)),
        Listed("https://news.test/relative", None),
    ]


def test_atom_and_sitemaps() -> None:
    assert read_listing(ATOM) == [Listed("https://news.test/atom-a", date(2026, 11, 20))]
    assert read_listing(NEWS_SITEMAP) == [
        Listed("https://news.test/s1", date(2026, 11, 26)),
        Listed("https://news.test/s2", date(2026, 10, 1)),
    ]
    assert read_listing(INDEX) == [Listed("https://news.test/news-sitemap.xml", None, True)]


@pytest.mark.parametrize(
    "data",
    [b"<html><body><p>An article</p></body></html>", b"plain text", b"",
     b'<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>'],
)  # fmt: skip
def test_other_documents_are_not_listings(data: bytes) -> None:
    assert read_listing(data) is None


def test_external_entities_are_never_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("https://attacker.test/leak")
    hostile = (
        f'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&x;</loc></url>'
        "</urlset>"
    ).encode()
    assert read_listing(hostile) == []


def test_feed_url_adds_its_articles_and_since_skips_old_ones(
    player: Player, open_archive: Callable[..., Archive]
) -> None:
    player.serve("news.test", "/feed.xml", RSS, content_type="application/rss+xml")
    player.serve("news.test", "/new", "<html><body><p>New article</p></body></html>")
    player.serve("news.test", "/relative", "<html><body><p>Another</p></body></html>")
    archive = open_archive(player.config())
    summary = archive.archive(["https://news.test/feed.xml"], since=date(2026, 11, 1))
    assert (summary.listings, summary.listed, summary.listed_too_old) == (1, 2, 1)
    sources = [
        row["source"] for row in archive.store.rows("SELECT source FROM articles ORDER BY id")
    ]
    assert sources == ["https://news.test/new", "https://news.test/relative"]
    assert "/old" not in player.requests("news.test")


def test_sitemap_index_leads_to_the_news_sitemap_and_its_articles(
    player: Player, open_archive: Callable[..., Archive]
) -> None:
    player.serve("news.test", "/sitemap.xml", INDEX, content_type="application/xml")
    player.serve("news.test", "/news-sitemap.xml", NEWS_SITEMAP, content_type="application/xml")
    for path in ("/s1", "/s2"):
        player.serve("news.test", path, f"<html><body><p>{path}</p></body></html>")
    archive = open_archive(player.config())
    summary = archive.archive(["https://news.test/sitemap.xml"])
    assert (summary.listings, summary.listed, summary.articles) == (2, 3, 2)


SAMPLES = sorted((FIXTURES / "feeds").glob("*.xml")) if (FIXTURES / "feeds").is_dir() else []


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda path: path.name)
def test_real_feed_and_sitemap_samples(sample: Path) -> None:
    expected = json.loads(sample.with_name(sample.stem + ".expected.json").read_text("utf-8"))
    listed = read_listing(sample.read_bytes())
    if expected is None:
        assert listed is None
        return
    assert listed is not None
    got = [
        {"url": item.url, "published": item.published.isoformat() if item.published else None}
        for item in listed
    ]
    assert got == [{"url": e["url"], "published": e["published"]} for e in expected]
