"""Each exchange records its provenance; bodies, redirects and time are bounded."""

from __future__ import annotations

import gzip
import hashlib
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from archiver import __version__
from archiver.config import NetworkConfig
from archiver.errors import FailureReason
from archiver.fetch.client import ExchangeFailed, Fetcher


def mapped(httpserver: HTTPServer, **network: object) -> Fetcher:
    config = NetworkConfig(host_map={"news.test": httpserver.url_for("/")}, **network)  # type: ignore[arg-type]
    return Fetcher(config, "Jane Verifier")


def test_exchange_records_every_provenance_field(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/a").respond_with_data("", status=301, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data(
        "", status=302, headers={"Location": "/c?x=1"}
    )
    httpserver.expect_request("/c").respond_with_data(
        "<p>hello</p>", content_type="text/html; charset=utf-8", headers={"X-Served-By": "fixture"}
    )
    exchange = mapped(httpserver).fetch("http://news.test/a")
    assert exchange.url == "http://news.test/a"
    assert exchange.final_url == "http://news.test/c?x=1"
    assert exchange.sent_to == httpserver.url_for("/c") + "?x=1"
    assert [(h.url, h.status, h.location) for h in exchange.redirects] == [
        ("http://news.test/a", 301, "/b"),
        ("http://news.test/b", 302, "/c?x=1"),
    ]
    assert exchange.status == 200
    assert ("X-Served-By".lower(), "fixture") in [(k.lower(), v) for k, v in exchange.headers]
    assert exchange.content_type == "text/html" and exchange.charset == "utf-8"
    assert exchange.remote_ip == "127.0.0.1"
    assert exchange.started_at <= exchange.ended_at and exchange.started_at.endswith("Z")
    assert exchange.bytes == len(b"<p>hello</p>")
    assert exchange.body_sha256 == hashlib.sha256(b"<p>hello</p>").hexdigest()
    assert exchange.user_agent.startswith("archiver/")
    assert exchange.tool_version == __version__
    assert exchange.operator == "Jane Verifier"
    assert exchange.error_reason is None
    user_agents = {request.headers["User-Agent"] for request, _ in httpserver.log}
    assert user_agents == {exchange.user_agent}


def test_error_status_is_a_completed_exchange(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/gone").respond_with_data("not here", status=404)
    exchange = mapped(httpserver).fetch("http://news.test/gone")
    assert (exchange.status, exchange.ok, exchange.body) == (404, False, b"not here")


def test_declared_body_over_the_limit_is_refused_unread(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/big").respond_with_data(b"x" * 5000)
    with pytest.raises(ExchangeFailed) as caught:
        mapped(httpserver, max_body_bytes=1000).fetch("http://news.test/big")
    assert caught.value.reason is FailureReason.TOO_LARGE
    assert caught.value.exchange.status == 200 and caught.value.exchange.body_sha256 is None


def test_streamed_body_is_cut_off_past_the_limit(httpserver: HTTPServer) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(100):
            yield b"y" * 1000

    httpserver.expect_request("/stream").respond_with_response(Response(chunks()))
    with pytest.raises(ExchangeFailed) as caught:
        mapped(httpserver, max_body_bytes=10_000).fetch("http://news.test/stream")
    assert caught.value.reason is FailureReason.TOO_LARGE


def test_redirect_loop_stops_at_the_limit(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/loop").respond_with_data(
        "", status=302, headers={"Location": "/loop"}
    )
    with pytest.raises(ExchangeFailed) as caught:
        mapped(httpserver, max_redirects=3).fetch("http://news.test/loop")
    assert caught.value.reason is FailureReason.TOO_MANY_REDIRECTS
    assert len(caught.value.exchange.redirects) == 4


def test_silent_server_hits_the_read_timeout(httpserver: HTTPServer) -> None:
    def slow(request: Request) -> Response:
        time.sleep(1.0)
        return Response("late")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    started = time.monotonic()
    with pytest.raises(ExchangeFailed) as caught:
        mapped(httpserver, read_timeout=0.3).fetch("http://news.test/slow")
    assert caught.value.reason is FailureReason.TIMEOUT
    assert time.monotonic() - started < 0.9
    _wait_until_served(httpserver, 1)


def _wait_until_served(httpserver: HTTPServer, count: int) -> None:
    """The fixture server answers one request at a time: let the slow one finish first."""
    deadline = time.monotonic() + 5
    while len(httpserver.log) < count and time.monotonic() < deadline:
        time.sleep(0.05)


def test_dripping_server_hits_the_total_deadline(httpserver: HTTPServer) -> None:
    def drip() -> Iterator[bytes]:
        for _ in range(20):
            time.sleep(0.1)
            yield b"."

    httpserver.expect_request("/drip").respond_with_response(Response(drip()))
    with pytest.raises(ExchangeFailed) as caught:
        mapped(httpserver, read_timeout=1.0, total_timeout=0.5).fetch("http://news.test/drip")
    assert caught.value.reason is FailureReason.TIMEOUT
    assert "not complete after" in str(caught.value)


def test_connection_refused_is_recorded_as_such() -> None:
    config = NetworkConfig(host_map={"news.test": "http://127.0.0.1:9"})
    with pytest.raises(ExchangeFailed) as caught:
        Fetcher(config, "tester").fetch("http://news.test/")
    assert caught.value.reason is FailureReason.CONNECTION
    assert (
        caught.value.exchange.sent_to is None and caught.value.exchange.url == "http://news.test/"
    )


def test_compressed_body_is_limited_after_decompression(httpserver: HTTPServer) -> None:
    bomb = gzip.compress(b"\0" * 2_000_000)  # 2 KB on the wire, 2 MB unpacked
    httpserver.expect_request("/bomb").respond_with_data(bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(ExchangeFailed) as caught:
        mapped(httpserver, max_body_bytes=100_000).fetch("http://news.test/bomb")
    assert caught.value.reason is FailureReason.TOO_LARGE


def test_server_speaking_garbage_is_a_protocol_failure() -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def answer_garbage() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(b"\x16\x03\x01 this is not HTTP at all\r\n\r\n")

    server = threading.Thread(target=answer_garbage, daemon=True)
    server.start()
    config = NetworkConfig(host_map={"news.test": f"http://127.0.0.1:{port}"})
    with pytest.raises(ExchangeFailed) as caught:
        Fetcher(config, "tester").fetch("http://news.test/")
    server.join(timeout=5)
    listener.close()
    assert caught.value.reason is FailureReason.PROTOCOL


def test_a_url_with_no_readable_host_is_an_invalid_url_exchange() -> None:
    from archiver.config import NetworkConfig
    from archiver.fetch.client import Fetcher

    with Fetcher(NetworkConfig(), "tester") as fetcher:
        exchange = fetcher.attempt("https://[bad/x")
    assert exchange.status is None and exchange.error_reason == "invalid_url"
