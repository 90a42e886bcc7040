"""Settings, read from a TOML file into explicit dataclasses.

operator = "Jane Doe"                   # who runs the tool; else the OS user

[network]
allow_private = false                   # true only for tests against local servers
user_agent = "archiver/0.1 (+https://...)"
connect_timeout = 10.0                  # seconds
read_timeout = 30.0                     # seconds between bytes
total_timeout = 120.0                   # seconds for a whole response
max_body_bytes = 52428800               # bodies are streamed and cut off past this
max_redirects = 10
retries = 2                             # more tries after a timeout, 429 or 5xx
backoff = 1.0                           # seconds before the first retry, doubled each time
max_retry_wait = 60.0                   # the longest Retry-After honoured
concurrency = 8                         # captures and downloads in flight at once
per_host = 4                            # of which at most this many to any one host
host_interval = 0.0                     # seconds between two requests' starts to one host

[network.host_map]                      # logical host -> where requests really go
"cdn.syndication.twimg.com" = "http://127.0.0.1:8765"

[limits]
max_article_bytes = 20971520            # larger input files are refused
max_embeds_per_article = 1000           # more are recorded as a truncation warning
max_media_bytes = 52428800              # larger images and videos are recorded, not downloaded

[platforms]
min_interval = 1.0                      # seconds between two requests to one platform

[platforms.twitter]                     # per platform: pacing and methods switched off
min_interval = 2.0
disabled_methods = ["oembed"]

[recapture]
schedule = ["1h", "1d", "7d", "30d"]    # capture known posts again this long after the first
then_every = "30d"                      # and then at this interval

[export]
organization = "Example News, verification desk"   # bag-info Source-Organization

[timestamp]                             # RFC 3161 timestamp authorities, tried in order
tsas = ["https://freetsa.org/tsr"]
roots = ["/etc/archiver/freetsa-cacert.pem"]        # CA certificates their answers chain to

[browser]                               # screenshots and rendered pages (archive --screenshots)
platforms = []                          # platforms whose posts are rendered; [] = all
executable = ""                         # default: chromium on the PATH (Debian's package)
timeout = 30.0                          # seconds for a page to load
max_height = 20000                      # pixels; taller pages are cut here
viewport_width = 1280
viewport_height = 900
scroll = true                           # scroll down first, so lazy content loads
dismiss_consent = true                  # click "accept" on common cookie banners
concurrency = 1                         # pages rendered at once, each in its own Chromium

[web]                                   # archiver serve
token = ""                              # needed to serve beyond 127.0.0.1; then asked for writes
public_reads = false                    # with a token: may pages be read without it?
max_body_bytes = 26214400               # larger requests (uploads) are refused

[paths]
blobs = "archive.blobs"                 # default: <database name>.blobs beside the database
"""

from __future__ import annotations

import getpass
import os
import tomllib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from . import __version__
from .errors import ConfigError
from .jobs.schedule import duration
from .models import Platform

DEFAULT_USER_AGENT = f"archiver/{__version__} (social post archiver; evidence preservation)"


@dataclass
class NetworkConfig:
    allow_private: bool = False
    user_agent: str = DEFAULT_USER_AGENT
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    total_timeout: float = 120.0
    max_body_bytes: int = 50 * 1024 * 1024
    max_redirects: int = 10
    retries: int = 2
    backoff: float = 1.0
    max_retry_wait: float = 60.0
    concurrency: int = 8
    per_host: int = 4
    host_interval: float = 0.0
    host_map: dict[str, str] = field(default_factory=dict)


@dataclass
class LimitsConfig:
    max_article_bytes: int = 20 * 1024 * 1024
    max_embeds_per_article: int = 1000
    max_media_bytes: int = 50 * 1024 * 1024


@dataclass
class PlatformSettings:
    disabled_methods: list[str] = field(default_factory=list)
    min_interval: float | None = None  # None: the [platforms] default


@dataclass
class PlatformsConfig:
    min_interval: float = 1.0
    by_platform: dict[str, PlatformSettings] = field(default_factory=dict)

    def settings(self, platform: str) -> PlatformSettings:
        return self.by_platform.get(platform, PlatformSettings())

    def interval(self, platform: str) -> float:
        own = self.settings(platform).min_interval
        return self.min_interval if own is None else own


@dataclass
class ReuseConfig:
    """Hamming radii (of 256 PDQ bits) within which two images count as the same picture.

    Measured on benchmarks/reuse: copies of the same photo sit at 0-44 (brightened and cropped
    copies nearest the top), different photos, same-template screenshots included, at 86 and
    beyond; 44 keeps that margin while catching the edits PDQ's usual 31 misses.
    """

    pdq: int = 44
    pdq_mirror: int = 44
    pdq_box: int = 44
    pdq_center: int = 44
    pdq_frame: int = 44

    def thresholds(self) -> dict[str, int]:
        return {name.replace("_", "-"): value for name, value in asdict(self).items()}


@dataclass
class RecaptureConfig:
    """When known posts are captured again (see jobs/schedule.py)."""

    schedule: list[str] = field(default_factory=lambda: ["1h", "1d", "7d", "30d"])
    then_every: str = "30d"


@dataclass
class HealthConfig:
    """Reference posts that `archiver health` captures with every method, per platform.

    Pick long-lived public posts; the defaults are posts famous enough to stay up.
    """

    posts: dict[str, list[str]] = field(
        default_factory=lambda: {
            "twitter": ["https://twitter.com/jack/status/20"],
            "youtube": ["https://www.youtube.com/watch?v=jNQXAC9IVRw"],
        }
    )


@dataclass
class ExportConfig:
    organization: str = ""  # empty: the operator


@dataclass
class TimestampConfig:
    tsas: list[str] = field(default_factory=list)
    roots: list[str] = field(default_factory=list)


@dataclass
class BrowserConfig:
    enabled: bool = False  # `archive --screenshots` or the job file's `screenshots = true`
    platforms: list[str] = field(default_factory=list)  # empty: every platform
    executable: str = ""
    timeout: float = 30.0
    max_height: int = 20000
    viewport_width: int = 1280
    viewport_height: int = 900
    scroll: bool = True
    dismiss_consent: bool = True
    concurrency: int = 1

    def renders(self, platform: str) -> bool:
        return self.enabled and (not self.platforms or platform in self.platforms)


@dataclass
class WebConfig:
    token: str = ""
    public_reads: bool = False
    max_body_bytes: int = 25 * 1024 * 1024


@dataclass
class PathsConfig:
    blobs: str | None = None


@dataclass
class Config:
    operator: str = ""
    network: NetworkConfig = field(default_factory=NetworkConfig)
    limits: LimitsConfig = field(default_factory=LimitsConfig)
    paths: PathsConfig = field(default_factory=PathsConfig)
    platforms: PlatformsConfig = field(default_factory=PlatformsConfig)
    reuse: ReuseConfig = field(default_factory=ReuseConfig)
    recapture: RecaptureConfig = field(default_factory=RecaptureConfig)
    health: HealthConfig = field(default_factory=HealthConfig)
    export: ExportConfig = field(default_factory=ExportConfig)
    timestamp: TimestampConfig = field(default_factory=TimestampConfig)
    browser: BrowserConfig = field(default_factory=BrowserConfig)
    web: WebConfig = field(default_factory=WebConfig)

    def __post_init__(self) -> None:
        if not self.operator:
            self.operator = _os_user()

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None) -> Config:
        """Read the file named, else $ARCHIVER_CONFIG, else return the defaults."""
        chosen = path or os.environ.get("ARCHIVER_CONFIG")
        if not chosen:
            return cls()
        try:
            with open(chosen, "rb") as handle:
                data = tomllib.load(handle)
        except OSError as exc:
            raise ConfigError(f"cannot read config {chosen}: {exc.strerror}", str(chosen)) from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config {chosen} is not valid TOML: {exc}", str(chosen)) from exc
        return cls.from_dict(data, source=str(chosen))

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "<config>") -> Config:
        sections = {
            "network": NetworkConfig,
            "limits": LimitsConfig,
            "paths": PathsConfig,
            "reuse": ReuseConfig,
            "recapture": RecaptureConfig,
            "health": HealthConfig,
            "export": ExportConfig,
            "timestamp": TimestampConfig,
            "browser": BrowserConfig,
            "web": WebConfig,
        }
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            if key == "operator":
                kwargs["operator"] = str(value)
            elif key in sections:
                kwargs[key] = _section(sections[key], value, f"{source} [{key}]")
            elif key == "platforms":
                kwargs[key] = _platforms(value, f"{source} [platforms]")
            else:
                raise ConfigError(f"{source}: unknown setting {key!r}", source)
        config = cls(**kwargs)
        if config.network.concurrency < 1 or config.network.per_host < 1:
            raise ConfigError(f"{source} [network]: concurrency and per_host must be >= 1", source)
        _check_host_map(config.network.host_map, source)
        _check_durations(config.recapture, source)
        return config


def _section(kind: type, values: Any, where: str) -> Any:
    if not isinstance(values, dict):
        raise ConfigError(f"{where} must be a table", where)
    known = {f.name: f for f in fields(kind)}
    for key, value in values.items():
        if key not in known:
            raise ConfigError(f"{where}: unknown setting {key!r}", where)
        default = getattr(kind(), key)
        widening = isinstance(default, float) and isinstance(value, int)
        if default is not None and not isinstance(value, type(default)) and not widening:
            raise ConfigError(f"{where}: {key} must be {type(default).__name__}", where)
    return kind(**values)


def _platforms(values: Any, where: str) -> PlatformsConfig:
    if not isinstance(values, dict):
        raise ConfigError(f"{where} must be a table", where)
    config = PlatformsConfig()
    for key, value in values.items():
        if key == "min_interval":
            config.min_interval = _seconds(value, f"{where}: min_interval")
        elif key in {str(p) for p in Platform}:
            settings = _section(PlatformSettings, value, f"{where[:-1]}.{key}]")
            if settings.min_interval is not None:
                settings.min_interval = _seconds(settings.min_interval, f"{where}: min_interval")
            config.by_platform[key] = settings
        else:
            raise ConfigError(f"{where}: unknown platform or setting {key!r}", where)
    return config


def _seconds(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ConfigError(f"{where} must be a number of seconds", where)
    return float(value)


def _check_durations(recapture: RecaptureConfig, source: str) -> None:
    try:
        for text in [*recapture.schedule, recapture.then_every]:
            duration(text)
    except ValueError as exc:
        raise ConfigError(f"{source} [recapture]: {exc}", source) from exc


def _check_host_map(host_map: dict[str, str], source: str) -> None:
    for host, target in host_map.items():
        parts = urlsplit(target)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(
                f"{source}: host_map target for {host!r} must be an http(s) base URL", source
            )


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def default_blob_root(db_path: Path) -> Path:
    """Blobs live beside the database: archive.db -> archive.blobs/."""
    return db_path.with_name(db_path.stem + ".blobs")
