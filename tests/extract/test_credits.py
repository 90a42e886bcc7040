"""Credit lines, in text and in HTML figcaptions."""

from __future__ import annotations

import pytest

from archiver.extract import extract_document
from archiver.extract.credits import find_credits


@pytest.mark.parametrize(
    ("line", "platform", "account", "kind"),
    [
        ("Source: youtube/Suchomimus/Screenshot", "youtube", "Suchomimus", "screenshot"),
        ("Photo: Twitter/@sentdefender", "twitter", "sentdefender", "photo"),
        ("Screenshot: Telegram/rybar", "telegram", "rybar", "screenshot"),
        ("Foto: Instagram/@kyiv.daily", "instagram", "kyiv.daily", "photo"),
        ("Photo: Reuters/Gleb Garanich", None, None, "photo"),
        ("Image: X/@visegrad24", "twitter", "visegrad24", "image"),
        ("Quelle: Telegram/ukraine_now/Screenshot", "telegram", "ukraine_now", "screenshot"),
    ],
)
def test_credit_line_parses_platform_account_and_kind(
    line: str, platform: str | None, account: str | None, kind: str
) -> None:
    [credit] = list(find_credits(f"Caption of the photo.\n{line}\nNext paragraph."))
    assert (credit.text, credit.platform, credit.account, credit.kind) == (
        line,
        platform,
        account,
        kind,
    )


def test_bracketed_credit_inside_a_sentence() -> None:
    [credit] = list(find_credits("Tanks on the road (Image: X/@user_1) near the border."))
    assert (credit.platform, credit.account) == ("twitter", "user_1")


def test_a_sentence_starting_with_source_is_not_a_credit() -> None:
    text = "Source: the ministry said many people were wounded in the attack near the border."
    assert list(find_credits(text)) == []


def test_figcaption_credit_is_tied_to_its_image() -> None:
    html = b"""<html><body><figure><img src="/img/tank.jpg">
      <figcaption>A tank near Kozinka. Source: youtube/Suchomimus/Screenshot</figcaption>
    </figure></body></html>"""
    extraction = extract_document(html, "a.html", base_url="https://news.example/article")
    [credit] = extraction.credits
    assert credit.platform == "youtube"
    assert credit.image_url == "https://news.example/img/tank.jpg"


@pytest.mark.parametrize(
    ("text", "credit", "platform", "account", "kind"),
    [
        ("Protesters in Kyiv. Photo via Twitter @kyivindependent",
         "Photo via Twitter @kyivindependent", "twitter", "kyivindependent", "photo"),
        ("The clip (screenshot from Telegram channel rybar) shows the bridge.",
         "screenshot from Telegram channel rybar", "telegram", "rybar", "screenshot"),
        ("Footage posted on Telegram by @ukr_army shows the strike.",
         "Footage posted on Telegram by @ukr_army", "telegram", "ukr_army", "video"),
        ("A photo from X/visegrad24.", "photo from X/visegrad24", "twitter", "visegrad24", "photo"),
        ("Photo via Twitter shows the crowd.", "Photo via Twitter", "twitter", None, "photo"),
    ],
)  # fmt: skip
def test_credits_said_in_words(
    text: str, credit: str, platform: str, account: str | None, kind: str
) -> None:
    [found] = list(find_credits(text))
    assert (found.text, found.platform, found.account, found.kind) == (
        credit,
        platform,
        account,
        kind,
    )


@pytest.mark.parametrize(
    "text",
    ["An image from the ministry website shows it.", "The image from x-rays was clear.",
     "Photos from the scene were shared widely."],
)  # fmt: skip
def test_prose_about_images_is_not_a_credit(text: str) -> None:
    assert list(find_credits(text)) == []
