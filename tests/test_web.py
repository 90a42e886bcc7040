"""The web page, through Starlette's TestClient (real HTTP semantics, in process)."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from archiver.archive import Archive
from archiver.config import Config
from archiver.export.bundle import verify_bundle
from archiver.web.app import create_app

from .jobs.test_recapture import TWEET_ID, URL, serve
from .media.images import encode, photo
from .platforms.player import Player
from .platforms.test_twitter import tweet

OpenArchive = Callable[..., Archive]
HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(1)>"


@pytest.fixture
def db(open_archive: OpenArchive, player: Player, tmp_path: Path) -> Path:
    """An archive with a tweet (hostile text, a photo) captured, then edited."""
    archive = open_archive(player.config())
    serve(player, tweet(TWEET_ID, "someone", f"Casualties: 3 {HOSTILE}", media=["Photo"]),
          encode(photo("coffee")))  # fmt: skip
    article = tmp_path / "article.html"
    article.write_text(
        f"<html><body><blockquote class='twitter-tweet'><a href='{URL}'>May 1</a></blockquote>"
        "</body></html>"
    )
    archive.archive([str(article)])
    serve(player, tweet(TWEET_ID, "someone", f"Casualties: 30 {HOSTILE}", media=["Photo"]),
          encode(photo("coffee")))  # fmt: skip
    archive.recapture(due=False)
    archive.close()
    return Path(archive.store.path)


def client_for(db: Path, config: Config | None = None) -> TestClient:
    config = config or Config(operator="web tester")
    app = create_app(lambda: Archive.open(db, config), config.web, ["testserver"])
    return TestClient(app)


@pytest.fixture
def client(db: Path) -> Iterator[TestClient]:
    with client_for(db) as test_client:
        yield test_client


def _csrf(page: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', page)
    assert match
    return match.group(1)


def test_search_by_another_url_form_leads_to_the_post(client: TestClient) -> None:
    found = client.get(
        "/search", params={"q": f"https://x.com/someone/status/{TWEET_ID}?s=20"},
        follow_redirects=False,
    )  # fmt: skip
    assert found.status_code == 303 and found.headers["location"].startswith("/post/")
    page = client.get(found.headers["location"])
    assert page.status_code == 200 and "Casualties: 30" in page.text
    assert '<span class="badge ok">ok</span>' in page.text
    assert "<del>3</del>" in page.text and "<ins>30</ins>" in page.text  # the edit, side by side
    assert "article.html" in page.text  # where it was embedded


def test_archived_text_is_only_ever_text(client: TestClient) -> None:
    post = client.get("/search", params={"q": URL}).text
    assert "<script>alert(1)</script>" not in post and "onerror=alert(1)>" not in post
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in post
    headers = client.get("/").headers
    assert "script-src" not in headers["content-security-policy"]  # default-src 'none'
    assert "default-src 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"


def test_free_text_and_handle_search(client: TestClient) -> None:
    hits = client.get("/api/search", params={"q": "casualties"}).json()
    assert {hit["text"].split(" <")[0] for hit in hits} == {"Casualties: 3", "Casualties: 30"}
    assert client.get("/api/search", params={"q": 'unbalanced "quote'}).status_code == 200
    page = client.get("/search", params={"q": "@someone"}).text
    assert f"/status/{TWEET_ID}" in page


def test_notes_need_the_form_token_and_then_appear(client: TestClient) -> None:
    post_path = client.get("/search", params={"q": URL}, follow_redirects=False).headers["location"]
    page = client.get(post_path).text
    forged = client.post(f"{post_path}/notes", data={"text": "forged", "csrf": "guess"})
    assert forged.status_code == 403
    added = client.post(
        f"{post_path}/notes", data={"text": "Geolocated", "author": "A. Analyst",
                                    "csrf": _csrf(page)},
    )  # fmt: skip
    assert added.status_code == 200 and "Geolocated" in added.text and "A. Analyst" in added.text
    api = client.get("/api/notes", params={"target": URL}).json()
    assert [note["text"] for note in api] == ["Geolocated"]


def test_export_downloads_a_bundle_that_verifies(client: TestClient, tmp_path: Path) -> None:
    post_path = client.get("/search", params={"q": URL}, follow_redirects=False).headers["location"]
    page = client.get(post_path).text
    download = client.post(f"{post_path}/export", data={"csrf": _csrf(page)})
    assert download.status_code == 200 and download.headers["content-type"] == "application/zip"
    bundle = tmp_path / "download.zip"
    bundle.write_bytes(download.content)
    assert zipfile.is_zipfile(bundle) and verify_bundle(bundle).ok


def test_media_are_images_from_the_blob_store_only(client: TestClient, db: Path) -> None:
    story = client.get("/api/history", params={"url": URL}).json()
    sha = story["captures"][0]["media"][0]["sha256"]
    image = client.get(f"/media/{sha}")
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
    assert image.headers["x-content-type-options"] == "nosniff"
    body = story["captures"][0]["exchanges"][-1]["body_sha256"]  # JSON, not an image
    assert client.get(f"/media/{body}").status_code == 404
    assert client.get("/media/../../etc/passwd").status_code == 404


def test_image_lookup_finds_the_photo(client: TestClient) -> None:
    page = client.get("/image").text
    upload = encode(photo("coffee").resize((300, 200)), quality=50)
    found = client.post(
        "/image", data={"csrf": _csrf(page)}, files={"image": ("copy.jpg", upload, "image/jpeg")}
    )
    assert found.status_code == 200 and "1 match(es)" in found.text
    api = client.post("/api/reuse", files={"image": ("copy.jpg", upload, "image/jpeg")}).json()
    assert api[0]["matches"][0]["occurrences"][0]["post_url"] == URL


def test_api_shapes_match_the_cli(client: TestClient) -> None:
    story = client.get("/api/history", params={"url": URL}).json()
    assert set(story) >= {"post", "captures", "changes", "articles", "notes", "media"}
    runs = client.get("/api/runs").json()
    assert runs[0]["summary"]["run_id"] == runs[0]["id"]
    missing = client.get("/api/history", params={"url": "https://x.com/a/status/1"})
    assert missing.status_code == 404 and "error" in missing.json()
    not_json = client.post("/api/notes", content=b"target=x", headers={
        "content-type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert not_json.status_code == 415  # a cross-site form cannot post to the API


def test_a_token_guards_writes_and_private_reads(db: Path) -> None:
    config = Config(operator="web tester")
    config.web.token = "s3cret"
    with client_for(db, config) as guarded:
        assert guarded.get("/").status_code == 401
        assert guarded.get("/login", params={"token": "nope"}).status_code == 401
        assert guarded.get("/login", params={"token": "s3cret"}).status_code == 200  # cookie
        assert guarded.get("/").status_code == 200
        note = {"target": URL, "text": "by API"}
        headers = {"authorization": "Bearer s3cret"}
        assert guarded.post("/api/notes", json=note, headers=headers).status_code == 201
    config.web.public_reads = True
    with client_for(db, config) as public:
        assert public.get("/").status_code == 200
        assert public.post("/api/notes", json={"target": URL, "text": "x"}).status_code == 401


def test_large_requests_are_refused(db: Path) -> None:
    config = Config(operator="web tester")
    config.web.max_body_bytes = 1000
    with client_for(db, config) as small:
        big = small.post("/api/reuse", files={"image": ("a.jpg", io.BytesIO(b"x" * 5000))})
        assert big.status_code == 413


def test_serving_beyond_localhost_needs_a_token(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from archiver.cli import cli

    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "a.db"), "serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2 and "needs [web] token" in result.stderr
    assert json.dumps  # the CLI's JSON shapes are the API's (checked above)


def test_the_archive_opens_in_datasette_with_the_shipped_metadata(db: Path) -> None:
    import subprocess

    metadata = Path(__file__).resolve().parent.parent / "archiver/web/datasette.json"
    assert db.name == "archive.db"  # the metadata describes the database named "archive"

    def get(path: str) -> object:
        result = subprocess.run(
            ["datasette", str(db), "--metadata", str(metadata), "--get", path],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    runs = get("/archive/captures_by_run.json?run=1&_shape=array")
    assert [row["status"] for row in runs] == ["ok"]  # type: ignore[index]
    assert get("/archive/deleted_since.json?since=2000-01-01&_shape=array") == []
    assert isinstance(get("/archive/most_reused_images.json?_shape=array"), list)
    tables = get("/archive/posts.json?_shape=array")
    assert tables and TWEET_ID in json.dumps(tables)


def test_only_web_urls_become_links() -> None:
    from archiver.web.app import outside_link

    assert outside_link("https://x.com/a/status/1") == "https://x.com/a/status/1"
    assert outside_link("javascript:alert(1)") == "#"
    assert outside_link("JaVaScRiPt:alert(1)") == "#" and outside_link(None) == "#"


def test_hostile_requests_get_clean_refusals(db: Path) -> None:
    config = Config(operator="web tester")
    config.web.max_body_bytes = 1000
    with client_for(db, config) as client:
        rebound = client.get("/", headers={"host": "evil.example"})
        assert rebound.status_code == 400  # DNS rebinding: a page of another name
        page = client.get("/image").text
        assert client.post("/image", data={"csrf": "é"}).status_code == 403  # not a 500
        assert "nosniff" in client.get("/no/such/page").headers["x-content-type-options"]

        def chunks() -> Iterator[bytes]:  # no Content-Length: the limit still holds
            for _ in range(50):
                yield b"x" * 1000

        chunked = client.post("/api/notes", content=chunks(),
                              headers={"content-type": "application/json"})  # fmt: skip
        assert chunked.status_code == 413
        forged = client.post("/api/notes", content=b'{"target": "x", "text": "y"}',
                             headers={"content-type": "multipart/form-data"})  # fmt: skip
        assert forged.status_code == 415  # only JSON, which a cross-site page must ask for
        assert _csrf(page)
