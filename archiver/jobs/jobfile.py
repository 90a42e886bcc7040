"""`archiver job run JOBFILE.toml`: the nightly job, as cron or systemd runs it.

    [job]
    sources = ["https://example.org/feed.xml", "/srv/articles/"]   # as `archive` takes them
    from = ["/srv/evidence/tonight.txt"]                           # list files, optional
    since_days = 2            # skip feed and sitemap items older than this (optional)
    recapture = "due"         # "due", "all" or "none": known posts captured again
    report = "reports/nightly-{date}.json"   # JSON report; an HTML page is written beside it
    notify = ["/usr/local/bin/mail-report", "{report}"]   # run after the report is written
    health = true             # also check every capture method on the [health] reference posts
    concurrency = 16          # captures in flight at once (else [network] concurrency)
    screenshots = true        # render articles and posts in Chromium ([browser] settings)

Steps: finish a killed run if there is one; archive the sources; recapture; check the
capture methods' health; write the report; run the notification command. Paths in the file
are relative to the file itself.
"""

from __future__ import annotations

import subprocess
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from ..errors import ConfigError
from .sources import is_url, read_list_file

_RECAPTURE = ("due", "all", "none")


@dataclass
class JobFile:
    path: Path
    sources: list[str] = field(default_factory=list)
    list_files: list[str] = field(default_factory=list)
    since_days: int | None = None
    recapture: str = "due"
    report: str | None = None
    notify: list[str] = field(default_factory=list)
    health: bool = True
    concurrency: int | None = None
    screenshots: bool = False

    @classmethod
    def load(cls, path: str | Path) -> JobFile:
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text("utf-8")).get("job")
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read job file {path}: {exc}", str(path)) from exc
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: no [job] table", str(path))
        known = {
            "sources", "from", "since_days", "recapture", "report", "notify", "health",
            "concurrency", "screenshots",
        }  # fmt: skip
        unknown = set(data) - known
        if unknown:
            raise ConfigError(
                f"{path}: unknown job setting(s) {', '.join(sorted(unknown))}", str(path)
            )
        job = cls(
            path,
            [_relative(path, s) for s in data.get("sources", [])],
            [_relative(path, s) for s in data.get("from", [])],
            data.get("since_days"),
            data.get("recapture", "due"),
            data.get("report"),
            [str(part) for part in data.get("notify", [])],
            bool(data.get("health", True)),
            data.get("concurrency"),
            bool(data.get("screenshots", False)),
        )
        if job.concurrency is not None and (
            not isinstance(job.concurrency, int) or job.concurrency < 1
        ):
            raise ConfigError(f"{path}: concurrency must be a whole number >= 1", str(path))
        if job.recapture not in _RECAPTURE:
            raise ConfigError(
                f"{path}: recapture must be one of {', '.join(_RECAPTURE)}", str(path)
            )
        return job

    def locations(self) -> list[str]:
        return self.sources + [s for f in self.list_files for s in read_list_file(f)]

    def since(self, today: date) -> date | None:
        return today - timedelta(days=self.since_days) if self.since_days is not None else None

    def report_path(self, now: datetime) -> Path | None:
        if not self.report:
            return None
        return Path(_relative(self.path, self.report.replace("{date}", now.strftime("%Y-%m-%d"))))


def notify(command: list[str], report: Path | None) -> None:
    """Run the notification command with the report's path; its failure is the job's."""
    if not command:
        return
    argv = [part.replace("{report}", str(report or "")) for part in command]
    try:
        subprocess.run(argv, check=True, timeout=300, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError) as exc:
        raise ConfigError(f"notify command {argv[0]} failed: {exc}") from exc


def now_utc() -> datetime:
    return datetime.now(UTC)


def _relative(jobfile: Path, value: str) -> str:
    if is_url(value) or Path(value).is_absolute():
        return value
    return str(jobfile.parent / value)
