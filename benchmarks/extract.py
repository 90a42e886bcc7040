"""Extraction speed: articles per second over a folder of pages, on one core.

    python3 benchmarks/extract.py [FOLDER ...] [--synthetic N] [--repeat R]

Two corpora are timed: the pages in the folders given (default: the real-format samples in
tests/fixtures/ and seeds/), and N synthetic article pages of news-site size (about 120 KB:
navigation, scripts, 40 paragraphs, and two to four embeds each, taken from the samples).
The baseline is the obvious alternative on the same pages in the same run: BeautifulSoup
with the lxml parser, timed for parsing alone (no embed search at all), so the ratio is a
floor on what switching to it would cost.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archiver.extract import extract_document  # noqa: E402

DEFAULT_FOLDERS = [ROOT / "tests" / "fixtures", ROOT / "seeds"]
FILLER = (
    "<p>The regional governor said on Monday that the situation remained tense, with "
    "residents of several villages moved to temporary shelters while officials assessed the "
    "damage to roads, power lines and the water supply in the district.</p>\n"
)
SHELL_HEAD = (
    "<!doctype html><html><head><meta charset='utf-8'><title>Article {n}</title>"
    + "<script>window.dataLayer=window.dataLayer||[];function gtag(){{}}</script>" * 30
    + "<link rel='stylesheet' href='/s.css'>" * 10
    + "</head><body><nav>"
    + "".join(f"<a href='/section/{i}'>Section {i}</a>" for i in range(120))
    + "</nav><article>"
)
SHELL_TAIL = (
    "</article><footer>"
    + "<a href='https://twitter.com/intent/tweet?url=x'>Share</a><a href='https://t.me/ourpaper'>Telegram</a>"
    * 5
    + "".join(
        f"<div class='related'><a href='/a/{i}'>Related story {i}</a></div>" for i in range(80)
    )
    + "</footer></body></html>"
)


def load_pages(folders: list[Path]) -> list[bytes]:
    suffixes = {".html", ".htm", ".txt"}
    return [
        path.read_bytes()
        for folder in folders
        for path in sorted(folder.rglob("*"))
        if path.suffix in suffixes and path.is_file() and path.name != "README.md"
    ]


def synthetic_pages(samples: list[bytes], count: int) -> list[bytes]:
    """News-size pages: a heavy shell, 40 paragraphs, and 2-4 real embed snippets."""
    embeds = [s.decode("utf-8", "replace") for s in samples if b"<" in s[:200]]
    rng = random.Random(7)
    pages = []
    for n in range(count):
        body = [FILLER] * 40
        for snippet in rng.sample(embeds, k=min(len(embeds), rng.randint(2, 4))):
            body.insert(rng.randrange(len(body)), snippet)
        pages.append((SHELL_HEAD.format(n=n) + "".join(body) + SHELL_TAIL).encode())
    return pages


def rate(pages: list[bytes], work: Callable[[bytes], object], repeat: int) -> float:
    """Best articles/s over `repeat` passes (the least disturbed by the rest of the machine)."""
    best = 0.0
    for _ in range(repeat):
        started = time.perf_counter()
        for page in pages:
            work(page)
        best = max(best, len(pages) / (time.perf_counter() - started))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--synthetic", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]}) if hasattr(
        os, "sched_setaffinity"
    ) else None

    try:
        from bs4 import BeautifulSoup
    except ImportError:
        BeautifulSoup = None

    samples = load_pages(args.folders or DEFAULT_FOLDERS)
    corpora = {"samples": samples, "news-size": synthetic_pages(samples, args.synthetic)}
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, pinned to one core")  # fmt: skip
    for name, pages in corpora.items():
        size = statistics.mean(len(p) for p in pages) / 1024
        ours = rate(pages, lambda page: extract_document(page, "bench"), args.repeat)
        line = (
            f"{name:>10}: {len(pages)} pages, mean {size:.0f} KB: archiver {ours:,.0f} articles/s"
        )
        if BeautifulSoup is not None:
            soup = rate(pages, lambda page: BeautifulSoup(page, "lxml"), max(1, args.repeat // 2))
            line += f"; BeautifulSoup(lxml) parse alone {soup:,.0f}/s; ratio {ours / soup:.1f}x"
        print(line)
    print("goal: >= 200 articles/s on one core")


if __name__ == "__main__":
    main()
