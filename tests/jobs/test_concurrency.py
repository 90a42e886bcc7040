"""Concurrent capture: a bounded pool of workers, one writer, limits per host."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from archiver.archive import Archive
from archiver.config import Config, NetworkConfig, PlatformsConfig
from archiver.fetch.hosts import HostGate
from archiver.jobs.pool import Group, WorkPool

from ..conftest import FIXTURES

STATUS = json.loads((FIXTURES / "platforms/mastodon/status_link_card.json").read_text("utf-8"))
INSTANCES = ("one.example", "two.example", "three.example")


class SlowMastodon:
    """Mastodon instances, all on one threaded server, answering after a delay and counting
    how many requests are in flight at once, in all and per instance."""

    def __init__(self, delay: float) -> None:
        self.lock = threading.Lock()
        self.now: Counter[str] = Counter()
        self.most: Counter[str] = Counter()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                host, _, rest = self.path.lstrip("/").partition("/")
                outer.enter(host)
                time.sleep(delay)
                outer.leave(host)
                status_id = rest.rsplit("/", 1)[-1]
                body = json.dumps(
                    {**STATUS, "id": status_id, "url": f"https://{host}/@user/{status_id}"}
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def enter(self, host: str) -> None:
        with self.lock:
            for key in (host, "*"):
                self.now[key] += 1
                self.most[key] = max(self.most[key], self.now[key])

    def leave(self, host: str) -> None:
        with self.lock:
            for key in (host, "*"):
                self.now[key] -= 1

    def config(self, concurrency: int, per_host: int) -> Config:
        port = self.server.server_address[1]
        host_map = {host: f"http://127.0.0.1:{port}/{host}" for host in INSTANCES}
        network = NetworkConfig(
            allow_private=True, host_map=host_map, concurrency=concurrency, per_host=per_host
        )
        return Config(operator="tester", network=network, platforms=PlatformsConfig(0.0))


@pytest.fixture
def mastodon() -> Iterator[SlowMastodon]:
    server = SlowMastodon(delay=0.15)
    yield server
    server.server.shutdown()
    server.server.server_close()


def post_urls(count: int) -> list[str]:
    return [f"https://{INSTANCES[i % 3]}/@user/{110000000000000000 + i}" for i in range(count)]


def test_captures_overlap_up_to_the_limits_and_all_are_stored(
    open_archive: Callable[..., Archive], mastodon: SlowMastodon
) -> None:
    archive = open_archive(mastodon.config(concurrency=4, per_host=2))
    summary = archive.archive(post_urls(12))
    assert summary.captures == {"ok": 12}
    assert 2 <= mastodon.most["*"] <= 4  # overlapping, never past the global limit
    assert max(mastodon.most[host] for host in INSTANCES) <= 2
    rows = archive.store.rows(
        "SELECT p.post_id, x.url FROM post_captures c JOIN posts p ON p.id = c.post"
        " JOIN http_exchanges x ON x.id = c.exchange"
    )
    assert len(rows) == 12  # each capture points at its own exchange, stored by the writer
    for row in rows:  # post_id is "instance/@user/id"
        host, _, status_id = row["post_id"].partition("/@user/")
        assert row["url"] == f"https://{host}/api/v1/statuses/{status_id}"
    items = archive.store.rows("SELECT status FROM run_items")
    assert [item["status"] for item in items] == ["done"] * 12


def test_concurrency_one_is_strictly_sequential(
    open_archive: Callable[..., Archive], mastodon: SlowMastodon
) -> None:
    archive = open_archive(mastodon.config(concurrency=1, per_host=4))
    assert archive.archive(post_urls(4)).captures == {"ok": 4}
    assert mastodon.most["*"] == 1


def test_handlers_run_on_the_submitting_thread_and_groups_wait_for_nested_work() -> None:
    pool = WorkPool(concurrency=3, backlog=2)
    writer = threading.get_ident()
    handled: list[tuple[str, int]] = []
    finished: list[str] = []

    def handle(name: str) -> Callable[[int], None]:
        def then(worker_thread: int) -> None:
            assert threading.get_ident() == writer and worker_thread != writer
            handled.append((name, worker_thread))
            if name == "first":  # work started by a handler belongs to the same group
                pool.submit(threading.get_ident, handle("nested"))

        return then

    def done(group: Group) -> None:
        finished.append(f"done after {len(handled)}")

    with pool.group(done):
        for name in ("first", "second", "third"):
            pool.submit(threading.get_ident, handle(name))
    pool.drain()
    pool.close()
    assert sorted(name for name, _ in handled) == ["first", "nested", "second", "third"]
    assert finished == ["done after 4"]


def test_a_group_whose_handler_fails_is_never_done() -> None:
    pool = WorkPool(concurrency=2)
    finished: list[Group] = []

    def broken(_: object) -> None:
        raise OSError("disk full")

    with pool.group(finished.append):
        pool.submit(lambda: 1, broken)
    with pytest.raises(OSError, match="disk full"):
        pool.drain()
    pool.close()
    assert finished == []


def test_host_gate_limits_each_host_and_spaces_its_starts() -> None:
    gate = HostGate(per_host=1)
    inside: Counter[str] = Counter()
    most: Counter[str] = Counter()
    lock = threading.Lock()

    def request(host: str) -> None:
        with gate.slot(host):
            with lock:
                inside[host] += 1
                most[host] = max(most[host], inside[host])
                most["*"] = max(most["*"], sum(inside.values()))
            time.sleep(0.05)
            with lock:
                inside[host] -= 1

    threads = [threading.Thread(target=request, args=(h,)) for h in ["a", "a", "a", "b", "b"]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most["a"] == most["b"] == 1
    assert most["*"] == 2  # different hosts do not wait for each other

    now = [10.0]
    slept: list[float] = []
    spaced = HostGate(per_host=4, interval=0.5, clock=lambda: now[0], sleep=slept.append)
    for host in ("a", "a", "b", "a"):
        with spaced.slot(host):
            pass
    assert slept == [0.5, 1.0]


def test_a_handler_that_submits_while_the_backlog_is_full_loses_nothing() -> None:
    pool = WorkPool(concurrency=2, backlog=2)
    handled: list[str] = []

    def fan_out(name: str) -> Callable[[int], None]:
        def then(_: int) -> None:
            handled.append(name)
            if name.count(".") < 2:  # each handler starts two more, the backlog being full
                pool.submit(lambda: 0, fan_out(name + ".a"))
                pool.submit(lambda: 0, fan_out(name + ".b"))

        return then

    for name in ("x", "y"):
        pool.submit(lambda: 0, fan_out(name))
    pool.drain()
    pool.close()
    assert len(handled) == 2 * (1 + 2 + 4) and len(set(handled)) == len(handled)


def test_work_held_for_a_group_keeps_it_open_until_it_runs() -> None:
    pool = WorkPool(concurrency=1)
    finished: list[str] = []
    with pool.group(lambda group: finished.append("waiter's source")):
        held = pool.hold()  # e.g. waiting on another source's download
    assert finished == []
    pool.run_held(held, lambda: finished.append("answered"))
    assert finished == ["answered", "waiter's source"]
    pool.close()
