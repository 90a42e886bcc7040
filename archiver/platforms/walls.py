"""Telling a post from a wall: login pages, rate limits, age gates, geo blocks, empty shells.

Platforms answer 200 with a login form, a consent page or a JavaScript shell as readily as
with the post. `blocked` looks at what any answer says before an adapter reads it; `why_empty`
explains a page in which the adapter found no post, so that no wall is ever stored as `ok`.
"""

from __future__ import annotations

import re

from ..errors import FailureReason
from .base import Response

_LOGIN_PATHS = re.compile(r"/(?:accounts/login|login|i/flow/login|checkpoint|signin)\b", re.I)
_CONSENT_HOSTS = ("consent.youtube.com", "consent.google.com")
_MARKERS: tuple[tuple[FailureReason, tuple[str, ...]], ...] = (
    (FailureReason.AGE_GATED, (
        "sign in to confirm your age", "age-restricted", "age restricted", "confirm your age",
    )),
    (FailureReason.GEO_BLOCKED, (
        "not available in your country", "isn't available in your country",
        "not available in your region", "the uploader has not made this video available",
    )),
    (FailureReason.RATE_LIMITED, (
        "too many requests", "rate limit exceeded", "whoa there, pardner",
        "please wait a few minutes",
    )),
    (FailureReason.LOGIN_WALL, (
        "log in to continue", "log into facebook", "you must log in", "login • instagram",
        "sign in to continue",
    )),
)  # fmt: skip
_TEXT = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S | re.I)


def blocked(response: Response) -> FailureReason | None:
    """The reason an answer cannot hold the post, judged before reading it."""
    exchange = response.exchange
    if exchange.error_reason:
        return FailureReason(exchange.error_reason)
    final = exchange.final_url or exchange.url
    if any(host in final for host in _CONSENT_HOSTS) or _LOGIN_PATHS.search(final.split("?")[0]):
        return FailureReason.LOGIN_WALL
    if exchange.status == 429:
        return FailureReason.RATE_LIMITED
    if exchange.status == 451:
        return FailureReason.WITHHELD
    return None


def why_empty(response: Response) -> FailureReason:
    """Why a page in which no post was found shows none: a wall, a shell, or a changed format."""
    body = response.text[:300_000]
    lowered = body.lower()
    for reason, markers in _MARKERS:
        if any(marker in lowered for marker in markers):
            return reason
    visible = " ".join(_TEXT.sub(" ", body).split())
    if len(visible) < 400 and ("javascript" in lowered or "<script" in lowered):
        return FailureReason.JS_SHELL
    return FailureReason.PARSE_ERROR
