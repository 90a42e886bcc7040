"""Nightly-job throughput: posts per second against slow platform servers, and peak memory.

    python3 benchmarks/nightly.py [--posts 2000] [--hosts 20] [--latency 0.2] [--concurrency 32]

A local server on 127.0.0.1 answers like Mastodon's public API (`/api/v1/statuses/ID`,
the body of a real status from tests/fixtures/platforms/mastodon/) after `--latency`
seconds, for `--hosts` logical instances mapped onto it with `[network.host_map]`. Two
loops fetch the same posts in the same run:

- archiver: `Archive.archive()` over the post URLs, in a child process so its peak RSS
  is its own, with `[network] concurrency` set to `--concurrency` (and `per_host = 4`),
  pacing off (`min_interval = 0`) as the baseline has none;
- baseline: a strictly sequential httpx loop that only fetches (no parsing, no storing).

It prints posts/s for each and the ratio. The issue's target is 20x the sequential rate
with peak RSS under 200 MB at 10,000 posts.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archiver.archive import Archive  # noqa: E402
from archiver.config import Config, NetworkConfig, PlatformsConfig  # noqa: E402

STATUS = json.loads(
    (ROOT / "tests/fixtures/platforms/mastodon/status_link_card.json").read_text("utf-8")
)


def serve(latency: float) -> ThreadingHTTPServer:
    """Every path `/HOST/api/v1/statuses/ID` answers that status, `latency` seconds late."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            time.sleep(latency)
            host, _, rest = self.path.lstrip("/").partition("/")
            status_id = rest.rsplit("/", 1)[-1]
            body = json.dumps(
                {**STATUS, "id": status_id, "url": f"https://{host}/@bench/{status_id}"}
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def hosts(count: int) -> list[str]:
    return [f"instance{n}.bench" for n in range(count)]


def posts_on_hosts(posts: int, host_count: int) -> list[tuple[str, int]]:
    """(instance, status id) of every post, spread round-robin over the instances."""
    names = hosts(host_count)
    return [(names[i % host_count], 10**17 + i) for i in range(posts)]


def post_urls(posts: int, host_count: int) -> list[str]:
    return [f"https://{host}/@bench/{i}" for host, i in posts_on_hosts(posts, host_count)]


def config(port: int, host_count: int, concurrency: int) -> Config:
    host_map = {host: f"http://127.0.0.1:{port}/{host}" for host in hosts(host_count)}
    network = NetworkConfig(
        allow_private=True, host_map=host_map, backoff=0.01, concurrency=concurrency, per_host=4
    )
    return Config(operator="benchmark", network=network, platforms=PlatformsConfig(min_interval=0))


def run_archiver(port: int, posts: int, host_count: int, concurrency: int) -> None:
    """The child process: archive every post into a fresh database, print the seconds."""
    with tempfile.TemporaryDirectory() as folder:
        setup = config(port, host_count, concurrency)
        archive = Archive.open(Path(folder) / "archive.db", setup)
        with archive:
            started = time.perf_counter()
            summary = archive.archive(post_urls(posts, host_count))
            seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "captures": summary.captures}))


def sequential(port: int, posts: int, host_count: int) -> float:
    started = time.perf_counter()
    with httpx.Client() as client:
        for host, status_id in posts_on_hosts(posts, host_count):
            response = client.get(f"http://127.0.0.1:{port}/{host}/api/v1/statuses/{status_id}")
            response.raise_for_status()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)  # the server's port
    args = parser.parse_args()
    if args.child:
        run_archiver(args.child, args.posts, args.hosts, args.concurrency)
        return
    server = serve(args.latency)
    port = server.server_address[1]
    child = subprocess.run(
        [sys.executable, __file__, "--child", str(port), "--posts", str(args.posts),
         "--hosts", str(args.hosts), "--concurrency", str(args.concurrency)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    result = json.loads(child.stdout)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    baseline = sequential(port, args.posts, args.hosts)
    ours = args.posts / result["seconds"]
    theirs = args.posts / baseline
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")  # fmt: skip
    print(f"{args.posts} posts over {args.hosts} hosts, {args.latency * 1000:.0f} ms latency")
    print(f"archiver:   {ours:7.1f} posts/s  captures {result['captures']}, "
          f"concurrency {args.concurrency}, per host 4")  # fmt: skip
    print(f"sequential: {theirs:7.1f} posts/s  (fetch only)")
    print(f"ratio:      {ours / theirs:7.2f}x   (target 20x)")
    print(f"archiver peak RSS: {peak_mb:.0f} MB (target 200 MB at 10,000 posts)")


if __name__ == "__main__":
    main()
