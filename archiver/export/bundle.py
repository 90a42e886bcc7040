"""`archiver export`: an evidence bundle that a third party checks with standard tools.

The bundle is a BagIt 1.0 bag (sha256 and sha512 manifests for the payload and the tag
files), as a folder or a .zip of it:

    bagit.txt, bag-info.txt, manifest-*.txt, tagmanifest-*.txt
    data/archive.warc.gz      WARC/1.1: the HTTP exchanges, media, provenance (see warc.py)
    data/archive.wacz         WACZ 1.1.1 of that WARC (pages.jsonl, CDXJ index, datapackage.json
                              with hashes), for ReplayWeb.page and pywb
    data/provenance.json      posts, captures, exchanges, changes, reuse links, notes, images
    data/media/               each image once, named by sha256; index.csv lists where each was
                              seen and under which names
    data/custody/             events.jsonl (the event chain from the first event about this
                              slice to the head: those events in full, each recomputable from
                              its fields; the others as their links only), head.txt
                              (the chain's head when the bundle was made), README.txt (how to
                              check both without archiver)
    data/report.html          the same, for a human reader, in one file
    archiver-signature/       tagmanifest-sha256.txt.sig (Ed25519, base64, by the archive's
                              key), public-key.pem and its fingerprint; with a TSA configured,
                              tagmanifest-sha256.txt.tsr (an RFC 3161 token over the same
                              file), tsa-roots.pem and timestamp.json

`verify_bundle` checks one: the bag's fixity (bagit), its version, every WARC record's
digests (warcio), the WACZ (py-wacz's validator), the custody log's hashes and continuity,
the signature and the timestamp token.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import io
import json
import shutil
import tempfile
import uuid
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import bagit
from cryptography import x509
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from .. import __version__, merkle
from ..errors import ExportError, TimestampError
from ..models import utc_now
from ..signing import SigningKey, check_signature
from ..store.blobs import BlobStore
from ..store.events import event_hash
from ..timestamps import Token
from ..timestamps import check as check_token
from .report import render
from .selection import Contents
from .warc import BundleWarc, write_warc

BAGIT_VERSION = "1.0"
MEDIA_SUFFIX = {
    "image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp",
    "image/bmp": ".bmp", "image/tiff": ".tif", "video/mp4": ".mp4",
}  # fmt: skip
_CUSTODY_README = """How to check this custody log without archiver

events.jsonl is a stretch of the archive's append-only event chain, from the first event about
this bundle's contents to the chain's head when the bundle was made (head.txt). Each line's
"prev_hash" must equal the line before's "hash", and the last "hash" must equal head.txt.

Events about this bundle's contents are given in full: their "hash" is the sha256 (lowercase
hex) of the UTF-8 JSON array

    [prev_hash, ts, kind, subject, detail]

written with no spaces (separators "," and ":") and non-ASCII characters as they are; for
example, in Python:

    hashlib.sha256(json.dumps([e["prev_hash"], e["ts"], e["kind"], e["subject"], e["detail"]],
                   separators=(",", ":"), ensure_ascii=False).encode()).hexdigest()

Other events in between are given as their links only (id, prev_hash, hash): they concern
other evidence, and the links are enough to show that nothing was inserted or removed.
An event whose fields do not give its hash was altered. Events that stored evidence carry in
"detail" a "row" seal: the sha256 of the database row they stored (the archive's own
`archiver verify` checks those against the rows).
"""


SIGNATURE_DIR = "archiver-signature"
SIGNED_FILE = "tagmanifest-sha256.txt"


@dataclass
class Sealing:
    """How a bundle is vouched for: the archive's key, and a timestamp authority if any."""

    key: SigningKey
    stamp: Callable[[bytes], Token] | None = None  # raises TimestampError
    roots_pem: bytes = b""  # the CA certificates the token is checked against


@dataclass
class ExportSummary:
    path: str
    posts: int
    articles: int
    exchanges: int
    media: int
    events: int
    head_hash: str
    warc_records: int = 0
    signed_by: str = ""  # the signing key's fingerprint
    timestamp: str | None = None  # the TSA's time for the tag manifest
    timestamp_error: str | None = None


@dataclass
class BundleCheck:
    path: str
    problems: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, **asdict(self)}


def export_bundle(
    contents: Contents,
    blobs: BlobStore,
    out: Path,
    *,
    description: str,
    operator: str,
    organization: str,
    sealing: Sealing,
) -> ExportSummary:
    """Write the bundle at `out` (a new folder, or a .zip); nothing is left half-written."""
    if out.exists():
        raise ExportError(f"{out}: already exists; give a new path", str(out))
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".export-", dir=out.parent))
    except OSError as exc:
        raise ExportError(f"{out}: cannot write there: {exc.strerror}", str(out)) from exc
    try:
        bag_dir = work / (out.stem if out.suffix == ".zip" else out.name)
        bag_dir.mkdir()
        summary = _fill(bag_dir, contents, blobs, description, operator)
        _make_bag(bag_dir, description, operator, organization, contents.head_hash, sealing)
        _seal(bag_dir, sealing, summary)
        if out.suffix == ".zip":
            _zip(bag_dir, out)
        else:
            bag_dir.rename(out)
    except OSError as exc:
        raise ExportError(f"{out}: writing the bundle failed: {exc}", str(out)) from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)
    summary.path = str(out)
    return summary


def _fill(
    bag_dir: Path, contents: Contents, blobs: BlobStore, description: str, operator: str
) -> ExportSummary:
    created = utc_now()
    files = _write_media(bag_dir / "media", contents, blobs)
    files |= _write_pages(bag_dir / "pages", contents, blobs)
    provenance = _provenance(contents, files, description, operator, created)
    provenance_bytes = json.dumps(provenance, indent=2, ensure_ascii=False).encode("utf-8")
    (bag_dir / "provenance.json").write_bytes(provenance_bytes)
    warc_path = bag_dir / "archive.warc.gz"
    write_warc(
        warc_path,
        blobs.get,
        lambda warc: _records(warc, contents, files, provenance_bytes, description, created),
    )
    _write_wacz(bag_dir, warc_path, contents, description)
    _write_custody(bag_dir / "custody", contents, blobs)
    title = f"Evidence bundle: {description}"
    (bag_dir / "report.html").write_text(
        render(contents, files, title, created, operator, blobs.get), encoding="utf-8"
    )
    return ExportSummary(
        "", len(contents.posts), len(contents.articles), len(contents.exchanges),
        len(contents.media), len(contents.events), contents.head_hash,
        warc_records=_count_records(warc_path),
    )  # fmt: skip


def _write_media(folder: Path, contents: Contents, blobs: BlobStore) -> dict[str, str]:
    """Each image once, named by its sha256; index.csv says where each was seen."""
    folder.mkdir()
    files = {}
    with (folder / "index.csv").open("w", newline="", encoding="utf-8") as handle:
        table = csv.writer(handle)
        table.writerow(["file", "sha256", "mime", "width", "height", "seen_at", "seen_in"])
        for row in contents.media:
            name = row["sha256"] + MEDIA_SUFFIX.get(row["mime"] or "", "")
            (folder / name).write_bytes(blobs.get(row["sha256"]))
            files[row["sha256"]] = f"media/{name}"
            for seen in row["seen"] or [{}]:
                where = (
                    seen.get("post_url") or seen.get("article_source") or seen.get("source_path")
                )
                table.writerow(
                    [name, row["sha256"], row["mime"], row["width"], row["height"],
                     seen.get("seen_at"), where]
                )  # fmt: skip
    return files


def _write_pages(folder: Path, contents: Contents, blobs: BlobStore) -> dict[str, str]:
    """Each rendered page's annotated screenshot, DOM and manifest, by capture number."""
    files = {}
    if contents.pages:
        folder.mkdir()
    for page in contents.pages:
        for kind, suffix in (("annotated", ".png"), ("dom", ".html"), ("manifest", ".json")):
            sha256 = page[f"{kind}_sha256"]
            if sha256:
                name = f"{page['id']}-{kind}{suffix}"
                (folder / name).write_bytes(blobs.get(sha256))
                files[sha256] = f"pages/{name}"
    return files


def _provenance(
    contents: Contents, files: dict[str, str], description: str, operator: str, created: str
) -> dict[str, Any]:
    return {
        "bundle": {
            "created_at": created, "selection": description, "operator": operator,
            "tool": f"archiver {__version__}", "event_chain_head": contents.head_hash,
        },
        "posts": [story.to_dict() for story in contents.posts],
        "articles": contents.articles,
        "exchanges": contents.exchanges,
        "reuse_links": contents.reuse_links,
        "notes": contents.notes,
        "media": [{**row, "file": files.get(row["sha256"])} for row in contents.media],
        "pages": contents.pages,
    }  # fmt: skip


def _records(
    warc: BundleWarc,
    contents: Contents,
    files: dict[str, str],
    provenance: bytes,
    description: str,
    created: str,
) -> None:
    warc.warcinfo("archive.warc.gz", {"description": description, "isPartOf": "archiver"})
    for exchange in contents.exchanges:
        warc.exchange(exchange)
    for story in contents.posts:
        for capture in story.captures:
            content = {
                "capture": capture["id"], "post": story.post["identity_key"],
                "post_url": story.post["url"], "status": capture["status"],
                "reason": capture["reason"], "method": capture["method"], "run": capture["run"],
                "captured_at": capture["captured_at"],
                "exchanges": [x["id"] for x in capture["exchanges"]],
                "embedded_in": [a["source"] for a in story.articles],
                "operator": capture["exchanges"][0]["operator"] if capture["exchanges"] else None,
                "tool_version": __version__,
            }  # fmt: skip
            warc.metadata(
                story.post["url"] or story.post["identity_key"], capture["captured_at"], content,
                warc.response_ids.get(capture["exchange"]),
            )  # fmt: skip
    for row in contents.media:
        if not warc.holds(row["sha256"]):  # an image from a file, not from an exchange
            mime = row["mime"] or "application/octet-stream"
            data = warc.read_blob(row["sha256"])
            warc.resource(f"urn:sha256:{row['sha256']}", row["first_seen"], data, mime)
    for page in contents.pages:  # what the browser saw, beside the exchanges it made
        for kind, mime in (("dom", "text/html"), ("manifest", "application/json"),
                           ("annotated", "image/png")):  # fmt: skip
            sha256 = page[f"{kind}_sha256"]
            if sha256:
                uri = f"urn:archiver:browser-capture:{page['id']}:{kind}"
                warc.resource(uri, page["ended_at"], warc.read_blob(sha256), mime)
    warc.resource("urn:archiver:provenance.json", created, provenance, "application/json")


def _write_wacz(bag_dir: Path, warc_path: Path, contents: Contents, description: str) -> None:
    from wacz.main import main as wacz_main  # py-wacz imports a third of a second of modules

    pages = [{"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}]
    for exchange in contents.exchanges:
        if exchange["status"] == 200 and exchange["final_url"]:
            pages.append(
                {"id": uuid.uuid4().hex, "url": exchange["final_url"],
                 "ts": exchange["started_at"], "title": exchange["url"]}
            )  # fmt: skip
    pages_path = bag_dir.parent / "pages.jsonl"
    pages_path.write_text("".join(json.dumps(p) + "\n" for p in pages), encoding="utf-8")
    output = io.StringIO()
    with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
        code = wacz_main(
            ["create", "-o", str(bag_dir / "archive.wacz"), "-p", str(pages_path),
             "--title", "archiver evidence bundle", "--desc", description, str(warc_path)]
        )  # fmt: skip
    if code:
        raise ExportError(f"WACZ packaging failed: {output.getvalue().strip()}", str(bag_dir))


def _write_custody(folder: Path, contents: Contents, blobs: BlobStore) -> None:
    folder.mkdir()
    if contents.proofs:  # trusted time: each capture's path to a root a TSA stamped
        tokens = folder / "tokens"
        tokens.mkdir()
        for proof in contents.proofs:
            for token in proof.tokens:
                (tokens / f"{token['token_sha256']}.tsr").write_bytes(
                    blobs.get(token["token_sha256"])
                )
                (tokens / f"{token['roots_sha256']}.pem").write_bytes(
                    blobs.get(token["roots_sha256"])
                )
        (folder / "trusted-time.json").write_text(
            json.dumps([asdict(proof) for proof in contents.proofs], indent=2) + "\n"
        )
    with (folder / "events.jsonl").open("w", encoding="utf-8") as handle:
        for event in contents.events:
            handle.write(json.dumps(event, ensure_ascii=False) + "\n")
    (folder / "head.txt").write_text(contents.head_hash + "\n", encoding="utf-8")
    (folder / "README.txt").write_text(_CUSTODY_README, encoding="utf-8")


def _make_bag(
    bag_dir: Path, description: str, operator: str, organization: str, head: str,
    sealing: Sealing,
) -> None:  # fmt: skip
    info = {
        "Source-Organization": organization,
        "Contact-Name": operator,
        "External-Description": f"archiver evidence bundle: {description}",
        "External-Identifier": f"urn:uuid:{uuid.uuid4()}",
        "Archiver-Event-Chain-Head": head,
        "Archiver-Signing-Key": sealing.key.fingerprint,
    }
    bagit.make_bag(str(bag_dir), info, checksums=["sha256", "sha512"])
    # the bagit library writes 0.97; the bag is 1.0, and its tag manifests must cover that
    (bag_dir / "bagit.txt").write_text(
        f"BagIt-Version: {BAGIT_VERSION}\nTag-File-Character-Encoding: UTF-8\n", encoding="utf-8"
    )
    bagit.Bag(str(bag_dir)).save(manifests=False)


def _seal(bag_dir: Path, sealing: Sealing, summary: ExportSummary) -> None:
    """Sign the tag manifest (which covers every manifest, which cover every file) and, with
    a TSA, have its time stamped. The seal's own files stay outside the manifests."""
    folder = bag_dir / SIGNATURE_DIR
    folder.mkdir()
    signed = (bag_dir / SIGNED_FILE).read_bytes()
    (folder / f"{SIGNED_FILE}.sig").write_text(sealing.key.sign(signed) + "\n")
    (folder / "public-key.pem").write_bytes(sealing.key.public_pem)
    (folder / "fingerprint.txt").write_text(sealing.key.fingerprint + "\n")
    summary.signed_by = sealing.key.fingerprint
    if sealing.stamp is None:
        return
    try:
        token = sealing.stamp(signed)
    except TimestampError as exc:
        summary.timestamp_error = str(exc)  # the bundle stands signed; the time is missing
        return
    (folder / f"{SIGNED_FILE}.tsr").write_bytes(token.der)
    (folder / "tsa-roots.pem").write_bytes(sealing.roots_pem)
    (folder / "timestamp.json").write_text(
        json.dumps({"tsa": token.tsa, "gen_time": token.gen_time, "file": SIGNED_FILE}) + "\n"
    )
    summary.timestamp = token.gen_time


def _zip(bag_dir: Path, out: Path) -> None:
    partial = out.with_name(out.name + ".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(bag_dir.rglob("*")):
            if path.is_file():
                archive.write(path, Path(bag_dir.name) / path.relative_to(bag_dir))
    partial.replace(out)


def _count_records(warc_path: Path) -> int:
    with warc_path.open("rb") as handle:
        return sum(1 for _ in ArchiveIterator(handle))


# Checking a bundle ----------------------------------------------------------------------------


def verify_bundle(path: Path, expected_key: str | None = None) -> BundleCheck:
    """Check a bundle (folder or .zip) the way a third party would, with standard tools.

    `expected_key` is the fingerprint the archive publishes: the signature must be by it.
    """
    check = BundleCheck(str(path))
    if not path.exists():
        raise ExportError(f"{path}: no such bundle", str(path))
    with tempfile.TemporaryDirectory() as scratch:
        bag_dir = _unpacked(path, Path(scratch))
        _check_bag(bag_dir, check)
        _check_seal(bag_dir, check, expected_key)
        data = bag_dir / "data"
        _check_warc(data / "archive.warc.gz", check)
        _check_wacz(data / "archive.wacz", check)
        _check_custody(data / "custody", check)
        _check_trusted_time(data / "custody", check)
    return check


def _unpacked(path: Path, scratch: Path) -> Path:
    if path.is_dir():
        return path
    try:
        with zipfile.ZipFile(path) as archive:
            archive.extractall(scratch)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ExportError(f"{path}: not a readable zip: {exc}", str(path)) from exc
    roots = [p for p in scratch.iterdir() if p.is_dir()]
    if len(roots) != 1:
        raise ExportError(f"{path}: the zip should hold one bag folder", str(path))
    return roots[0]


def _check_bag(bag_dir: Path, check: BundleCheck) -> None:
    try:
        bag = bagit.Bag(str(bag_dir))
        bag.validate()
    except bagit.BagValidationError as exc:
        details = "; ".join(str(d) for d in exc.details) or str(exc)
        check.problems.append(f"bag: {details}")
        return
    except bagit.BagError as exc:
        check.problems.append(f"bag: {exc}")
        return
    version = ".".join(str(part) for part in bag.version_info)
    if version != BAGIT_VERSION:
        check.problems.append(f"bag: BagIt-Version is {version}, not {BAGIT_VERSION}")
    check.checked.append(f"BagIt {version}: {len(bag.entries)} files, fixity holds")


def _check_seal(bag_dir: Path, check: BundleCheck, expected_key: str | None) -> None:
    folder = bag_dir / SIGNATURE_DIR
    try:
        signed = (bag_dir / SIGNED_FILE).read_bytes()
        signature = (folder / f"{SIGNED_FILE}.sig").read_text().strip()
        public = (folder / "public-key.pem").read_bytes()
    except OSError as exc:
        check.problems.append(f"signature: missing ({exc.strerror}: {exc.filename})")
        return
    signer = check_signature(public, signed, signature)
    if signer is None:
        check.problems.append(f"signature: does not hold over {SIGNED_FILE}")
        return
    if expected_key and signer != expected_key:
        check.problems.append(f"signature: by {signer}, not by the expected {expected_key}")
        return
    check.checked.append(f"signature: Ed25519 over {SIGNED_FILE} by {signer}")
    token_path = folder / f"{SIGNED_FILE}.tsr"
    if not token_path.exists():
        return
    try:
        roots = x509.load_pem_x509_certificates((folder / "tsa-roots.pem").read_bytes())
        when = check_token(token_path.read_bytes(), signed, roots, "the bundle's TSA")
    except (OSError, ValueError, TimestampError) as exc:
        check.problems.append(f"timestamp: {exc}")
        return
    check.checked.append(f"timestamp: RFC 3161 token over {SIGNED_FILE}, time {when}")


def _check_warc(path: Path, check: BundleCheck) -> None:
    count = 0
    try:
        with path.open("rb") as handle:
            for record in ArchiveIterator(handle, check_digests="raise"):
                record.content_stream().read()
                count += 1
    except (OSError, ArchiveLoadFailed, ValueError) as exc:
        check.problems.append(f"warc: {exc}")
        return
    check.checked.append(f"WARC: {count} records, every digest holds")


def _check_wacz(path: Path, check: BundleCheck) -> None:
    from wacz.main import main as wacz_main  # only when a bundle is checked

    output = io.StringIO()
    with (
        contextlib.redirect_stdout(output),
        contextlib.redirect_stderr(output),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore", ResourceWarning)  # py-wacz leaves files open
        try:
            code = wacz_main(["validate", "-f", str(path)])
        except (zipfile.BadZipFile, OSError, ValueError, KeyError) as exc:
            output.write(f"{type(exc).__name__}: {exc}")
            code = 1
        gc.collect()  # close them here, while their warnings are ignored
    if code:
        check.problems.append(f"wacz: {output.getvalue().strip() or 'not valid'}")
    else:
        check.checked.append("WACZ: valid")


def _check_custody(folder: Path, check: BundleCheck) -> None:
    """Each event's hash from its fields, each link to the event before, the last to the head."""
    try:
        lines = (folder / "events.jsonl").read_text("utf-8").splitlines()
        events = [json.loads(line) for line in lines]
        head = (folder / "head.txt").read_text("utf-8").strip()
    except (OSError, ValueError) as exc:
        check.problems.append(f"custody: unreadable: {exc}")
        return
    previous: dict[str, Any] | None = None
    for event in events:
        if not isinstance(event, dict) or not {"id", "prev_hash", "hash"} <= set(event):
            check.problems.append(f"custody: not an event: {str(event)[:80]}")
            continue
        if previous is not None and event["prev_hash"] != previous["hash"]:
            check.problems.append(f"custody: event {event['id']} does not follow the one before")
        if "kind" in event:
            fields = [event.get(name) for name in ("prev_hash", "ts", "kind", "subject", "detail")]
            if event_hash(*fields) != event["hash"]:
                check.problems.append(f"custody: event {event['id']} does not give its hash")
        previous = event
    if previous is not None and previous["hash"] != head:
        check.problems.append("custody: the log does not end at the head in head.txt")
    full = sum("kind" in event for event in events if isinstance(event, dict))
    check.checked.append(
        f"custody: {full} events (of {len(events)} linked) hash and chain to the head"
    )


def _check_trusted_time(folder: Path, check: BundleCheck) -> None:
    """Each capture's inclusion proof leads to its anchor's root; each token holds over it."""
    path = folder / "trusted-time.json"
    if not path.exists():
        return
    try:
        proofs = json.loads(path.read_text("utf-8"))
        lines = (folder / "events.jsonl").read_text("utf-8").splitlines()
        hashes = {e["id"]: e["hash"] for e in map(json.loads, lines)}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        check.problems.append(f"trusted time: unreadable: {exc}")
        return
    times = []
    for proof in proofs:
        where = f"trusted time: capture {proof.get('capture')}"
        try:
            if hashes.get(proof["event"]) != proof["event_hash"]:
                check.problems.append(f"{where}: its event is not the custody log's")
                continue
            path_bytes = [bytes.fromhex(sibling) for sibling in proof["path"]]
            root = merkle.root_from_proof(
                bytes.fromhex(proof["event_hash"]), proof["index"], proof["size"], path_bytes
            )
            if root is None or root.hex() != proof["root"]:
                check.problems.append(f"{where}: the proof does not lead to the root")
                continue
            for token in proof["tokens"]:
                der = (folder / "tokens" / f"{token['token_sha256']}.tsr").read_bytes()
                pem = (folder / "tokens" / f"{token['roots_sha256']}.pem").read_bytes()
                roots = x509.load_pem_x509_certificates(pem)
                times.append(check_token(der, root, roots, token["tsa"]))
        except (OSError, ValueError, KeyError, TypeError, TimestampError) as exc:
            check.problems.append(f"{where}: {exc}")
    if proofs and times:
        check.checked.append(
            f"trusted time: {len(proofs)} captures under stamped roots, {len(times)} tokens "
            f"hold (earliest {min(times)})"
        )
