"""The example article: three flattened tweets and one screenshot credit."""

from __future__ import annotations

from archiver.extract import extract_document

from ..conftest import SEED


def test_seed_has_exactly_three_tweets_and_one_credit() -> None:
    extraction = extract_document(SEED.read_bytes(), str(SEED))
    assert [e.platform for e in extraction.embeds] == ["twitter"] * 3
    assert len(extraction.credits) == 1
    credit = extraction.credits[0]
    assert (credit.platform, credit.account, credit.kind) == ("youtube", "Suchomimus", "screenshot")
    assert credit.text == "Source: youtube/Suchomimus/Screenshot"


def test_flattened_tweet_keeps_handle_date_and_pic_link() -> None:
    first = extract_document(SEED.read_bytes(), str(SEED)).embeds[0].to_dict()
    assert first == {
        "platform": "twitter",
        "kind": "post",
        "post_id": None,
        "url": "https://pic.twitter.com/7EmFb3IgXi",
        "author_handle": "officejjsmart",
        "author_name": "Jason Jay Smart",
        "published": "2023-05-22",
        "text": "FREE RUSSIA LEGION Allegedly the Free Russia Legion, which fights on the side of "
        "Ukraine but is composed of Russians, is invading southern Belgorod, Russia.",
        "media_urls": [],
        "found_by": "text:flattened-post",
    }


def test_seed_tweets_have_their_own_authors_and_links() -> None:
    embeds = extract_document(SEED.read_bytes(), str(SEED)).embeds
    assert [(e.author_handle, e.url) for e in embeds] == [
        ("officejjsmart", "https://pic.twitter.com/7EmFb3IgXi"),
        ("Gerashchenko_en", "https://pic.twitter.com/SRVSAsF0Uf"),
        ("officejjsmart", "https://pic.twitter.com/S7ktkkF8rb"),
    ]
    assert embeds[1].text is not None and embeds[1].text.startswith("Russian Telegram channels")
