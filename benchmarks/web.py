"""How fast the web page answers on a big archive, against the same page on a small one.

    python3 benchmarks/web.py [--posts 100000]

Builds two archives with the real schema (migrations), one of 1,000 posts and one of
`--posts`, each post with two captures whose text comes from a fixed vocabulary (so the FTS5
index is real), then times, through Starlette's TestClient (the whole app, no network): a
post's page, a post looked up by another URL form, a free-text search and /api/history. It
prints the median milliseconds for each on both archives and the ratio big/small: a page that
does not grow with the archive stays near 1.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from starlette.testclient import TestClient  # noqa: E402

from archiver.archive import Archive  # noqa: E402
from archiver.config import Config  # noqa: E402
from archiver.store.db import Store  # noqa: E402
from archiver.web.app import create_app  # noqa: E402

WORDS = [
    "explosion", "strike", "drone", "city", "region", "mayor", "report", "video", "photo",
    "night", "power", "station", "bridge", "river", "border", "convoy", "shelling",
    "residents", "damage", "fire", "smoke",
]  # fmt: skip
ID = 10**17
HISTORY_CAPTURES = 500  # captures of post 1, for the history of a much-watched post


def status_url(i: int, host: str = "twitter.com") -> str:
    return f"https://{host}/user{i % 997}/status/{ID + i}"


def build(db: Path, posts: int) -> None:
    """Posts and captures inserted in bulk through the real schema (triggers included)."""
    store = Store(db)
    rng = random.Random(posts)
    now = "2026-11-26T00:00:00.000Z"
    store.db["runs"].insert({"id": 1, "started_at": now, "status": "finished", "operator": "bench"})
    batch = 5000
    for start in range(0, posts, batch):
        ids = range(start + 1, min(posts, start + batch) + 1)
        store.db["posts"].insert_all(
            {"id": i, "identity_key": f"twitter:{ID + i}", "platform": "twitter",
             "post_id": str(ID + i), "url": status_url(i), "author_handle": f"user{i % 997}",
             "first_seen": now}
            for i in ids
        )  # fmt: skip
        store.db["post_captures"].insert_all(
            {"post": i, "run": 1, "captured_at": now, "status": "ok", "method": "syndication",
             "url": status_url(i),
             "text": " ".join(rng.choices(WORDS, k=12)), "media": "[]", "counts": "{}",
             "attempts": "[]"}
            for i in ids for _ in range(2)
        )  # fmt: skip
    store.db["post_captures"].insert_all(  # one post captured many times: its history
        {"post": 1, "run": 1, "captured_at": now, "status": "ok", "method": "syndication",
         "url": status_url(1), "text": " ".join(rng.choices(WORDS, k=12)), "media": "[]",
         "counts": "{}", "attempts": "[]"}
        for _ in range(HISTORY_CAPTURES)
    )  # fmt: skip
    store.close()


def timings(db: Path, posts: int, repeats: int) -> dict[str, float]:
    config = Config(operator="bench")
    rng = random.Random(1)
    with TestClient(create_app(lambda: Archive.open(db, config), config.web)) as client:
        client.get("/")  # open the archive

        def post() -> int:
            return rng.randint(1, posts)

        def words() -> str:
            return f"{rng.choice(WORDS)} {rng.choice(WORDS)}"

        cases = {
            "post page": lambda: client.get(f"/post/{post()}"),
            "lookup by another URL form": lambda: client.get(
                "/search", params={"q": status_url(post(), "x.com") + "?s=20"},
                follow_redirects=False),
            "free-text search": lambda: client.get("/search", params={"q": words()}),
            "/api/history": lambda: client.get("/api/history", params={"url": status_url(post())}),
            f"post page, {HISTORY_CAPTURES} captures": lambda: client.get("/post/1"),
            f"/api/history, {HISTORY_CAPTURES} captures": lambda: client.get(
                "/api/history", params={"url": status_url(1)}),
        }  # fmt: skip
        result = {}
        for name, call in cases.items():
            spent = []
            for _ in range(repeats):
                started = time.perf_counter()
                response = call()
                spent.append(time.perf_counter() - started)
                assert response.status_code in (200, 303), (name, response.status_code)
            result[name] = statistics.median(spent) * 1000
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        results = {}
        for size in (1000, args.posts):
            db = Path(folder) / f"archive-{size}.db"
            started = time.perf_counter()
            build(db, size)
            spent = time.perf_counter() - started
            print(f"built {size:,} posts ({2 * size:,} captures) in {spent:.1f} s")
            results[size] = timings(db, size, args.repeats)
    small, big = results[1000], results[args.posts]
    print(f"\n{'median ms':<32}{'1,000 posts':>12}{f'{args.posts:,} posts':>16}{'ratio':>8}")
    for name in small:
        print(f"{name:<32}{small[name]:>12.1f}{big[name]:>16.1f}{big[name] / small[name]:>8.2f}")


if __name__ == "__main__":
    main()
