"""When a known post is due to be captured again.

New posts change most: they are captured again at set delays after their first capture
(by default 1 hour, 1 day, 7 days, 30 days), then at a steady interval (30 days). A post is
due when the latest checkpoint it has passed came after its last capture.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..config import RecaptureConfig
    from ..models import PostRecord

_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def duration(text: str) -> timedelta:
    """'45m', '1h', '7d', '2w' as a timedelta; ValueError for anything else."""
    match = re.fullmatch(r"\s*(\d+)\s*([mhdw])\s*", text)
    if not match:
        raise ValueError(f"not a duration: {text!r} (use e.g. 45m, 1h, 7d, 2w)")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def is_due(
    first: datetime, last: datetime, now: datetime, steps: list[timedelta], every: timedelta
) -> bool:
    """Whether a checkpoint after `first` has come since the `last` capture (and by `now`)."""
    passed = [first + step for step in steps if first + step <= now]
    if steps and first + steps[-1] <= now:
        cycles = (now - first - steps[-1]) // every
        passed.append(first + steps[-1] + cycles * every)
    return bool(passed) and max(passed) > last


def due_posts(posts: list[PostRecord], config: RecaptureConfig, now: datetime) -> list[PostRecord]:
    """The posts whose next capture is due by `now`, under the configured schedule."""
    steps = [duration(step) for step in config.schedule]
    every = duration(config.then_every)
    return [
        post
        for post in posts
        if is_due(_moment(post.first_captured), _moment(post.last_captured), now, steps, every)
    ]


def _moment(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))
