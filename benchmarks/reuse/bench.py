"""Image-reuse benchmark: does archiver find a picture again after it was reused?

    python3 benchmarks/reuse/bench.py [--rebuild] [--skip-synthetic] [--sizes 1000000,10000000]

1. Builds the corpus when it is missing or stale (corpus.py; cached in benchmarks/reuse/.corpus).
2. Indexes the 47 ORIGINALS with archiver's fingerprints and ReuseIndex, and queries with every
   transformed copy and every distractor. The baseline is imagehash.phash (64 bits) with a
   Hamming distance <= 10, measured in the same run on the same files.
3. Prints, per transform, recall (the right original is the best match) for ours and for the
   baseline, and false positives: a distractor matched to any original, or a copy for which a
   WRONG original is returned (at any rank).
4. Speed and size: all our fingerprints of one 12-megapixel JPEG against phash alone on the
   same file; query time against 1M and 10M random 256-bit hashes; memory of the 10M index
   (each size in a fresh subprocess, so its RSS is its own).

Everything archiver-specific is in the `ours_*` functions below: if the API changes, only they
change.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(REPO))

import corpus  # noqa: E402

PHASH_RADIUS = 10
TARGET_SPEED_RATIO = 0.2
TARGET_QUERY_MS = {1_000_000: 5.0, 10_000_000: 50.0}
TARGET_MEMORY_GB = 1.0


# --- the archiver API, isolated -----------------------------------------------------------


def ours_fingerprint(data: bytes, name: str):
    from archiver.media.fingerprint import fingerprint

    return fingerprint(data, name)


def ours_thresholds() -> dict[str, int]:
    from archiver.config import ReuseConfig

    return ReuseConfig().thresholds()


def ours_build(items: list[tuple[str, object]]):
    from archiver.media.reuse import ReuseIndex

    return ReuseIndex.build(items)


def ours_query(index, fp, thresholds: dict[str, int]) -> list[tuple[str, int, str]]:
    """(sha256, distance, method) of every stored image within the thresholds, best first."""
    return [(m.sha256, m.distance, m.method) for m in index.query(fp, thresholds)]


def ours_from_packed(hashes: np.ndarray):
    """An index over N bare 256-bit hashes, as an (N, 4) uint64 array."""
    from archiver.media.reuse import ReuseIndex

    return ReuseIndex.from_packed(hashes)


def ours_pack(hex_hash: str) -> np.ndarray:
    from archiver.media.reuse import pack

    return pack(hex_hash)


def ours_lookup(index, hex_hash: str, radius: int) -> None:
    """One hash looked up alone, at one radius."""
    from archiver.media.reuse import pack

    index.search(pack(hex_hash), radius)


def ours_index_bytes(index) -> int | None:
    return getattr(index, "nbytes", None)


def ours_boxes(fp) -> list[tuple[int, int, int, int]]:
    """The content boxes the fingerprint found (outermost first), in original pixels."""
    boxes = getattr(fp, "boxes", None)
    if boxes is None:
        box = getattr(fp, "box", None)
        boxes = [box] if box else []
    return [tuple(b) for b in boxes]


def ours_rows(index) -> int | None:
    """Rows (hashes) the index holds."""
    return len(index)


def ours_indexed(index) -> set[str]:
    """The stored images the index kept (it leaves out low-information ones)."""
    return set(getattr(index, "shas", []))


# --- the baseline ------------------------------------------------------------------------


def phash_of(data: bytes) -> int:
    import imagehash
    from PIL import Image

    return int(str(imagehash.phash(Image.open(io.BytesIO(data)))), 16)


def hamming64(a: int, others: np.ndarray) -> np.ndarray:
    return np.bitwise_count(others ^ np.uint64(a)).astype(np.int64)


# --- machine -----------------------------------------------------------------------------


def machine() -> list[str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = []
    for module in ("numpy", "PIL", "imagehash", "pdqhash"):
        try:
            from importlib.metadata import version

            name = {"PIL": "pillow"}.get(module, module)
            versions.append(f"{name} {version(name)}")
        except Exception:
            versions.append(f"{module} ?")
    try:
        commit = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        commit = "?"
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split("\n")[0].split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return [
        f"CPU: {cpu}; {os.cpu_count()} cores (usable: {len(os.sched_getaffinity(0))}){memory}",
        f"Python {platform.python_version()} on {platform.platform()}",
        ", ".join(versions) + f"; archiver at {commit or '?'}",
    ]


# --- the corpus run ----------------------------------------------------------------------


@dataclass
class Outcome:
    file: str
    original: str | None
    transform: str
    kind: str
    ours: list[tuple[str, int, str]] = field(default_factory=list)  # (original id, d, method)
    phash: list[tuple[str, int]] = field(default_factory=list)
    ours_near: list[tuple[str, int, str]] = field(default_factory=list)  # wide radius
    phash_all: list[tuple[str, int]] = field(default_factory=list)
    low_information: bool = False
    pdq_quality: int = 0
    boxes: list[tuple[int, int, int, int]] = field(default_factory=list)
    width: int = 0
    height: int = 0

    def hit(self, which: str) -> bool:
        found = self.ours if which == "ours" else self.phash
        return bool(found) and found[0][0] == self.original

    def found(self, which: str) -> bool:
        found = self.ours if which == "ours" else self.phash
        return any(m[0] == self.original for m in found)

    def false_positive(self, which: str) -> bool:
        found = self.ours if which == "ours" else self.phash
        return any(m[0] != self.original for m in found)


def run_corpus(root: Path, manifest: dict) -> dict:
    thresholds = ours_thresholds()
    items = manifest["items"]
    originals = [i for i in items if i["kind"] == "original"]
    queries = [i for i in items if i["kind"] not in ("original", "speed")]

    # index the originals
    started = time.perf_counter()
    fps, sha_to_id = [], {}
    for item in originals:
        data = (root / item["file"]).read_bytes()
        fp = ours_fingerprint(data, item["file"])
        fps.append((fp.info.sha256, fp))
        sha_to_id[fp.info.sha256] = item["original"]
    index = ours_build(fps)
    index_seconds = time.perf_counter() - started
    kept = ours_indexed(index)
    left_out = [(sha_to_id[sha], fp.pdq_quality) for sha, fp in fps if kept and sha not in kept]
    phash_ids = [i["original"] for i in originals]
    phash_values = np.array(
        [phash_of((root / i["file"]).read_bytes()) for i in originals], dtype=np.uint64
    )

    wide = {name: 256 for name in thresholds}
    outcomes: list[Outcome] = []
    t_fp, t_query, t_phash = [], [], []
    for item in queries:
        data = (root / item["file"]).read_bytes()
        t0 = time.perf_counter()
        fp = ours_fingerprint(data, item["file"])
        t1 = time.perf_counter()
        ours = ours_query(index, fp, thresholds)
        t2 = time.perf_counter()
        ph = phash_of(data)
        t3 = time.perf_counter()
        t_fp.append(t1 - t0)
        t_query.append(t2 - t1)
        t_phash.append(t3 - t2)
        near = ours_query(index, fp, wide)
        distances = hamming64(ph, phash_values)
        order = np.argsort(distances, kind="stable")
        phash_all = [(phash_ids[k], int(distances[k])) for k in order]
        outcomes.append(
            Outcome(
                file=item["file"],
                original=item["original"],
                transform=item["transform"],
                kind=item["kind"],
                ours=[(sha_to_id.get(s, s), d, m) for s, d, m in ours],
                phash=[(o, d) for o, d in phash_all if d <= PHASH_RADIUS],
                ours_near=[(sha_to_id.get(s, s), d, m) for s, d, m in near[:5]],
                phash_all=phash_all[:5],
                low_information=bool(fp.low_information),
                pdq_quality=int(fp.pdq_quality),
                boxes=ours_boxes(fp),
                width=fp.info.width,
                height=fp.info.height,
            )
        )
    return {
        "thresholds": thresholds,
        "outcomes": outcomes,
        "index_seconds": index_seconds,
        "originals": len(originals),
        "rows": ours_rows(index),
        "indexed": len(kept) if kept else None,
        "left_out": left_out,
        "t_fp": t_fp,
        "t_query": t_query,
        "t_phash": t_phash,
    }


def _pct(part: int, whole: int) -> str:
    return f"{part:3d}/{whole:<3d} {100 * part / whole:5.1f}%" if whole else "   -"


def report_corpus(result: dict, manifest: dict) -> list[str]:
    outcomes: list[Outcome] = result["outcomes"]
    lines = []
    lines.append(
        f"Index: {result['originals']} originals fingerprinted and indexed in "
        f"{result['index_seconds']:.2f} s; thresholds (PDQ bits of 256): "
        + ", ".join(f"{k} <= {v}" for k, v in result["thresholds"].items())
        + f"; baseline: imagehash.phash (64 bits) <= {PHASH_RADIUS}"
    )
    if result["rows"] and result["indexed"]:
        per = result["rows"] / result["indexed"]
        lines.append(
            f"  the index holds {result['rows']} rows of 256 bits for {result['indexed']} images: "
            f"{per:.1f} rows an image (10M images would be ~{per * 10:.0f}M rows, "
            f"~{per * 10e6 * 32 / 1e9:.1f} GB of hashes before the multi-index)"
        )
    if result["left_out"]:
        lines.append(
            "  left out of our index as low-information (their copies cannot be found): "
            + ", ".join(f"{i} (PDQ quality {q})" for i, q in result["left_out"])
        )
    lines.append("")
    header = (
        f"{'transform':<16}{'n':>4}  {'ours recall':>14}  {'phash recall':>14}"
        f"  {'ours FP':>7}  {'phash FP':>8}   ours: how found (median d)"
    )
    lines.append(header)
    lines.append("-" * len(header))
    transforms_ = list(manifest["transforms"])
    totals = {"n": 0, "ours": 0, "phash": 0, "ours_fp": 0, "phash_fp": 0}
    for name in transforms_:
        rows = [o for o in outcomes if o.kind == "copy" and o.transform == name]
        ours = sum(o.hit("ours") for o in rows)
        base = sum(o.hit("phash") for o in rows)
        ours_fp = sum(o.false_positive("ours") for o in rows)
        base_fp = sum(o.false_positive("phash") for o in rows)
        methods: dict[str, list[int]] = {}
        for o in rows:
            if o.hit("ours"):
                methods.setdefault(o.ours[0][2], []).append(o.ours[0][1])
        how = ", ".join(
            f"{m} {len(d)} ({statistics.median(d):g})"
            for m, d in sorted(methods.items(), key=lambda kv: -len(kv[1]))
        )
        lines.append(
            f"{name:<16}{len(rows):>4}  {_pct(ours, len(rows)):>14}  {_pct(base, len(rows)):>14}"
            f"  {ours_fp:>7}  {base_fp:>8}   {how}"
        )
        for key, value in (
            ("n", len(rows)),
            ("ours", ours),
            ("phash", base),
            ("ours_fp", ours_fp),
            ("phash_fp", base_fp),
        ):
            totals[key] += value
    lines.append("-" * len(header))
    lines.append(
        f"{'all copies':<16}{totals['n']:>4}  {_pct(totals['ours'], totals['n']):>14}  "
        f"{_pct(totals['phash'], totals['n']):>14}  {totals['ours_fp']:>7}  {totals['phash_fp']:>8}"
    )
    lines.append("")
    header2 = (
        f"{'distractors':<28}{'n':>4}  {'ours FP':>8}  {'phash FP':>8}   "
        f"nearest original, ours (PDQ d) / phash (d): min, median"
    )
    lines.append(header2)
    lines.append("-" * len(header2))
    kinds = sorted({o.kind for o in outcomes if o.kind != "copy"})
    all_d = [o for o in outcomes if o.kind != "copy"]
    for kind in [*kinds, "all"]:
        rows = all_d if kind == "all" else [o for o in outcomes if o.kind == kind]
        if kind == "all":
            lines.append("-" * len(header2))
        ours_fp = sum(o.false_positive("ours") for o in rows)
        base_fp = sum(o.false_positive("phash") for o in rows)
        ours_near = [o.ours_near[0][1] for o in rows if o.ours_near]
        base_near = [o.phash_all[0][1] for o in rows if o.phash_all]
        skipped = sum(o.low_information for o in rows)
        near = (
            f"{min(ours_near)}, {statistics.median(ours_near):g}" if ours_near else "-"
        ) + f" / {min(base_near)}, {statistics.median(base_near):g}"
        extra = f"  ({skipped} low-information, not queried)" if skipped else ""
        lines.append(f"{kind:<28}{len(rows):>4}  {ours_fp:>8}  {base_fp:>8}   {near}{extra}")
    return lines


def _right(o: Outcome) -> tuple[str, int, str] | None:
    """Where the right original stands among the nearest (any distance): (id, d, method)."""
    return next((m for m in o.ours_near if m[0] == o.original), None)


def report_details(result: dict, examples: int = 4) -> list[str]:
    """Our misses per transform (why, with example files) and every false positive of ours."""
    outcomes: list[Outcome] = result["outcomes"]
    lines = [
        "Our misses per transform (the right original is not the best match within the "
        "thresholds); d = PDQ distance to the right original by the best of our hashes, at any "
        "distance:"
    ]
    misses = [o for o in outcomes if o.kind == "copy" and not o.hit("ours")]
    by_transform: dict[str, list[Outcome]] = {}
    for o in misses:
        by_transform.setdefault(o.transform, []).append(o)
    for name, rows in by_transform.items():
        distances = [r[1] for r in (_right(o) for o in rows) if r]
        beyond = len(rows) - len(distances)
        low = sum(o.low_information for o in rows)
        boxed = sum(bool(o.boxes) for o in rows)
        stats = (
            f"d min {min(distances)}, median {statistics.median(distances):g}, max {max(distances)}"
            if distances
            else "d -"
        )
        notes = [stats]
        if beyond:
            notes.append(f"{beyond} with the right original not among the 5 nearest")
        if low:
            notes.append(f"{low} queries low-information")
        if name in ("ui_screenshot", "screenshot2", "caption_bar"):
            notes.append(f"a content box found in {boxed}/{len(rows)}")
        lines.append(f"  {name}: {len(rows)} missed; " + "; ".join(notes))
        for o in rows[:examples]:
            right = _right(o)
            where = f"right one d={right[1]} via {right[2]}" if right else "right one not near"
            wrong = next((m for m in o.ours_near if m[0] != o.original), None)
            box = f"; boxes {o.boxes} in {o.width}x{o.height}" if o.boxes else ""
            if not o.boxes and name in ("ui_screenshot", "screenshot2", "caption_bar"):
                box = "; no content box"
            lines.append(
                f"      {o.file}: {where}; nearest wrong d={wrong[1] if wrong else '-'}{box}"
            )
    if not misses:
        lines.append("  none")
    lines.append("")
    lines.append("Our false positives:")
    fps = [o for o in outcomes if o.false_positive("ours")]
    for o in fps:
        wrong = [m for m in o.ours if m[0] != o.original]
        lines.append(
            f"  {o.file} ({o.kind}): matched "
            + "; ".join(f"{i} d={d} {m}" for i, d, m in wrong[:3])
        )
    if not fps:
        lines.append("  none")
    return lines


def report_sweep(result: dict, manifest: dict) -> list[str]:
    """Recall and false positives if every PDQ radius were r (phash: if its radius were r).

    Informational: taken from a wide query, so it shows what a larger radius would buy on this
    corpus, not what the index answers (its multi-index is exact up to its own maximum radius).
    """
    outcomes: list[Outcome] = result["outcomes"]
    radii = (31, 40, 48, 56, 64, 72, 80)
    names = list(manifest["transforms"])
    lines = [
        "Radius sweep, ours (same PDQ radius r for every method): copies found as the best "
        "match, and false positives"
    ]
    lines.append(f"{'transform':<16}" + "".join(f"{'r=' + str(r):>8}" for r in radii))

    def ours_at(o: Outcome, r: int) -> tuple[bool, bool]:
        within = [m for m in o.ours_near if m[1] <= r]
        return bool(within) and within[0][0] == o.original, any(m[0] != o.original for m in within)

    for name in names:
        rows = [o for o in outcomes if o.kind == "copy" and o.transform == name]
        lines.append(
            f"{name:<16}" + "".join(f"{sum(ours_at(o, r)[0] for o in rows):>8}" for r in radii)
        )
    copies = [o for o in outcomes if o.kind == "copy"]
    lines.append(
        f"{'all copies':<16}"
        + "".join(f"{sum(ours_at(o, r)[0] for o in copies):>8}" for r in radii)
    )
    lines.append(
        f"{'FP (all queries)':<16}"
        + "".join(f"{sum(ours_at(o, r)[1] for o in outcomes):>8}" for r in radii)
    )
    p_radii = (6, 8, 10, 12, 14, 16, 18)
    lines.append("")
    lines.append("Radius sweep, phash baseline (64 bits):")
    lines.append(f"{'':<16}" + "".join(f"{'r=' + str(r):>8}" for r in p_radii))

    def phash_at(o: Outcome, r: int) -> tuple[bool, bool]:
        within = [m for m in o.phash_all if m[1] <= r]
        return bool(within) and within[0][0] == o.original, any(m[0] != o.original for m in within)

    lines.append(
        f"{'all copies':<16}"
        + "".join(f"{sum(phash_at(o, r)[0] for o in copies):>8}" for r in p_radii)
    )
    lines.append(
        f"{'FP (all queries)':<16}"
        + "".join(f"{sum(phash_at(o, r)[1] for o in outcomes):>8}" for r in p_radii)
    )
    return lines


# --- speed and size ----------------------------------------------------------------------


def speed_12mp(root: Path, repeats: int = 7) -> list[str]:
    data = (root / "speed" / "12mp.jpg").read_bytes()
    ours_fingerprint(data, "12mp.jpg")
    phash_of(data)  # warm both up
    ours, base = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        ours_fingerprint(data, "12mp.jpg")
        t1 = time.perf_counter()
        phash_of(data)
        t2 = time.perf_counter()
        ours.append(t1 - t0)
        base.append(t2 - t1)
    from PIL import Image

    floor = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        image = Image.open(io.BytesIO(data))
        image.draft("RGB", (128, 128))  # the smallest DCT-scaled decode libjpeg offers (1/8)
        image.load()
        floor.append(time.perf_counter() - t0)
    o, b = statistics.median(ours), statistics.median(base)
    f = statistics.median(floor)
    ratio = o / b
    verdict = "meets" if ratio <= TARGET_SPEED_RATIO else "MISSES"
    return [
        f"(a) one 4000x3000 JPEG (q 90, {len(data) / 1e6:.1f} MB), decode included, median of "
        f"{repeats}: all our fingerprints {o * 1000:.1f} ms, imagehash.phash alone "
        f"{b * 1000:.1f} ms; ours/phash = {ratio:.3f} "
        f"({verdict} the <= {TARGET_SPEED_RATIO} target)",
        f"    for scale: a bare 1/8-scale JPEG decode of that file alone takes {f * 1000:.1f} ms "
        f"(= {f / b:.3f} of phash), a floor no fingerprint that decodes the file can go under",
    ]


def _rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def synthetic(size: int, root: Path) -> dict:
    """Run in a fresh process: an index of `size` random hashes plus planted real ones."""
    manifest = json.loads((root / "manifest.json").read_text())
    originals = [i for i in manifest["items"] if i["kind"] == "original"][:20]
    thresholds = ours_thresholds()
    planted = [ours_fingerprint((root / i["file"]).read_bytes(), i["file"]) for i in originals]
    probes = []
    for item, fp in zip(originals, planted, strict=True):
        for transform in ("recompress", "ui_screenshot"):
            path = root / "copies" / f"{item['original']}__{transform}.jpg"
            probes.append((fp, ours_fingerprint(path.read_bytes(), path.name)))
    rss0 = _rss_kib()
    rng = np.random.default_rng(20251126)
    hashes = rng.integers(
        0, np.iinfo(np.uint64).max, size=(size, 4), dtype=np.uint64, endpoint=True
    )
    rows = rng.choice(size, len(planted), replace=False)
    for row, fp in zip(rows, planted, strict=True):
        hashes[row] = ours_pack(fp.pdq)
    t0 = time.perf_counter()
    index = ours_from_packed(hashes)
    build_s = time.perf_counter() - t0
    del hashes  # whatever the index kept of it stays alive through the index
    rss1 = _rss_kib()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    expected = {fp.pdq: str(int(row)) for row, fp in zip(rows, planted, strict=True)}
    for _stored, probe in probes[:5]:  # warm up
        ours_query(index, probe, thresholds)
    times, found = [], 0
    for stored, probe in probes:
        t = time.perf_counter()
        matches = ours_query(index, probe, thresholds)
        times.append(time.perf_counter() - t)
        found += any(m[0] == expected[stored.pdq] for m in matches)
    lookups = {}
    for radius in sorted({31, thresholds.get("pdq", 31)}):
        spent = []
        for _stored, probe in probes:
            t = time.perf_counter()
            ours_lookup(index, probe.pdq, radius)
            spent.append(time.perf_counter() - t)
        lookups[radius] = statistics.median(spent) * 1000
    return {
        "size": size,
        "build_s": build_s,
        "query_ms_median": statistics.median(times) * 1000,
        "query_ms_p95": float(np.percentile(times, 95)) * 1000,
        "query_ms_max": max(times) * 1000,
        "lookup_ms_median": lookups,
        "queries": len(times),
        "thresholds": thresholds,
        "found": found,
        "rss_delta_gb": (rss1 - rss0) * 1024 / 1e9,
        "peak_delta_gb": max(0, peak - rss0) * 1024 / 1e9,
        "nbytes_gb": (ours_index_bytes(index) or 0) / 1e9,
    }


def speed_synthetic(root: Path, sizes: list[int]) -> list[str]:
    lines = []
    for size in sizes:
        started = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, __file__, "--synthetic-child", str(size), "--dir", str(root)],
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            lines.append(f"(b) {size:,} hashes: FAILED\n{proc.stderr[-2000:]}")
            continue
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        target = TARGET_QUERY_MS.get(size)
        verdict = ""
        if target:
            met = "meets" if r["query_ms_median"] <= target else "MISSES"
            verdict = f" ({met} the <= {target:g} ms target)"
        lines.append(
            f"(b) {size:>10,} random 256-bit hashes (+{r['queries'] // 2} planted real PDQs; "
            f"PDQ radius {r['thresholds'].get('pdq')}): "
            f"index built in {r['build_s']:.1f} s; one query (all of a fingerprint's hashes) "
            f"median {r['query_ms_median']:.2f} ms, p95 {r['query_ms_p95']:.2f} ms, max "
            f"{r['query_ms_max']:.2f} ms{verdict}; planted originals found by their copies "
            f"(recompress, ui_screenshot): {r['found']}/{r['queries']}"
        )
        lines.append(
            "    one hash looked up alone, median: "
            + ", ".join(
                f"{ms:.2f} ms at radius {radius}" for radius, ms in r["lookup_ms_median"].items()
            )
        )
        mem_verdict = ""
        if size >= 10_000_000:
            met = (
                "meets" if max(r["nbytes_gb"], r["rss_delta_gb"]) <= TARGET_MEMORY_GB else "MISSES"
            )
            mem_verdict = f" ({met} the <= {TARGET_MEMORY_GB:g} GB target)"
        lines.append(
            f"(c) {size:>10,} hashes in memory: index nbytes {r['nbytes_gb']:.3f} GB, RSS after "
            f"build {r['rss_delta_gb']:.3f} GB, peak during build {r['peak_delta_gb']:.3f} GB"
            f"{mem_verdict}   [subprocess {time.perf_counter() - started:.0f} s]"
        )
    return lines


# --- main --------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description="Image-reuse benchmark")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the corpus")
    parser.add_argument("--dir", type=Path, default=corpus.DEFAULT_DIR)
    parser.add_argument("--skip-synthetic", action="store_true", help="no 1M/10M index test")
    parser.add_argument("--sizes", default="1000000,10000000", help="synthetic index sizes")
    parser.add_argument("--synthetic-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.synthetic_child:
        print(json.dumps(synthetic(args.synthetic_child, args.dir)))
        return

    total = time.perf_counter()
    print("Image-reuse benchmark")
    for line in machine():
        print("  " + line)
    started = time.perf_counter()
    try:
        manifest, built = corpus.ensure(args.dir, args.rebuild)
    except Exception as exc:  # MissingPhotos names the installs
        sys.exit(f"cannot build the corpus: {exc}")
    corpus_s = time.perf_counter() - started
    state = (
        f"built in {corpus_s:.1f} s"
        if built
        else f"cached (built in {manifest['built_seconds']} s)"
    )
    print(f"  Corpus {args.dir} {state}: {corpus.summary(manifest)}")
    print()

    started = time.perf_counter()
    result = run_corpus(args.dir, manifest)
    corpus_run = time.perf_counter() - started
    for line in report_corpus(result, manifest):
        print(line)
    print()
    n = len(result["t_fp"])
    print(
        f"Per query ({n} queries, {corpus_run:.1f} s in all): our fingerprint median "
        f"{statistics.median(result['t_fp']) * 1000:.1f} ms, our index query median "
        f"{statistics.median(result['t_query']) * 1000:.2f} ms; phash median "
        f"{statistics.median(result['t_phash']) * 1000:.1f} ms (decode included in both)"
    )
    print()
    for line in report_details(result):
        print(line)
    print()
    for line in report_sweep(result, manifest):
        print(line)
    print()
    print("Speed and size")
    for line in speed_12mp(args.dir):
        print(line)
    if not args.skip_synthetic:
        sizes = [int(s) for s in args.sizes.split(",") if s]
        for line in speed_synthetic(args.dir, sizes):
            print(line)
    details = args.dir / "last_run.json"
    details.write_text(
        json.dumps(
            {
                "thresholds": result["thresholds"],
                "outcomes": [o.__dict__ for o in result["outcomes"]],
            },
            indent=1,
        )
    )
    print()
    print(f"Total {time.perf_counter() - total:.0f} s. Every query's matches: {details}")


if __name__ == "__main__":
    main()
