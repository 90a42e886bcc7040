"""RFC 3161 trusted timestamps: a timestamp authority (TSA) signs that some data existed at
a time. Requests and answers are DER, built and checked by the `rfc3161-client` library; an
answer is accepted only when its signature chains to one of the configured root
certificates, its nonce is ours and it covers exactly our data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from rfc3161_client import (
    HashAlgorithm,
    TimestampRequestBuilder,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)

from .errors import ConfigError, FetchError, TimestampError
from .fetch.client import Fetcher

_GRANTED = (0, 1)  # granted, grantedWithMods


@dataclass
class Token:
    tsa: str
    der: bytes  # the whole TimeStampResp, as the TSA sent it
    gen_time: str  # ISO 8601, UTC


def load_roots(paths: list[str]) -> list[x509.Certificate]:
    """The CA certificates TSA answers must chain to (PEM files, any number in each)."""
    roots: list[x509.Certificate] = []
    for path in paths:
        try:
            roots += x509.load_pem_x509_certificates(Path(path).read_bytes())
        except (OSError, ValueError) as exc:
            raise ConfigError(f"[timestamp] roots: cannot read {path}: {exc}", path) from exc
    return roots


def pem_of(roots: list[x509.Certificate]) -> bytes:
    return b"".join(root.public_bytes(serialization.Encoding.PEM) for root in roots)


def stamp(fetcher: Fetcher, tsa: str, data: bytes, roots: list[x509.Certificate]) -> Token:
    """Ask one TSA to stamp `data` (hashed with SHA-256); `TimestampError` if it will not."""
    request = (
        TimestampRequestBuilder().data(data).hash_algorithm(HashAlgorithm.SHA256)
        .nonce(nonce=True).cert_request(cert_request=True).build()
    )  # fmt: skip
    try:
        der = fetcher.post(tsa, request.as_bytes(), "application/timestamp-query")
    except FetchError as exc:
        raise TimestampError(f"{tsa}: {exc}", tsa) from exc
    gen_time = check(der, data, roots, tsa, nonce=request.nonce)
    return Token(tsa, der, gen_time)


def check(
    der: bytes, data: bytes, roots: list[x509.Certificate], tsa: str, nonce: int | None = None
) -> str:
    """The time a token vouches for `data`; `TimestampError` when it does not hold."""
    try:
        response = decode_timestamp_response(der)
    except ValueError as exc:
        raise TimestampError(f"{tsa}: not a timestamp answer: {exc}", tsa) from exc
    if response.status not in _GRANTED:
        raise TimestampError(f"{tsa}: refused (status {response.status})", tsa)
    if not roots:
        raise TimestampError(f"{tsa}: no root certificates to check the answer against", tsa)
    builder = VerifierBuilder(nonce=nonce)
    for root in roots:
        builder = builder.add_root_certificate(root)
    try:
        builder.build().verify_message(response, data)
    except VerificationError as exc:
        raise TimestampError(f"{tsa}: the answer does not hold: {exc}", tsa) from exc
    return response.tst_info.gen_time.isoformat()
