"""Every real-format sample in fixtures/embeds and fixtures/text extracts as expected.json says.

Each expected item names the fields the markup carries unambiguously; those must match
exactly, in document order, and no other embed may be found.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archiver.extract import extract_document

from ..conftest import FIXTURES

SAMPLES = sorted(
    path
    for folder in ("embeds", "text")
    for path in (FIXTURES / folder).glob("*")
    if path.suffix in (".html", ".htm", ".txt")
)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_sample_extracts_as_expected(sample: Path) -> None:
    expected = json.loads(sample.with_name(sample.stem + ".expected.json").read_text("utf-8"))
    found = [embed.to_dict() for embed in extract_document(sample.read_bytes(), str(sample)).embeds]
    summary = [(e["platform"], e["post_id"], e["url"]) for e in found]
    assert len(found) == len(expected), f"found {summary}"
    for got, want in zip(found, expected, strict=True):
        for key, value in want.items():
            assert got[key] == value, f"{key}: got {got[key]!r}, want {value!r} (all: {summary})"


def test_corpus_covers_every_platform() -> None:
    platforms = {
        item["platform"]
        for sample in SAMPLES
        for item in json.loads(sample.with_name(sample.stem + ".expected.json").read_text("utf-8"))
    }
    assert platforms >= {
        "twitter", "telegram", "youtube", "instagram", "facebook", "tiktok",
        "bluesky", "mastodon", "reddit", "vimeo", "threads",
    }  # fmt: skip
