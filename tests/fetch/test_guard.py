"""The SSRF guard refuses private, loopback, metadata and disguised addresses, on every hop."""

from __future__ import annotations

import httpx
import pytest
from pytest_httpserver import HTTPServer

from archiver.config import NetworkConfig
from archiver.errors import FailureReason
from archiver.fetch.client import ExchangeFailed, Fetcher
from archiver.fetch.guard import system_resolver


def fetcher(resolver: dict[str, list[str]] | None = None, **network: object) -> Fetcher:
    answers = resolver or {}

    def resolve(host: str, port: int) -> list[str]:
        return answers[host] if host in answers else system_resolver(host, port)

    return Fetcher(NetworkConfig(**network), "tester", resolver=resolve)  # type: ignore[arg-type]


def refused(client: Fetcher, url: str) -> ExchangeFailed:
    with pytest.raises(ExchangeFailed) as caught:
        client.fetch(url)
    return caught.value


def test_loopback_url_is_refused_by_default(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/").respond_with_data("secret")
    failure = refused(fetcher(), httpserver.url_for("/"))
    assert failure.reason is FailureReason.REFUSED_BY_POLICY
    assert "loopback" in str(failure)
    assert httpserver.log == []  # nothing reached the server


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/",
        "http://10.0.0.1/",
        "http://172.16.5.4/",
        "http://192.168.1.1/admin",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://[::1]/",
        "http://[fd00:ec2::254]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:a9fe:a9fe]/",
    ],
)
def test_private_and_special_addresses_are_refused(url: str) -> None:
    failure = refused(fetcher(), url)
    assert failure.reason is FailureReason.REFUSED_BY_POLICY
    assert failure.exchange.status is None


@pytest.mark.parametrize(
    "url",
    [
        "http://2130706433/",
        "http://0x7f000001/",
        "http://0177.0.0.1/",
        "http://127.1/",
        "http://0x7f.0.0.1/",
    ],
)
def test_numeric_host_tricks_are_refused(url: str) -> None:
    failure = refused(fetcher(), url)
    assert "numeric host" in str(failure)


def test_name_resolving_to_loopback_is_refused() -> None:
    failure = refused(fetcher({"evil.test": ["127.0.0.1"]}), "http://evil.test/")
    assert "loopback address 127.0.0.1" in str(failure)


def test_name_with_any_private_answer_is_refused() -> None:
    failure = refused(fetcher({"mixed.test": ["93.184.216.34", "10.1.2.3"]}), "http://mixed.test/")
    assert "private address 10.1.2.3" in str(failure)


def test_metadata_hostname_is_refused_by_name() -> None:
    assert "metadata" in str(
        refused(fetcher(), "http://metadata.google.internal/computeMetadata/v1/")
    )


@pytest.mark.parametrize(
    "url", ["ftp://example.com/x", "file:///etc/passwd", "gopher://example.com/"]
)
def test_only_http_and_https_are_allowed(url: str) -> None:
    assert refused(fetcher(), url).reason is FailureReason.BAD_SCHEME


def test_unresolvable_name_is_a_dns_failure() -> None:
    assert refused(fetcher(), "https://no-such-host.test/").reason is FailureReason.DNS


def test_public_answer_is_pinned_with_host_header_kept() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, text="ok")

    client = Fetcher(
        NetworkConfig(),
        "tester",
        resolver=lambda host, port: ["93.184.216.34"],
        inner=httpx.MockTransport(answer),
    )
    exchange = client.fetch("https://news.test/a?b=1")
    assert seen[0].url.host == "93.184.216.34"
    assert seen[0].headers["Host"] == "news.test"
    assert seen[0].extensions["sni_hostname"] == "news.test"
    assert exchange.final_url == "https://news.test/a?b=1"


def test_redirect_to_loopback_is_refused_and_the_hop_recorded(httpserver: HTTPServer) -> None:
    target = httpserver.url_for("/private")
    httpserver.expect_request("/start").respond_with_data(
        "", status=302, headers={"Location": target}
    )
    httpserver.expect_request("/private").respond_with_data("secret")
    client = fetcher(host_map={"news.test": httpserver.url_for("/")})
    failure = refused(client, "http://news.test/start")
    assert failure.reason is FailureReason.REFUSED_BY_POLICY
    assert [(h.url, h.status, h.location) for h in failure.exchange.redirects] == [
        ("http://news.test/start", 302, target)
    ]
    assert [request.path for request, _ in httpserver.log] == ["/start"]


def test_redirect_to_a_private_name_is_refused(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/go").respond_with_data(
        "", status=301, headers={"Location": "http://intranet.test/"}
    )
    client = fetcher(
        {"intranet.test": ["192.168.0.10"]}, host_map={"news.test": httpserver.url_for("/")}
    )
    assert "private address 192.168.0.10" in str(refused(client, "http://news.test/go"))


def test_host_map_target_may_be_loopback_while_private_is_refused(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/status/1").respond_with_data("mapped")
    client = fetcher(host_map={"twitter.com": httpserver.url_for("/")})
    exchange = client.fetch("https://twitter.com/status/1")
    assert exchange.body == b"mapped"
    assert exchange.url == "https://twitter.com/status/1"
    assert exchange.sent_to == httpserver.url_for("/status/1")


def test_allow_private_is_an_explicit_opt_in(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/").respond_with_data("local")
    assert fetcher(allow_private=True).fetch(httpserver.url_for("/")).body == b"local"
