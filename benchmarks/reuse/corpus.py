"""The reuse corpus: originals, their transformed copies, and distractors, with a manifest.

    python3 benchmarks/reuse/corpus.py [--rebuild] [--dir PATH]

builds it into `benchmarks/reuse/.corpus/` (git-ignored). The build is cached: it is redone
only when the manifest is missing or was made by other versions of photos.py, transforms.py
or this file.

    originals/<id>.jpg               47 photographs (see photos.py), long side <= 1600 px, q 95
    copies/<id>__<transform>.jpg     every transform of every original (transforms.py)
    distractors/*.jpg                pictures that must match no original:
        region-*    the half of a large photo that is not the original, cut in two (no
                    pixel shared with the original, the other half)
        art-*, texture-*, science-*   the packages' non-photographs
        hn-ui-*, hn-screenshot2-*, hn-caption-*
                    hard negatives: a distractor picture in the very same post UI (same
                    account, text, theme) or under the very same caption bar as an
                    original's copy
    speed/12mp.jpg                   a 4000x3000 JPEG (q 90) of a real photo, for timing
    manifest.json                    one entry per file: file, original (id or null),
                                     transform, kind, source

Every file is a JPEG, as a platform would serve it.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import random
import sys
import time
import zlib
from multiprocessing import Pool
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import photos  # noqa: E402
import transforms  # noqa: E402

DEFAULT_DIR = HERE / ".corpus"
MAX_SIDE = 1600  # long side of originals and distractors, as a platform would serve them
SPEED_SIZE = (4000, 3000)
SPEED_SOURCE = "lomiri-Dragonfly"  # 4224x3168, a real 4:3 photo
Image.MAX_IMAGE_PIXELS = None  # the packages' own wallpapers, up to 6028x3391


def version() -> str:
    """Names the code that made a corpus: a change to it means a rebuild."""
    digest = hashlib.sha256()
    for name in ("photos.py", "transforms.py", "corpus.py"):
        digest.update((HERE / name).read_bytes())
    return digest.hexdigest()[:16]


def seed_of(original_id: str) -> int:
    return zlib.crc32(original_id.encode())


def _load(path: Path, box: photos.Box | None = None) -> Image.Image:
    image = Image.open(path)
    image.load()
    image = transforms._rgb(image)
    if box:
        image = image.crop(box)
    return image


def _detail(image: Image.Image) -> float:
    """Mean edge strength of a small grey copy: how much there is to see."""
    small = image.convert("L")
    small.thumbnail((256, 256))
    return float(np.asarray(small.filter(ImageFilter.FIND_EDGES), dtype=np.float64).mean())


def _shrink(image: Image.Image) -> Image.Image:
    image = image.copy()
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.LANCZOS)
    return image


def _save(image: Image.Image, path: Path, quality: int) -> None:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    path.write_bytes(buffer.getvalue())


def _entry(
    root: Path,
    path: Path,
    original: str | None,
    transform: str,
    kind: str,
    source: str,
    **extra: object,
) -> dict:
    return {
        "file": str(path.relative_to(root)),
        "original": original,
        "transform": transform,
        "kind": kind,
        "source": source,
        **extra,
    }


def _build_source(job: tuple[str, str, str]) -> list[dict]:
    """One catalogued picture: its original and copies, or its distractors."""
    root, source_id, path = Path(job[0]), job[1], Path(job[2])
    source = next(s for s in photos.CATALOGUE if s.id == source_id)
    full = _load(path)
    entries = []
    if source.kind != "photo":
        picture = _shrink(full)
        if min(picture.size) < photos.MIN_SIDE:
            return []
        out = root / "distractors" / f"{source.kind}-{source.id}.jpg"
        _save(picture, out, 92)
        return [_entry(root, out, None, "none", f"distractor-{source.kind}", source.id)]
    keep, regions = photos.split_boxes(*full.size)
    if regions:  # the original is the half with more detail; the other half gives distractors
        other, other_regions = photos.split_boxes(*full.size, second=True)
        if _detail(full.crop(other)) > _detail(full.crop(keep)):
            keep, regions = other, other_regions
    original = _shrink(full.crop(keep))
    out = root / "originals" / f"{source.id}.jpg"
    _save(original, out, 95)
    entries.append(
        _entry(
            root,
            out,
            source.id,
            "original",
            "original",
            source.id,
            package=source.package,
            credit=source.credit,
            source_path=str(path),
            box=list(keep),
        )
    )
    posted = _load(out)  # copies are made from the original as it was posted
    seed = seed_of(source.id)
    for name, transform in transforms.TRANSFORMS.items():
        copy = transform.apply(posted, seed=seed)
        out = root / "copies" / f"{source.id}__{name}.jpg"
        _save(copy, out, transform.quality)
        entries.append(_entry(root, out, source.id, name, "copy", source.id))
    for number, box in enumerate(regions):
        out = root / "distractors" / f"region-{source.id}-{number + 1}.jpg"
        _save(_shrink(full.crop(box)), out, 92)
        entries.append(
            _entry(root, out, None, "none", "distractor-region", source.id, box=list(box))
        )
    return entries


def _build_hard_negatives(job: tuple[str, str, list[str]]) -> list[dict]:
    """For one original: other pictures in the same UI and under the same caption as its copies."""
    root, original_id, pool = Path(job[0]), job[1], job[2]
    seed = seed_of(original_id)
    rng = random.Random(f"hard-negatives:{original_id}")
    picks = rng.sample(pool, 3)
    entries = []
    made = (
        ("ui", "ui_screenshot", lambda im: transforms.ui_screenshot(im, seed=seed)),
        ("screenshot2", "screenshot2", lambda im: transforms.screenshot2(im, seed=seed)),
        ("caption", "caption_bar", lambda im: transforms.caption_bar(im, seed=seed)),
    )
    for (label, name, make), pick in zip(made, picks, strict=True):
        picture = _load(root / pick)
        out = root / "distractors" / f"hn-{label}-{original_id}.jpg"
        _save(make(picture), out, transforms.TRANSFORMS[name].quality)
        entries.append(
            _entry(
                root,
                out,
                None,
                name,
                f"hard-negative-{label}",
                pick,
                same_template_as=f"copies/{original_id}__{name}.jpg",
            )
        )
    return entries


def _build_speed_file(root: Path) -> dict:
    source = next(s for s in photos.CATALOGUE if s.id == SPEED_SOURCE)
    image = _load(source.path()).resize(SPEED_SIZE, Image.LANCZOS)  # type: ignore[arg-type]
    out = root / "speed" / "12mp.jpg"
    _save(image, out, 90)
    return _entry(root, out, None, "speed", "speed", source.id)


def build(root: Path = DEFAULT_DIR, workers: int | None = None) -> dict:
    """Build the whole corpus into `root` and return its manifest."""
    started = time.monotonic()
    sources = photos.all_sources()  # MissingPhotos names the installs when any is absent
    for folder in ("originals", "copies", "distractors", "speed"):
        (root / folder).mkdir(parents=True, exist_ok=True)
        for old in (root / folder).glob("*.jpg"):
            old.unlink()
    (root / "manifest.json").unlink(missing_ok=True)
    jobs = [(str(root), source.id, str(path)) for source, path in sources]
    # biggest files first, so the two workers finish together
    jobs.sort(key=lambda job: -Path(job[2]).stat().st_size)
    with Pool(workers or os.cpu_count() or 1) as pool:
        entries = [e for batch in pool.imap_unordered(_build_source, jobs) for e in batch]
        regions = sorted(e["file"] for e in entries if e["kind"] == "distractor-region")
        originals = sorted(e["original"] for e in entries if e["kind"] == "original")
        hard = [(str(root), original, regions) for original in originals]
        entries += [e for batch in pool.imap_unordered(_build_hard_negatives, hard) for e in batch]
    entries.append(_build_speed_file(root))
    entries.sort(key=lambda e: e["file"])
    manifest = {
        "version": version(),
        "built_seconds": round(time.monotonic() - started, 1),
        "max_side": MAX_SIDE,
        "transforms": {name: t.note for name, t in transforms.TRANSFORMS.items()},
        "items": entries,
    }
    (root / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
    return manifest


def load(root: Path = DEFAULT_DIR) -> dict | None:
    """The manifest of a complete, current corpus in `root`, or None."""
    try:
        manifest = json.loads((root / "manifest.json").read_text())
    except (OSError, ValueError):
        return None
    if manifest.get("version") != version():
        return None
    if not all((root / item["file"]).is_file() for item in manifest["items"]):
        return None
    return manifest


def ensure(root: Path = DEFAULT_DIR, rebuild: bool = False) -> tuple[dict, bool]:
    """The corpus's manifest, building it first when needed; also whether it was built now."""
    manifest = None if rebuild else load(root)
    if manifest is not None:
        return manifest, False
    return build(root), True


def summary(manifest: dict) -> str:
    kinds: dict[str, int] = {}
    for item in manifest["items"]:
        kinds[item["kind"]] = kinds.get(item["kind"], 0) + 1
    return ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rebuild", action="store_true", help="build even when cached")
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    args = parser.parse_args()
    started = time.monotonic()
    try:
        manifest, built = ensure(args.dir, args.rebuild)
    except photos.MissingPhotos as exc:
        sys.exit(str(exc))
    state = f"built in {time.monotonic() - started:.1f} s" if built else "cached"
    print(f"corpus {args.dir} ({state}): {summary(manifest)}")


if __name__ == "__main__":
    main()
