"""Browser capture: what a person would have seen, rendered by a real Chromium.

Playwright drives Debian's Chromium (`[browser] executable`, else `chromium` on the PATH; no
browser download), headless, with a fresh profile (a new context) per page and fixed,
recorded device settings. Every request the page makes is routed through the archiver's own
`Fetcher`: the SSRF guard, the host map, size limits and provenance apply exactly as to the
adapters, each exchange is kept (refused ones too), and the browser only ever sees answers the
Fetcher got. Only GET is replayed; other methods are refused and recorded.

Each render gives a full-page PNG screenshot (cut at `max_height`), the DOM after scripts,
and a manifest of the settings and times. A page that does not load within the timeout is a
failed render, with the exchanges it made.
"""

from __future__ import annotations

import contextlib
import io
import shutil
from dataclasses import dataclass, field
from html import escape
from typing import Any

from PIL import Image, ImageDraw, ImageFont
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Playwright, Route, sync_playwright

from . import __version__
from .config import BrowserConfig
from .errors import ConfigError, FailureReason
from .fetch.client import Fetcher
from .models import Exchange, utc_now

_DROPPED = {"content-encoding", "content-length", "transfer-encoding"}
# Anything that escapes request routing (WebRTC, DNS prefetch, a socket the routing misses)
# goes to a proxy that does not exist, finds no DNS, and so goes nowhere.
_LAUNCH_ARGS = [
    "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
    "--proxy-server=socks5://127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
]  # fmt: skip
# Accept buttons of common consent frameworks (OneTrust, Funding Choices, Didomi, Quantcast,
# Cookiebot, TrustArc, Usercentrics, Sourcepoint's own page).
_CONSENT = (
    "#onetrust-accept-btn-handler", ".fc-cta-consent", "#didomi-notice-agree-button",
    ".qc-cmp2-summary-buttons button[mode=primary]",
    "#CybotCookiebotDialogBodyLevelButtonLevelOptinAllowAll", "#truste-consent-button",
    "button[data-testid=uc-accept-all-button]", "button[title='Accept all']",
    "button[aria-label='Accept all']",
)  # fmt: skip


@dataclass
class Rendered:
    url: str
    started_at: str
    ended_at: str = ""
    final_url: str | None = None
    ok: bool = False
    error: str | None = None
    screenshot: bytes | None = None
    dom: bytes | None = None
    manifest: dict[str, Any] = field(default_factory=dict)
    exchanges: list[Exchange] = field(default_factory=list)
    prefetched: dict[str, Exchange] = field(default_factory=dict)  # URL -> answer in hand


class Browser:
    """One Chromium for a run, started on first use; a fresh context for every page."""

    def __init__(self, settings: BrowserConfig, fetcher: Fetcher) -> None:
        self.settings = settings
        self.fetcher = fetcher
        self._playwright: Playwright | None = None
        self._browser: Any = None

    def render(self, url: str, html: str | None = None) -> Rendered:
        """Load `url` (or show `html`, an archived file, as if served from nowhere) and keep
        what the browser saw."""
        result = Rendered(url, utc_now())
        browser = self._start()
        settings = self.settings
        context = browser.new_context(
            viewport={"width": settings.viewport_width, "height": settings.viewport_height},
            device_scale_factor=1, locale="en-US", timezone_id="UTC",
            user_agent=self.fetcher.network.user_agent, service_workers="block",
        )  # fmt: skip
        page = None
        try:
            context.route("**/*", lambda route: self._route(route, result))
            context.route_web_socket("**/*", _refuse_socket)  # no channel around the Fetcher
            page = context.new_page()
            if html is None:
                page.goto(self._landing(url, result), wait_until="load",
                          timeout=settings.timeout * 1000)  # fmt: skip
            else:
                page.set_content(html, wait_until="load", timeout=settings.timeout * 1000)
            with contextlib.suppress(PlaywrightError):  # pages that never go quiet
                page.wait_for_load_state("networkidle", timeout=2000)
            clicked = self._dismiss_consent(page) if settings.dismiss_consent else []
            if settings.scroll:
                self._scroll(page)
            height = _pixels(page.evaluate("document.documentElement.scrollHeight"))
            shown = max(1, min(height or settings.max_height, settings.max_height))
            result.screenshot = page.screenshot(
                full_page=True,
                clip={"x": 0, "y": 0, "width": settings.viewport_width, "height": shown},
                timeout=settings.timeout * 1000,
            )
            result.dom = page.content().encode("utf-8")
            result.final_url = page.url if html is None else None
            result.ok = True
            result.manifest = {"page_height": height, "cut_at": shown, "consent_clicked": clicked}
        except PlaywrightError as exc:
            result.error = str(exc).splitlines()[0]
        finally:
            user_agent = self._user_agent(page) if page is not None else None
            with contextlib.suppress(PlaywrightError):
                context.close()
        result.ended_at = utc_now()
        result.manifest |= {
            "url": url, "final_url": result.final_url, "from_archived_file": html is not None,
            "browser": f"Chromium {browser.version}", "executable": self._executable(),
            "headless": True, "viewport": {"width": settings.viewport_width,
                                           "height": settings.viewport_height},
            "device_scale_factor": 1, "locale": "en-US", "timezone": "UTC",
            "user_agent": user_agent, "timeout_seconds": settings.timeout,
            "max_height": settings.max_height, "started_at": result.started_at,
            "ended_at": result.ended_at, "tool_version": __version__, "error": result.error,
        }  # fmt: skip
        return result

    def close(self) -> None:
        if self._browser is not None:
            self._browser.close()
        if self._playwright is not None:
            self._playwright.stop()
        self._browser = self._playwright = None

    def _start(self) -> Any:
        if self._browser is None:
            self._playwright = sync_playwright().start()
            try:
                self._browser = self._playwright.chromium.launch(
                    executable_path=self._executable(),
                    headless=True,
                    args=_LAUNCH_ARGS,
                )
            except PlaywrightError as exc:
                self._playwright.stop()
                self._playwright = None
                raise ConfigError(f"cannot start Chromium: {str(exc).splitlines()[0]}") from exc
        return self._browser

    def _executable(self) -> str:
        chosen = (
            self.settings.executable or shutil.which("chromium") or shutil.which("chromium-browser")
        )
        if not chosen:
            raise ConfigError(
                "no Chromium for browser capture: apt-get install chromium, or set "
                "[browser] executable"
            )
        return chosen

    def _landing(self, url: str, result: Rendered) -> str:
        """Where the page really is: the document is fetched first, and a redirect (which the
        browser's routing would not see) sends the browser straight to its end, so the page
        runs at the origin it came from. The answer is kept for the browser's own request."""
        exchange = self.fetcher.attempt(url)
        result.exchanges.append(exchange)
        landing = exchange.final_url if exchange.redirects and exchange.final_url else url
        result.prefetched[landing] = exchange
        return landing

    def _route(self, route: Route, result: Rendered) -> None:
        """Answer the browser's request with the Fetcher's answer, or refuse it; keep both.

        The Fetcher follows redirects itself, each hop through the guard; a redirected
        subresource is answered under the URL the page asked for."""
        request = route.request
        if request.method != "GET":
            result.exchanges.append(self._refused(request.url, f"{request.method} not replayed"))
            route.abort("blockedbyclient")
            return
        exchange = result.prefetched.pop(request.url, None)
        if exchange is None:
            exchange = self.fetcher.attempt(request.url)
            result.exchanges.append(exchange)
        if exchange.status is None:
            refused = exchange.error_reason == FailureReason.REFUSED_BY_POLICY
            route.abort("blockedbyclient" if refused else "failed")
            return
        headers = {k: v for k, v in exchange.headers if k.lower() not in _DROPPED}
        route.fulfill(status=exchange.status, headers=headers, body=exchange.body)

    def _refused(self, url: str, why: str) -> Exchange:
        now = utc_now()
        network = self.fetcher.network
        return Exchange(
            url, None, None, [], None, [], None, now, now, 0, None, network.user_agent,
            __version__, self.fetcher.operator, str(FailureReason.REFUSED_BY_POLICY), why,
        )  # fmt: skip

    @staticmethod
    def _dismiss_consent(page: Any) -> list[str]:
        clicked = []
        for selector in _CONSENT:
            with contextlib.suppress(PlaywrightError):
                button = page.locator(selector).first
                if button.is_visible(timeout=200):
                    button.click(timeout=1000)
                    clicked.append(selector)
        return clicked

    def _scroll(self, page: Any) -> None:
        """Down to the bottom (or the height limit) in screen steps, so lazy content loads."""
        with contextlib.suppress(PlaywrightError):
            page.evaluate(
                """async ([limit, step]) => {
                    for (let y = 0; y < Math.min(document.body.scrollHeight, limit); y += step) {
                        window.scrollTo(0, y);
                        await new Promise(r => setTimeout(r, 100));
                    }
                    window.scrollTo(0, 0);
                }""",
                [self.settings.max_height, self.settings.viewport_height],
            )

    @staticmethod
    def _user_agent(page: Any) -> str | None:
        with contextlib.suppress(PlaywrightError):
            return str(page.evaluate("navigator.userAgent"))
        return None


def _refuse_socket(socket: Any) -> None:
    """WebSockets would bypass the Fetcher (and its guard and records): none is opened."""
    socket.close()


def _pixels(value: Any) -> int | None:
    """A height the page's scripts report, which may be anything (NaN, a string, 1e308)."""
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if number > 0 else None


def as_page(text: str, content_type: str | None) -> str:
    """An archived file as the browser should show it: HTML as it is, anything else as text."""
    if content_type and "html" in content_type:
        return text
    style = "white-space:pre-wrap;font:15px/1.4 sans-serif;margin:2em"
    return f"<!doctype html><meta charset='utf-8'><pre style='{style}'>{escape(text)}</pre>"


def public_page(platform: str, post_id: str | None, url: str | None) -> str | None:
    """The page a person would open for a post: X's embed page (the post page itself wants a
    login), Telegram's embed view, else the post's own URL."""
    if platform == "twitter" and post_id:
        return f"https://platform.twitter.com/embed/Tweet.html?id={post_id}"
    if platform == "telegram" and url:
        return url.split("?")[0] + "?embed=1"
    return url


def annotate(png: bytes, captured_at: str, url: str, capture: str) -> bytes:
    """A copy with a band on top saying when, what and which capture; the original stays."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    band = 48
    out = Image.new("RGB", (image.width, image.height + band), (255, 255, 224))
    out.paste(image, (0, band))
    draw = ImageDraw.Draw(out)
    font = ImageFont.load_default(size=16)
    draw.text((10, 6), f"Captured {captured_at} UTC  |  {capture}", fill=(0, 0, 0), font=font)
    draw.text((10, 26), url[:180], fill=(60, 60, 60), font=font)
    buffer = io.BytesIO()
    out.save(buffer, "PNG")
    return buffer.getvalue()
