"""Shared fixtures: no internet, a local HTTP server, and archives wired to it."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from archiver.archive import Archive
from archiver.config import Config, NetworkConfig

from .platforms.player import Player

FIXTURES = Path(__file__).parent / "fixtures"
SEED = Path(__file__).parent.parent / "seeds" / "000_2b039dc95ea20508.txt"
LOCAL_NAMES = {"localhost", "127.0.0.1", "::1"}


@pytest.fixture(autouse=True)
def no_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every DNS look-up but localhost fails, as on a machine with no internet."""
    real = socket.getaddrinfo

    def local_only(host: object, *args: object, **kwargs: object) -> object:
        if host in LOCAL_NAMES:
            return real(host, *args, **kwargs)  # type: ignore[arg-type]
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", local_only)


def make_config(host_map: dict[str, str] | None = None, **network: object) -> Config:
    return Config(operator="tester", network=NetworkConfig(host_map=host_map or {}, **network))  # type: ignore[arg-type]


@pytest.fixture
def open_archive(tmp_path: Path) -> Iterator[Callable[..., Archive]]:
    """Open archives in a temporary folder; each is closed after the test."""
    opened: list[Archive] = []

    def factory(config: Config | None = None, db: str = "archive.db", **kwargs: object) -> Archive:
        archive = Archive.open(tmp_path / db, config or make_config(), **kwargs)  # type: ignore[arg-type]
        opened.append(archive)
        return archive

    yield factory
    for archive in opened:
        archive.close()


@pytest.fixture
def player(httpserver: HTTPServer) -> Player:
    """The local server, playing every platform host through the host map."""
    return Player(httpserver)


@pytest.fixture(scope="session")
def make_httpserver() -> Iterator[HTTPServer]:
    """pytest-httpserver's server, but answering requests in parallel, as real hosts do."""
    server = HTTPServer(host="localhost", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()
