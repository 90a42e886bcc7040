"""Flattened embeds in plain text: links, no links, t.co, status URLs, Instagram, Bluesky."""

from __future__ import annotations

from archiver.extract import extract_document


def extract_text(text: str) -> list[dict[str, object]]:
    return [e.to_dict() for e in extract_document(text.encode(), "t.txt").embeds]


def test_status_link_gives_the_post_id() -> None:
    [embed] = extract_text(
        "Breaking: border crossing seized https://twitter.com/officejjsmart/status/1660712345678901234"
        " — Jason Jay Smart (@officejjsmart) May 22, 2023"
    )
    assert embed["post_id"] == "1660712345678901234"
    assert embed["url"] == "https://twitter.com/officejjsmart/status/1660712345678901234"
    assert embed["text"] == "Breaking: border crossing seized"


def test_tco_link_is_kept_as_given_until_resolved() -> None:
    [embed] = extract_text(
        "Smoke over the city https://t.co/AbCdEf123 — Jane Roe (@janeroe) June 1, 2024"
    )
    assert (embed["post_id"], embed["url"]) == (None, "https://t.co/AbCdEf123")
    assert embed["published"] == "2024-06-01"


def test_no_link_form_is_keyed_by_handle_and_text() -> None:
    text = "We are holding the line. — Some Unit (@some_unit) March 3, 2022"
    first = extract_document(text.encode(), "a.txt").embeds[0]
    again = extract_document(("Intro.\n" + text).encode(), "b.txt").embeds[0]
    other = extract_document(text.replace("holding", "leaving").encode(), "c.txt").embeds[0]
    assert (first.post_id, first.url, first.author_handle) == (None, None, "some_unit")
    assert first.identity_key == again.identity_key
    assert first.identity_key != other.identity_key


def test_byline_without_date_in_prose_is_not_an_embed() -> None:
    assert extract_text("As the minister said — John Smith (@jsmith) on television.") == []


def test_instagram_shared_by_form() -> None:
    [embed] = extract_text(
        "View this post on Instagram\n\nSunset over the harbour #kyiv\n\n"
        "A post shared by Olena K (@olena.k) on Mar 3, 2021 at 5:10am PST"
    )
    assert embed["platform"] == "instagram"
    assert (embed["author_handle"], embed["author_name"]) == ("olena.k", "Olena K")
    assert embed["text"] == "Sunset over the harbour #kyiv"
    assert embed["published"] == "2021-03-03"


def test_dotted_handle_is_a_bluesky_post() -> None:
    [embed] = extract_text("Nice thread. — Jay (@jay.bsky.social) November 25, 2024 at 4:24 PM")
    assert embed["platform"] == "bluesky"
    assert embed["published"] == "2024-11-25"


def test_day_first_and_other_language_dates() -> None:
    embeds = extract_text(
        "Erster Text — Anna (@anna_b) 22. Mai 2023\nDeuxième texte — Luc (@luc) 3 mars 2021\n"
    )
    assert [e["published"] for e in embeds] == ["2023-05-22", "2021-03-03"]
