"""The web app: server-rendered pages over the same `Archive` methods the CLI calls.

Pages: search (any URL form of a post, an article URL, an @handle, or words, by SQLite FTS5),
a post's story (captures with status badges and screenshots, text diffs side by side, images
with their reuse lineage, the articles that embedded it, notes with a form, an export button),
an article, an image lookup, recent runs. `/api/` answers in the CLI's `--json` shapes.

Archived content is written by adversaries, so: Jinja2 autoescapes every value; archived HTML
is never rendered here; a Content-Security-Policy allows no inline script at all (there is no
script); media are served only from the blob store, by sha256, only if they are images, with
their recorded type and `nosniff`; forms carry a CSRF token (double-submit cookie); bodies
are size-limited. Handlers are `async` and run on the event loop's one thread, which owns the
one `Archive` (and so the one SQLite connection).
"""

from __future__ import annotations

import contextlib
import difflib
import json
import re
import secrets
import shutil
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..archive import Archive
from ..config import WebConfig
from ..errors import ArchiverError, NotFound
from ..export.selection import Selection
from ..history import find_post, history_of
from ..jobs.sources import article_key, is_url

HERE = Path(__file__).parent
CSRF_COOKIE = "archiver_csrf"
TOKEN_COOKIE = "archiver_token"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; img-src 'self'; style-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
Handler = Callable[[Request], Awaitable[Response]]
_IMAGE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp", "image/tiff"}


class Web:
    """The app's state: how to open the archive, the settings, and the templates."""

    def __init__(self, open_archive: Callable[[], Archive], settings: WebConfig) -> None:
        self.open_archive = open_archive
        self.settings = settings
        self._archive: Archive | None = None
        self.templates = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
        )
        self.templates.filters["outside_link"] = outside_link

    @property
    def archive(self) -> Archive:
        if self._archive is None:  # opened on the loop's thread, which then owns it
            self._archive = self.open_archive()
        return self._archive

    def close(self) -> None:
        if self._archive is not None:
            self._archive.close()

    def page(self, request: Request, name: str, status: int = 200, **values: Any) -> Response:
        token = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
        body = self.templates.get_template(name).render(csrf=token, **values)
        response = HTMLResponse(body, status_code=status)
        if CSRF_COOKIE not in request.cookies:
            response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict")
        return response


def outside_link(url: str | None) -> str:
    """An archived URL as a link target only when it is http(s); anything else (javascript:,
    data:) links nowhere."""
    return url if url and url.lower().startswith(("http://", "https://")) else "#"


LOCAL_HOSTS = ["127.0.0.1", "localhost", "::1"]


def create_app(
    open_archive: Callable[[], Archive], settings: WebConfig, hosts: list[str] | None = None
) -> Starlette:
    """The app; `hosts` are the Host headers it answers (default: this machine's names)."""
    web = Web(open_archive, settings)
    hosts = hosts or LOCAL_HOSTS

    def route(path: str, handler: Callable[[Web, Request], Awaitable[Response]],
              methods: tuple[str, ...] = ("GET",)) -> Route:  # fmt: skip
        async def endpoint(request: Request) -> Response:
            refused = await _guard(web, request)
            if refused is not None:
                return refused
            try:
                response = await handler(web, request)
            except NotFound as exc:
                response = _error(web, request, 404, str(exc))
            except ArchiverError as exc:
                response = _error(web, request, 400, f"{type(exc).__name__}: {exc}")
            return response

        return Route(path, endpoint, methods=list(methods))

    routes = [
        route("/", home), route("/search", search), route("/post/{post:int}", post_page),
        route("/post/{post:int}/notes", add_note, ("POST",)),
        route("/post/{post:int}/export", export_post, ("POST",)),
        route("/article/{article:int}", article_page), route("/image", image_page),
        route("/image", image_lookup, ("POST",)), route("/runs", runs_page),
        route("/media/{sha256}", media), route("/static/app.css", stylesheet),
        route("/login", login),
        route("/api/history", api_history), route("/api/search", api_search),
        route("/api/notes", api_notes), route("/api/notes", api_add_note, ("POST",)),
        route("/api/reuse", api_reuse, ("POST",)), route("/api/runs", api_runs),
    ]  # fmt: skip

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        web.close()

    app = Starlette(
        routes=routes, lifespan=lifespan,
        middleware=[
            Middleware(TrustedHostMiddleware, allowed_hosts=hosts),  # no DNS rebinding
            Middleware(SecurityHeaders),
            Middleware(BodyLimit, limit=settings.max_body_bytes),
        ],
    )  # fmt: skip
    app.state.web = web
    return app


class SecurityHeaders:
    """The security headers on every response, Starlette's own 404 and 405 included; a
    response that sets its own Content-Security-Policy (media) keeps it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, with_headers)


class BodyLimit:
    """413 past `limit` bytes of body, however it is sent (a chunked body declares no length)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.limit:
                raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await PlainError(413, "request too large")(scope, receive, send)


class _TooLarge(Exception):
    """A body past the limit, raised from inside the app's reading of it."""


# Guards ----------------------------------------------------------------------------------------


async def _guard(web: Web, request: Request) -> Response | None:
    """Size limits, the token (when serving beyond this machine), and CSRF on writes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > web.settings.max_body_bytes:
        return PlainError(413, "request too large")
    writing = request.method == "POST"
    token = web.settings.token
    if token and request.url.path != "/login" and (writing or not web.settings.public_reads):
        given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        given = given or request.cookies.get(TOKEN_COOKIE, "")
        if not _same(given, token):
            return PlainError(401, "a token is needed: open /login?token=... first")
    if writing and not request.url.path.startswith("/api/"):
        form = await request.form(max_files=1, max_fields=10)
        cookie = request.cookies.get(CSRF_COOKIE, "")
        if not cookie or not _same(str(form.get("csrf", "")), cookie):
            return PlainError(403, "the form is stale or came from another site: reload the page")
    elif writing:
        wanted = "multipart/form-data" if request.url.path == "/api/reuse" else "application/json"
        if request.headers.get("content-type", "").split(";")[0].strip() != wanted:
            # a cross-site page can only send simple types without asking first (CORS)
            return PlainError(415, f"this API call takes {wanted}")
    return None


def _same(given: str, expected: str) -> bool:
    """Constant-time comparison that also takes non-ASCII input (as bytes)."""
    return secrets.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def PlainError(status: int, message: str) -> Response:
    response = Response(message + "\n", status_code=status, media_type="text/plain")
    response.headers.update(SECURITY_HEADERS)
    return response


def _error(web: Web, request: Request, status: int, message: str) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": message}, status_code=status)
    return web.page(request, "results.html", status=status, query="", error=message)


# Pages -----------------------------------------------------------------------------------------


async def home(web: Web, request: Request) -> Response:
    store = web.archive.store
    counts = {name: store.count(table) for name, table in (
        ("posts", "posts"), ("captures", "post_captures"), ("media", "media"),
        ("articles", "articles"))}  # fmt: skip
    return web.page(request, "home.html", counts=counts)


async def search(web: Web, request: Request) -> Response:
    query = request.query_params.get("q", "").strip()[:2000]
    if not query:
        return RedirectResponse("/", status_code=303)
    store = web.archive.store
    if is_url(query):
        try:
            return RedirectResponse(f"/post/{find_post(store, query)['id']}", status_code=303)
        except NotFound:
            article = store.article_by_source(article_key(query))
            if article:
                return RedirectResponse(f"/article/{article['id']}", status_code=303)
            raise
    posts = store.posts_by_handle(query) if re.fullmatch(r"@?\w{1,50}", query) else []
    hits = [] if query.startswith("@") else store.search_text(query)
    return web.page(request, "results.html", query=query, posts=posts, hits=hits)


async def post_page(web: Web, request: Request) -> Response:
    story = _story(web, request.path_params["post"])
    diffs = [_diff(change, story.captures) for change in story.changes
             if change["kind"] == "text_edited"]  # fmt: skip
    return web.page(request, "post.html", story=story, diffs=diffs)


async def add_note(web: Web, request: Request) -> Response:
    post = request.path_params["post"]
    form = await request.form()
    story = _story(web, post)
    web.archive.note(
        f"post:{story.post['id']}", str(form.get("text", ""))[:10000],
        str(form.get("author", ""))[:200] or None,
    )  # fmt: skip
    return RedirectResponse(f"/post/{post}", status_code=303)


async def export_post(web: Web, request: Request) -> Response:
    story = _story(web, request.path_params["post"])
    if not story.post["url"]:
        raise NotFound("this post has no URL to export it by", str(story.post["id"]))
    folder = Path(tempfile.mkdtemp(prefix="archiver-export-"))
    out = folder / f"post-{story.post['id']}.zip"
    try:
        web.archive.export(Selection([story.post["url"]]), out)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    cleanup = BackgroundTask(shutil.rmtree, folder, ignore_errors=True)
    return FileResponse(out, media_type="application/zip", filename=out.name, background=cleanup)


async def article_page(web: Web, request: Request) -> Response:
    article = web.archive.store.article_page(request.path_params["article"])
    if article is None:
        raise NotFound("no such article", str(request.path_params["article"]))
    return web.page(request, "article.html", article=article)


async def image_page(web: Web, request: Request) -> Response:
    return web.page(request, "image.html", answer=None)


async def image_lookup(web: Web, request: Request) -> Response:
    answer = await _reuse(web, request)
    return web.page(request, "image.html", answer=answer)


async def runs_page(web: Web, request: Request) -> Response:
    return web.page(request, "runs.html", runs=web.archive.store.recent_runs())


async def media(web: Web, request: Request) -> Response:
    """An image from the blob store, by sha256; nothing else is ever served from it."""
    sha256 = request.path_params["sha256"]
    store = web.archive.store
    row = store.row("media", "sha256", sha256) if re.fullmatch(r"[0-9a-f]{64}", sha256) else None
    if row is None or row["mime"] not in _IMAGE_TYPES:  # the type the decoder found
        return PlainError(404, "no such image")
    headers = {"Cache-Control": "private, max-age=86400",
               "Content-Security-Policy": "default-src 'none'; sandbox"}  # fmt: skip
    return Response(web.archive.blobs.get(sha256), media_type=row["mime"], headers=headers)


async def stylesheet(web: Web, request: Request) -> Response:
    return Response((HERE / "static" / "app.css").read_bytes(), media_type="text/css")


async def login(web: Web, request: Request) -> Response:
    """Keep the token in a cookie for this browser (same-site only, not readable by scripts)."""
    token = request.query_params.get("token", "")
    if not web.settings.token or not _same(token, web.settings.token):
        return PlainError(401, "wrong token")
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict")
    return response


# API -------------------------------------------------------------------------------------------


async def api_history(web: Web, request: Request) -> Response:
    return JSONResponse(web.archive.history(request.query_params.get("url", "")).to_dict())


async def api_search(web: Web, request: Request) -> Response:
    return JSONResponse(web.archive.store.search_text(request.query_params.get("q", "")))


async def api_notes(web: Web, request: Request) -> Response:
    return JSONResponse(web.archive.notes(request.query_params.get("target", "")))


async def api_add_note(web: Web, request: Request) -> Response:
    try:
        body = json.loads(await request.body())
        target, text = str(body["target"]), str(body["text"])
    except (ValueError, KeyError, TypeError) as exc:
        return JSONResponse({"error": f"give JSON with target and text ({exc})"}, 400)
    author, supersedes = body.get("author"), body.get("supersedes")
    if not isinstance(author, str | None) or not (
        supersedes is None or (isinstance(supersedes, int) and not isinstance(supersedes, bool))
    ):
        return JSONResponse({"error": "author is text and supersedes a note number"}, 400)
    note = web.archive.note(target, text, author, supersedes)
    return JSONResponse(note, status_code=201)


async def api_reuse(web: Web, request: Request) -> Response:
    answer = await _reuse(web, request)
    return JSONResponse([answer.to_dict()])


async def api_runs(web: Web, request: Request) -> Response:
    runs = web.archive.store.recent_runs()
    return JSONResponse([{**run, "summary": json.loads(run["summary"] or "null")} for run in runs])


# Helpers ---------------------------------------------------------------------------------------


def _story(web: Web, post: int) -> Any:
    row = web.archive.store.row("posts", "id", post)
    if row is None:
        raise NotFound("no such post", str(post))
    return history_of(web.archive.store, row)


async def _reuse(web: Web, request: Request) -> Any:
    form = await request.form(max_files=1)
    try:
        upload = form.get("image")
        if upload is None or isinstance(upload, str):
            raise NotFound("send an image file in the field named image", "image")
        with tempfile.TemporaryDirectory() as scratch:
            path = Path(scratch) / "upload"
            path.write_bytes(await upload.read())
            [answer] = web.archive.reuse([str(path)])
        name = upload.filename or "upload"
        answer.path = name
        if answer.error:  # the message names the server's scratch file, not the upload
            answer.error = answer.error.replace(str(path), name)
    finally:
        await form.close()  # the upload's spooled file
    return answer


def _diff(change: dict[str, Any], captures: list[dict[str, Any]]) -> dict[str, Any]:
    """A text edit, word by word, as two columns of marked parts (escaped by the template)."""
    before = re.split(r"(\s+)", str(change["detail"].get("from") or ""))
    after = re.split(r"(\s+)", str(change["detail"].get("to") or ""))
    left, right = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after).get_opcodes():
        left.append({"text": "".join(before[i1:i2]), "change": tag != "equal"})
        right.append({"text": "".join(after[j1:j2]), "change": tag != "equal"})
    return {
        "kind": change["kind"], "found_at": change["found_at"],
        "before_id": change["from_capture"], "after_id": change["to_capture"],
        "before": [p for p in left if p["text"]], "after": [p for p in right if p["text"]],
    }  # fmt: skip
