"""Evidence bundles, checked with the standard tools a third party would use:
bagit, warcio, py-wacz's validator, and plain hashlib for the custody log."""

from __future__ import annotations

import gzip
import hashlib
import html
import itertools
import json
import subprocess
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import bagit
import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from archiver.archive import Archive
from archiver.cli import cli
from archiver.errors import ConfigError, ExportError
from archiver.export.bundle import verify_bundle
from archiver.export.selection import Selection

from .jobs.test_recapture import TWEET_ID, URL, serve
from .media.images import encode, photo
from .platforms.player import Player
from .platforms.test_twitter import tweet
from .tsa import LocalTsa

OpenArchive = Callable[..., Archive]
HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(1)>"


@pytest.fixture
def archive(open_archive: OpenArchive, player: Player, tmp_path: Path) -> Archive:
    """A tweet (with a photo) embedded in an article, captured, recaptured unchanged, then
    edited; a note on it."""
    opened = open_archive(player.config())
    article = tmp_path / "article.html"
    article.write_text(
        f"<html><body><blockquote class='twitter-tweet'><a href='{URL}'>May 1</a></blockquote>"
        "</body></html>"
    )
    picture = encode(photo("rocket"), quality=80)
    serve(player, tweet(TWEET_ID, "someone", HOSTILE, media=["Photo"]), picture)
    opened.archive([str(article)])
    opened.recapture(due=False)  # unchanged: the same body again
    serve(player, tweet(TWEET_ID, "someone", "Edited words", media=["Photo"]), picture)
    opened.recapture(due=False)
    opened.note(URL, "Checked against the live page", author="A. Analyst")
    return opened


def test_a_bundle_is_a_valid_bagit_1_0_bag(archive: Archive, tmp_path: Path) -> None:
    out = tmp_path / "bundle"
    summary = archive.export(Selection([URL]), out)
    assert summary.posts == 1 and summary.media == 1 and summary.exchanges >= 4
    bag = bagit.Bag(str(out))
    bag.validate()  # every payload and tag file against its sha256 and sha512
    assert bag.version_info == (1, 0)
    assert (out / "bagit.txt").read_text().startswith("BagIt-Version: 1.0\n")
    assert set(bag.algorithms) == {"sha256", "sha512"}
    for name in ("manifest-sha256.txt", "manifest-sha512.txt", "tagmanifest-sha256.txt",
                 "tagmanifest-sha512.txt"):  # fmt: skip
        assert (out / name).is_file()
    assert "bagit.txt" in (out / "tagmanifest-sha256.txt").read_text()
    info = bag.info
    assert {"Bagging-Date", "Payload-Oxum", "Source-Organization", "External-Description"} <= set(
        info
    )
    assert info["Archiver-Event-Chain-Head"] == archive.store.head_hash()
    payload = {p.relative_to(out / "data").as_posix() for p in (out / "data").rglob("*")}
    assert {"archive.warc.gz", "archive.wacz", "provenance.json", "report.html",
            "custody/events.jsonl", "custody/head.txt", "media/index.csv"} <= payload  # fmt: skip


def test_the_warc_holds_request_response_pairs_revisits_and_provenance(
    archive: Archive, tmp_path: Path
) -> None:
    out = tmp_path / "bundle"
    archive.export(Selection([URL]), out)
    records = []
    with (out / "data" / "archive.warc.gz").open("rb") as handle:
        for record in ArchiveIterator(handle, check_digests="raise"):
            records.append((record.rec_type, record.rec_headers, record.content_stream().read()))
    assert records[0][0] == "warcinfo"
    assert all(h.protocol == "WARC/1.1" for _, h, _ in records)
    kinds = [kind for kind, _, _ in records]
    assert kinds.count("request") >= 4 and "response" in kinds
    assert kinds.count("revisit") >= 1  # the unchanged recapture's answer
    exchanges = {x["id"]: x for x in archive.store.rows("SELECT * FROM http_exchanges")}
    dates = {x["started_at"] for x in exchanges.values()}
    responses = [(h, body) for kind, h, body in records if kind == "response"]
    assert all(h.get_header("WARC-Date") in dates for h, _ in responses)
    tweet_bodies = [b for h, b in responses if "tweet-result" in h.get_header("WARC-Target-URI")]
    assert HOSTILE.encode() in tweet_bodies[0]  # the very bytes the platform sent
    revisit = next(h for kind, h, _ in records if kind == "revisit")
    assert revisit.get_header("WARC-Profile").endswith("identical-payload-digest")
    assert revisit.get_header("WARC-Refers-To-Target-URI")
    meta = [json.loads(body) for kind, _, body in records if kind == "metadata"]
    captures = [m for m in meta if "capture" in m]
    assert len(captures) == 3 and all(m["embedded_in"] for m in captures)
    assert any(m.get("url_asked") for m in meta)  # per-exchange provenance
    resources = [h.get_header("WARC-Target-URI") for kind, h, _ in records if kind == "resource"]
    assert "urn:archiver:provenance.json" in resources


def test_the_wacz_is_valid_and_indexed(archive: Archive, tmp_path: Path) -> None:
    out = tmp_path / "bundle"
    archive.export(Selection([URL]), out)
    with zipfile.ZipFile(out / "data" / "archive.wacz") as wacz:
        names = set(wacz.namelist())
        assert {"datapackage.json", "pages/pages.jsonl", "archive/archive.warc.gz"} <= names
        # the CDXJ index, compressed in blocks with its .idx (the spec's ZipNum form)
        assert {"indexes/index.cdx.gz", "indexes/index.idx"} <= names
        package = json.loads(wacz.read("datapackage.json"))
        assert package["wacz_version"] == "1.1.1"
        for resource in package["resources"]:
            digest = hashlib.sha256(wacz.read(resource["path"])).hexdigest()
            assert resource["hash"] == f"sha256:{digest}"
        index = gzip.decompress(wacz.read("indexes/index.cdx.gz")).decode().splitlines()
        _, timestamp, fields = index[0].split(" ", 2)
        assert len(timestamp) == 14 and json.loads(fields)["url"].startswith("https://")
        assert any("tweet-result" in line for line in index)
        pages = wacz.read("pages/pages.jsonl").decode().splitlines()
        assert json.loads(pages[0])["format"] == "json-pages-1.0" and len(pages) > 1
    assert verify_bundle(out).ok


def test_provenance_custody_and_report(archive: Archive, tmp_path: Path) -> None:
    out = tmp_path / "bundle"
    archive.export(Selection([URL]), out)
    data = out / "data"
    provenance = json.loads((data / "provenance.json").read_text())
    [post] = provenance["posts"]
    assert [c["status"] for c in post["captures"]] == ["ok", "ok", "ok"]
    assert [c["kind"] for c in post["changes"]] == ["text_edited"]
    assert post["notes"][0]["text"] == "Checked against the live page"
    [image] = provenance["media"]
    media_file = data / image["file"]
    assert hashlib.sha256(media_file.read_bytes()).hexdigest() == image["sha256"]
    events = [json.loads(line) for line in (data / "custody/events.jsonl").read_text().splitlines()]
    kinds = {e.get("kind") for e in events}
    assert {"post.captured", "note.added", "exchange.recorded", "post.changed"} <= kinds
    for before, event in itertools.pairwise(events):  # one unbroken stretch
        assert event["prev_hash"] == before["hash"]
    for event in events:  # the recipe in custody/README.txt, without archiver's code
        if "kind" not in event:
            continue  # about other evidence: its links only
        payload = [event[k] for k in ("prev_hash", "ts", "kind", "subject", "detail")]
        text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
        assert hashlib.sha256(text.encode()).hexdigest() == event["hash"]
    head = (data / "custody/head.txt").read_text().strip()
    assert head == events[-1]["hash"] == archive.store.head_hash()
    page = (data / "report.html").read_text()
    assert page.startswith("<!doctype html>") and "Edited words" in page
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    for outside in ("<link", 'src="http', "src='http", "@import", "url("):  # nothing fetched
        assert outside not in page
    assert f'src="{image["file"]}"' in page
    # what evidence guidelines ask for, per capture
    for needed in ("URL as given", "canonical URL", "captured (UTC)", "user agent",
                   "sent to (host map)", "tool version", "Raw source as stored",
                   "Transformations:", "Custody events", "What this bundle proves",
                   "What it does not prove"):  # fmt: skip
        assert needed in page, needed
    first = post["captures"][0]["exchanges"][-1]
    assert first["body_sha256"] in page and html.escape(first["sent_to"]) in page
    assert page.count("<h3>Capture #") == 3


def test_zip_bundles_verify_and_tampering_is_caught(archive: Archive, tmp_path: Path) -> None:
    runner = CliRunner()
    db = archive.store.path
    zipped = tmp_path / "evidence.zip"
    result = runner.invoke(cli, ["--db", db, "export", URL, "-o", str(zipped), "--json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["posts"] == 1
    checked = runner.invoke(cli, ["verify-bundle", str(zipped), "--json"])
    assert checked.exit_code == 0 and json.loads(checked.stdout)["ok"] is True
    folder = tmp_path / "folder"
    archive.export(Selection(article=str(tmp_path / "article.html")), folder)
    report = folder / "data" / "report.html"
    report.write_text(report.read_text().replace("Edited words", "Edited wordz"))  # same size
    bad = runner.invoke(cli, ["verify-bundle", str(folder)])
    assert bad.exit_code == 1 and "PROBLEM bag:" in bad.stdout and "report.html" in bad.stdout


@pytest.mark.parametrize(
    ("selection", "posts"),
    [(Selection(every=True), 1), (Selection(run=1), 1), (Selection(run=3), 1)],
)
def test_selections(archive: Archive, tmp_path: Path, selection: Selection, posts: int) -> None:
    summary = archive.export(selection, tmp_path / "b")
    assert summary.posts == posts


def test_date_window_and_errors(archive: Archive, tmp_path: Path) -> None:
    from datetime import date, timedelta

    today = date.today()
    assert archive.export(Selection(since=today, until=today), tmp_path / "a").posts == 1
    with pytest.raises(Exception, match="nothing in the archive"):
        archive.export(Selection(since=today + timedelta(days=2)), tmp_path / "b")
    with pytest.raises(ConfigError):
        archive.export(Selection(), tmp_path / "c")
    with pytest.raises(ExportError, match="already exists"):
        archive.export(Selection([URL]), tmp_path / "a")
    result = CliRunner().invoke(cli, ["--db", archive.store.path, "export", "-o", "x.zip"])
    assert result.exit_code == 2


def test_the_independent_validators_accept_the_bundle(archive: Archive, tmp_path: Path) -> None:
    out = tmp_path / "bundle"
    archive.export(Selection([URL]), out)
    for command in (
        ["bagit.py", "--validate", str(out)],
        ["warcio", "check", "-v", str(out / "data" / "archive.warc.gz")],
        ["wacz", "validate", "-f", str(out / "data" / "archive.wacz")],
    ):
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        assert result.returncode == 0, (command, result.stdout, result.stderr)


@pytest.mark.parametrize(
    "victim", ["archive.warc.gz", "archive.wacz", "custody/events.jsonl", "provenance.json"]
)
def test_a_flipped_byte_anywhere_in_the_payload_fails_verify_bundle(
    archive: Archive, tmp_path: Path, victim: str
) -> None:
    out = tmp_path / "bundle"
    archive.export(Selection([URL]), out)
    path = out / "data" / victim
    data = bytearray(path.read_bytes())
    data[len(data) // 3] ^= 0x20
    path.write_bytes(bytes(data))
    check = verify_bundle(out)
    assert not check.ok and any(problem.startswith("bag:") for problem in check.problems)


# Signature and trusted time -------------------------------------------------------------------


def test_bundles_are_signed_with_the_archives_key(archive: Archive, tmp_path: Path) -> None:
    key = archive.init_key()
    with pytest.raises(ConfigError, match="exists already"):
        archive.init_key()
    out = tmp_path / "bundle"
    summary = archive.export(Selection([URL]), out)
    assert summary.signed_by == key.fingerprint
    assert bagit.Bag(str(out)).info["Archiver-Signing-Key"] == key.fingerprint
    check = verify_bundle(out, expected_key=key.fingerprint)
    assert check.ok and any(line.startswith("signature: Ed25519") for line in check.checked)
    signature = out / "archiver-signature" / "tagmanifest-sha256.txt.sig"
    good = signature.read_text()
    signature.write_text(("B" if good[0] != "B" else "C") + good[1:])
    assert any(p.startswith("signature:") for p in verify_bundle(out).problems)


def test_a_bundle_resigned_by_someone_else_fails_against_the_published_key(
    archive: Archive, open_archive: OpenArchive, player: Player, tmp_path: Path
) -> None:
    published = archive.init_key().fingerprint
    out = tmp_path / "bundle"
    archive.export(Selection([URL]), out)
    impostor = open_archive(player.config(), db="other.db").init_key()
    signed = (out / "tagmanifest-sha256.txt").read_bytes()
    folder = out / "archiver-signature"
    (folder / "tagmanifest-sha256.txt.sig").write_text(impostor.sign(signed))
    (folder / "public-key.pem").write_bytes(impostor.public_pem)
    assert verify_bundle(out).ok  # a valid signature, by some key
    problems = verify_bundle(out, expected_key=published).problems
    assert problems == [f"signature: by {impostor.fingerprint}, not by the expected {published}"]


@pytest.fixture
def tsa() -> Iterator[LocalTsa]:
    authority = LocalTsa()
    yield authority
    authority.close()


def test_a_tsa_stamps_the_tag_manifest_and_openssl_accepts_it(
    open_archive: OpenArchive, player: Player, tmp_path: Path, tsa: LocalTsa
) -> None:
    config = player.config(allow_private=True)
    config.timestamp.tsas = ["http://127.0.0.1:9/unreachable", tsa.url]  # the first is down
    config.timestamp.roots = [str(tsa.root)]
    opened = open_archive(config)
    serve(player, tweet(TWEET_ID, "someone", "Words"))
    opened.archive([URL])
    out = tmp_path / "bundle"
    summary = opened.export(Selection([URL]), out)
    assert summary.timestamp and summary.timestamp_error is None and tsa.requests == 1
    folder = out / "archiver-signature"
    verified = subprocess.run(
        ["openssl", "ts", "-verify", "-data", str(out / "tagmanifest-sha256.txt"),
         "-in", str(folder / "tagmanifest-sha256.txt.tsr"),
         "-CAfile", str(folder / "tsa-roots.pem")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert verified.returncode == 0 and "Verification: OK" in verified.stdout
    check = verify_bundle(out)
    assert check.ok and any(line.startswith("timestamp: RFC 3161") for line in check.checked)
    token = folder / "tagmanifest-sha256.txt.tsr"
    data = bytearray(token.read_bytes())
    data[-40] ^= 0x01
    token.write_bytes(bytes(data))
    assert any(p.startswith("timestamp:") for p in verify_bundle(out).problems)


def test_a_tsa_that_fails_leaves_the_bundle_signed_but_says_so(
    open_archive: OpenArchive, player: Player, tmp_path: Path, tsa: LocalTsa
) -> None:
    tsa.broken = True
    config = player.config(allow_private=True)
    config.timestamp.tsas, config.timestamp.roots = [tsa.url], [str(tsa.root)]
    opened = open_archive(config)
    serve(player, tweet(TWEET_ID, "someone", "Words"))
    opened.archive([URL])
    summary = opened.export(Selection([URL]), tmp_path / "bundle")
    assert summary.timestamp is None and "HTTP 503" in (summary.timestamp_error or "")
    assert summary.signed_by and verify_bundle(tmp_path / "bundle").ok


def test_posts_without_any_link_export_too(open_archive: OpenArchive, tmp_path: Path) -> None:
    article = tmp_path / "a.txt"  # a flattened embed that kept no link to the post
    article.write_text(
        "Explosions reported in the city tonight — Jason Jay Smart (@officejjsmart) May 22, 2023\n"
    )
    opened = open_archive()
    opened.archive([str(article)])
    summary = opened.export(Selection(every=True), tmp_path / "all")
    assert summary.posts == 1 and verify_bundle(tmp_path / "all").ok
