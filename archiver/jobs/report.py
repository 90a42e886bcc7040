"""The nightly job's report: JSON for scripts, a self-contained HTML page for people."""

from __future__ import annotations

import html
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..models import RunSummary


@dataclass
class JobReport:
    started_at: str
    finished_at: str
    resumed: RunSummary | None
    archived: RunSummary | None
    recaptured: RunSummary | None
    changes: list[dict[str, Any]] = field(default_factory=list)  # with before and after
    reuse: list[dict[str, Any]] = field(default_factory=list)  # images seen before
    health: list[dict[str, Any]] = field(default_factory=list)  # each capture method's state
    failures: list[dict[str, Any]] = field(default_factory=list)  # post captures that failed
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step, and in total
    timestamp: dict[str, Any] | None = None  # the trusted-time step, when authorities are set

    def runs(self) -> list[int]:
        return [s.run_id for s in self.summaries()]

    def to_dict(self) -> dict[str, Any]:
        return {
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "resumed": self.resumed.to_dict() if self.resumed else None,
            "archived": self.archived.to_dict() if self.archived else None,
            "recaptured": self.recaptured.to_dict() if self.recaptured else None,
            "changes": self.changes,
            "reuse": self.reuse,
            "health": self.health,
            "failures": self.failures,
            "timestamp": self.timestamp,
            "timings": self.timings,
        }

    def describe(self) -> str:
        parts = [s.describe() for s in self.summaries()]
        parts += [
            f"  {c['kind']}: {c['url'] or c['identity_key']} {c['detail']}" for c in self.changes
        ]
        return "\n".join(parts)

    def write(self, path: Path) -> None:
        """The report as JSON and, beside it, a self-contained HTML page."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_dict(), indent=2, ensure_ascii=False), "utf-8")
        path.with_suffix(".html").write_text(self.html(), "utf-8")

    def html(self) -> str:
        """One page, no scripts or outside files, that a cron mail can carry as it is."""
        broken = [m for m in self.health if not m["ok"]]
        timings = self.timings.items()
        sections = [
            ("Summary", f"<pre>{_escape(self.describe())}</pre>"),
            ("Timings", _table(["step", "seconds"], [[k, f"{v:.1f}"] for k, v in timings])),
            (f"Changes ({len(self.changes)})", _table(
                ["kind", "post", "before", "after", "found"],
                [[c["kind"], _post(c), *_before_after(c["detail"]), c["found_at"]]
                 for c in self.changes],
            )),
            (f"Failures ({len(self.failures)})", _failures(self.failures)),
            (f"Images seen before ({len(self.reuse)})", _table(
                ["image", "seen before as", "method", "distance"],
                [[r["media"], r["earlier"], r["method"], r["distance"]] for r in self.reuse],
            )),
            (f"Capture methods failing ({len(broken)} of {len(self.health)})", _table(
                ["platform", "method", "reason", "failing since"],
                [[m["platform"], m["method"], m["reason"], m["failing_since"]] for m in broken],
            )),
        ]  # fmt: skip
        body = "".join(f"<h2>{_escape(title)}</h2>{content}" for title, content in sections)
        return (
            "<!doctype html><html lang=en><meta charset=utf-8><title>archiver report</title>"
            f"<style>{_STYLE}</style><h1>archiver report, {_escape(self.finished_at)}</h1>"
            f"<p>Started {_escape(self.started_at)}; runs {_escape(self.runs())}.</p>{body}</html>"
        )

    def summaries(self) -> list[RunSummary]:
        return [s for s in (self.resumed, self.archived, self.recaptured) if s]


@contextmanager
def timed(timings: dict[str, float], step: str) -> Iterator[None]:
    """Record how many seconds the block took, as `timings[step]`."""
    started = time.monotonic()
    try:
        yield
    finally:
        timings[step] = round(time.monotonic() - started, 3)


_NONE = "<p>None.</p>"
_STYLE = (
    "body{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:80em}"
    "table{border-collapse:collapse;margin-bottom:1em}"
    "td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}"
    "pre{white-space:pre-wrap}"
)


def _failures(failures: list[dict[str, Any]]) -> str:
    """Failed post captures grouped by reason, the largest group first."""
    by_reason: dict[str, list[dict[str, Any]]] = {}
    for failure in failures:
        by_reason.setdefault(failure["reason"] or "no reason given", []).append(failure)
    groups = sorted(by_reason.items(), key=lambda group: -len(group[1]))
    return (
        "".join(
            f"<h3>{_escape(reason)} ({len(items)})</h3>"
            + _table(
                ["post", "method", "status", "error"],
                [[_post(f), f["method"], f["status"], f["error"]] for f in items],
            )
            for reason, items in groups
        )
        or _NONE
    )


def _before_after(detail: str) -> list[Any]:
    """A change's detail as before and after where it has them; else all of it as after."""
    parsed = json.loads(detail)
    if isinstance(parsed, dict) and {"from", "to"} <= parsed.keys():
        rest = {k: v for k, v in parsed.items() if k not in ("from", "to")}
        return [parsed["from"], parsed["to"] if not rest else f"{parsed['to']} {rest}"]
    return ["", parsed]


def _post(row: dict[str, Any]) -> str:
    return f"{row['platform']} {row['url'] or row['identity_key']}"


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    if not rows:
        return _NONE
    head = "".join(f"<th>{_escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{_escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _escape(value: Any) -> str:
    return html.escape("" if value is None else str(value))
