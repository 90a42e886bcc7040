"""Pages built to hurt: deep nesting, thousands of embeds, broken bytes, undeclared charsets."""

from __future__ import annotations

import time

from archiver.extract import extract_document

TWEET = (
    '<blockquote class="twitter-tweet"><p>Text {n}</p>&mdash; A (@a) '
    '<a href="https://twitter.com/a/status/{id}">May 22, 2023</a></blockquote>'
)


def test_plain_links_in_paragraphs_are_not_embeds() -> None:
    html = b"""<html><body><p>As <a href="https://twitter.com/x/status/123">she said</a>, the
      <a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">video</a> and
      <a href="https://www.instagram.com/p/CxYz123AbC/">photo</a> show it.</p></body></html>"""
    assert extract_document(html, "a.html").embeds == []


def test_html_nested_100k_deep_parses_in_bounded_time() -> None:
    html = (
        b"<html><body>"
        + b"<div>" * 100_000
        + TWEET.format(n=1, id=1).encode()
        + b"</div>" * 100_000
    )
    started = time.perf_counter()
    extraction = extract_document(html, "deep.html")
    assert time.perf_counter() - started < 10
    assert isinstance(extraction.embeds, list)  # whatever survives the depth cap, no crash


def test_ten_thousand_embeds_are_capped_with_a_warning() -> None:
    body = "".join(TWEET.format(n=n, id=1_000_000 + n) for n in range(10_000))
    extraction = extract_document(
        f"<html><body>{body}</body></html>".encode(), "many.html", max_embeds=1000
    )
    assert len(extraction.embeds) == 1000
    assert extraction.embeds[0].post_id == "1000000"
    assert any("10000 embeds found" in warning for warning in extraction.warnings)


def test_invalid_utf8_in_text_is_replaced_and_reported() -> None:
    text = b"Intro \xff\xfe broken.\n" + "We hold. — Unit (@unit_a) May 1, 2023\n".encode()
    extraction = extract_document(text, "bad.txt")
    assert [e.author_handle for e in extraction.embeds] == ["unit_a"]
    assert any("not valid UTF-8" in w for w in extraction.warnings)


def test_undeclared_utf8_html_keeps_em_dash_bylines() -> None:
    html = (
        '<html><body><blockquote class="twitter-tweet"><p>Привіт</p>— Ім’я (@name_1) '
        '<a href="https://twitter.com/name_1/status/42">May 22, 2023</a></blockquote></body></html>'
    ).encode()
    [embed] = extract_document(html, "u.html").embeds
    assert (embed.text, embed.author_name) == ("Привіт", "Ім’я")


def test_declared_legacy_charset_is_honoured() -> None:
    html = '<html><head><meta charset="windows-1251"></head><body><p>Текст</p></body></html>'
    extraction = extract_document(html.encode("windows-1251"), "c.html")
    assert extraction.warnings == []
    assert extraction.title is None


def test_empty_and_binary_looking_pages_give_no_embeds() -> None:
    assert extract_document(b"", "empty.html").embeds == []
    assert extract_document(b"<html>\x00\x01\x02</html>", "nul.html").embeds == []
