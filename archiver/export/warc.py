"""The bundle's WARC/1.1 file, written with warcio.

    warcinfo        who wrote it, with what, for what selection
    request         each HTTP exchange's GET, as sent (Host, User-Agent), at its capture time
    response        the answer: status, headers, body. The body is stored decoded, so
                    Content-Encoding and Transfer-Encoding are dropped and Content-Length set
                    to the body kept (the original values go in the exchange's metadata)
    revisit         an answer whose body is already in the file (an unchanged recapture):
                    identical-payload-digest, referring to the first
    metadata        per exchange: redirect hops, remote IP, errors, the original encoding
                    headers; per capture: the post, status, method, run, operator, tool
                    version, the articles that embedded it
    resource        images that came from files rather than over HTTP, and derived files
                    (provenance.json)

An exchange that never got an answer (DNS failure, refused by policy) is a request record
with a metadata record saying why.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from .. import __version__

_DROPPED = {"content-encoding", "transfer-encoding", "content-length"}
BlobReader = Callable[[str], bytes]


class BundleWarc:
    """Writes the records; remembers which bodies it holds, for revisits."""

    def __init__(self, handle: BinaryIO, read_blob: BlobReader) -> None:
        self.writer = WARCWriter(handle, gzip=True, warc_version="1.1")
        self.read_blob = read_blob
        self._bodies: dict[str, tuple[str, str, str]] = {}  # sha256 -> uri, date, payload digest
        self.response_ids: dict[int, str] = {}  # exchange id -> WARC-Record-ID of its answer

    def warcinfo(self, filename: str, fields: dict[str, str]) -> None:
        info = {"software": f"archiver {__version__} (warcio)", "format": "WARC File Format 1.1"}
        self._write(self.writer.create_warcinfo_record(filename, info | fields))

    def exchange(self, exchange: dict[str, Any]) -> None:
        """The request, then its response (or revisit), then what else is known about it."""
        date = exchange["started_at"]
        target = exchange["final_url"] or exchange["url"]
        request = self.writer.create_warc_record(
            target, "request", http_headers=_request_headers(target, exchange["user_agent"]),
            warc_headers_dict={"WARC-Date": date},
        )  # fmt: skip
        answer = self._answer(exchange, target, date) if exchange["status"] is not None else None
        if answer is not None:
            self.writer.write_request_response_pair(request, answer)
            _close(request, answer)
            self.response_ids[exchange["id"]] = answer.rec_headers.get_header("WARC-Record-ID")
            concurrent = self.response_ids[exchange["id"]]
        else:
            concurrent = request.rec_headers.get_header("WARC-Record-ID")
            self._write(request)
        self.metadata(target, date, _exchange_metadata(exchange), concurrent)

    def _answer(self, exchange: dict[str, Any], target: str, date: str) -> Any:
        status = int(exchange["status"])
        sha256 = exchange["body_sha256"]
        body = self.read_blob(sha256) if sha256 else b""
        headers = [(k, v) for k, v in exchange["headers"] if k.lower() not in _DROPPED]
        headers.append(("Content-Length", str(len(body))))
        http_headers = StatusAndHeaders(f"{status} {_phrase(status)}", headers, "HTTP/1.1")
        extra = {"WARC-Date": date}
        if exchange["remote_ip"]:
            extra["WARC-IP-Address"] = exchange["remote_ip"]
        if sha256 and sha256 in self._bodies:
            uri, first_date, digest = self._bodies[sha256]
            revisit = self.writer.create_revisit_record(
                target, digest=digest, refers_to_uri=uri, refers_to_date=first_date,
                http_headers=http_headers, warc_headers_dict=extra,
            )  # fmt: skip
            return revisit
        record = self.writer.create_warc_record(
            target, "response", payload=io.BytesIO(body), http_headers=http_headers,
            warc_headers_dict=extra,
        )  # fmt: skip
        if sha256:
            digest = record.rec_headers.get_header("WARC-Payload-Digest")
            self._bodies[sha256] = (target, date, digest)
        return record

    def metadata(
        self, uri: str, date: str, content: dict[str, Any], concurrent_to: str | None = None
    ) -> None:
        extra = {"WARC-Date": date}
        if concurrent_to:
            extra["WARC-Concurrent-To"] = concurrent_to
        self._write(
            self.writer.create_warc_record(
                uri, "metadata", payload=io.BytesIO(_json(content)),
                warc_content_type="application/json", warc_headers_dict=extra,
            )
        )  # fmt: skip

    def resource(self, uri: str, date: str, data: bytes, content_type: str) -> None:
        self._write(
            self.writer.create_warc_record(
                uri, "resource", payload=io.BytesIO(data), warc_content_type=content_type,
                warc_headers_dict={"WARC-Date": date},
            )
        )  # fmt: skip

    def holds(self, sha256: str) -> bool:
        return sha256 in self._bodies

    def _write(self, record: Any) -> None:
        self.writer.write_record(record)
        _close(record)


def _close(*records: Any) -> None:
    """warcio buffers a record's payload in a temporary file it leaves open."""
    for record in records:
        stream = getattr(record, "raw_stream", None)
        if stream is not None:
            stream.close()


def write_warc(path: Path, read_blob: BlobReader, build: Callable[[BundleWarc], None]) -> None:
    with path.open("wb") as handle:
        build(BundleWarc(handle, read_blob))


def _request_headers(url: str, user_agent: str | None) -> StatusAndHeaders:
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = [("Host", parts.netloc)]
    if user_agent:
        headers.append(("User-Agent", user_agent))
    return StatusAndHeaders(f"GET {path} HTTP/1.1", headers, is_http_request=True)


def _exchange_metadata(exchange: dict[str, Any]) -> dict[str, Any]:
    original = {k: v for k, v in exchange["headers"] if k.lower() in _DROPPED}
    return {
        "exchange": exchange["id"],
        "url_asked": exchange["url"],
        "final_url": exchange["final_url"],
        "redirects": exchange["redirects"],
        "sent_to": exchange["sent_to"],
        "remote_ip": exchange["remote_ip"],
        "started_at": exchange["started_at"],
        "ended_at": exchange["ended_at"],
        "body_sha256": exchange["body_sha256"],
        "bytes": exchange["bytes"],
        "error_reason": exchange["error_reason"],
        "error": exchange["error"],
        "original_headers_dropped": original,
        "operator": exchange["operator"],
        "tool_version": exchange["tool_version"],
    }


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _json(content: dict[str, Any]) -> bytes:
    return json.dumps(content, indent=2, ensure_ascii=False, sort_keys=True).encode("utf-8")
