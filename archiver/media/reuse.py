"""The reuse index: which stored images are near a given one, by Hamming distance on PDQ.

Every stored image contributes rows of 256 bits, packed as four uint64 words: its PDQ, the
PDQs of its content boxes, of nine 95% crops, and of later animation frames (about 10 to 14
rows an image). A query compares the query image's own hashes, its mirror image and central
part included, with them.

Search is exact within the radius. Below `BRUTE_FORCE_ROWS` rows every row is compared, with
a vectorised popcount. Above it a multi-index answers instead: the 256 bits are cut into 16
bands of 16 bits and each band keeps, for every one of its 65,536 values, the rows that have
it. Two hashes within 31 bits of each other agree to within one bit on at least one band
(16 bands, at most 31 differing bits), so probing each band's value and its 16 one-bit
neighbours finds every candidate; the candidates are then verified on all 256 bits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from ..models import Fingerprint
from .fingerprint import HASH_VERSION

BRUTE_FORCE_ROWS = 65_536
_BANDS = 16
# 16-bit masks with 0, 1, 2 or 3 bits set, fewest first: within radius r, some band of a
# match differs from the query's by at most r // 16 bits, so those are the values to probe.
_FLIP_MASKS = np.array(
    sorted((m for m in range(1 << 16) if m.bit_count() <= 3), key=int.bit_count), dtype=np.int64
)
_MASK_COUNTS = [1, 17, 137, 697]  # how many masks have at most 0, 1, 2, 3 bits set


class Kind(IntEnum):
    """Which of an image's hashes a row holds."""

    FULL = 0
    BOX = 1
    CROP = 2
    FRAME = 3


@dataclass(frozen=True)
class Match:
    sha256: str
    distance: int
    method: str  # sha256, pdq, pdq-mirror, pdq-box, pdq-center, pdq-frame
    exact: bool


def pack(hex_hash: str) -> np.ndarray:
    """64 hex digits → four uint64 words."""
    return np.frombuffer(bytes.fromhex(hex_hash), dtype=">u8").astype(np.uint64)


class ReuseIndex:
    def __init__(self, hashes: np.ndarray, owners: np.ndarray | None, kinds: np.ndarray | None,
                 shas: list[str]) -> None:  # fmt: skip
        self.hashes = np.ascontiguousarray(hashes, dtype=np.uint64).reshape(-1, 4)
        self.owners = owners  # row -> index into shas (None: row i is image i)
        self.kinds = kinds
        self.shas = shas
        self.owner_of = {sha256: owner for owner, sha256 in enumerate(shas)}
        self._tail: list[tuple[np.ndarray, int, Kind]] = []  # added since built, searched in full
        self._bands: list[tuple[np.ndarray, np.ndarray]] | None = None
        if len(self.hashes) > BRUTE_FORCE_ROWS:
            self._bands = [_band_index(self.hashes, band) for band in range(_BANDS)]

    @classmethod
    def build(cls, items: Iterable[tuple[str, Fingerprint]]) -> ReuseIndex:
        """An index of stored images, leaving out low-information ones and other hash versions."""
        rows: list[np.ndarray] = []
        owners: list[int] = []
        kinds: list[int] = []
        shas: list[str] = []
        for sha256, fp in items:
            if fp.low_information or fp.hash_version != HASH_VERSION:
                continue
            owner = len(shas)
            shas.append(sha256)
            for kind, value in _stored_hashes(fp):
                rows.append(pack(value))
                owners.append(owner)
                kinds.append(kind)
        hashes = np.array(rows, dtype=np.uint64).reshape(-1, 4)
        return cls(hashes, np.array(owners, dtype=np.int32), np.array(kinds, dtype=np.int8), shas)

    def add(self, sha256: str, fp: Fingerprint) -> None:
        """Take in one more image (one the running job just stored); it is compared in full."""
        if fp.low_information or fp.hash_version != HASH_VERSION or sha256 in self.owner_of:
            return
        owner = len(self.shas)
        self.shas.append(sha256)
        self.owner_of[sha256] = owner
        self._tail += [(pack(value), owner, kind) for kind, value in _stored_hashes(fp)]

    @classmethod
    def from_packed(cls, hashes: np.ndarray) -> ReuseIndex:
        """An index over bare packed hashes, one image each (for size and speed tests)."""
        return cls(hashes, None, None, [])

    def __len__(self) -> int:
        """Rows (hashes) held, the ones added since it was built included."""
        return len(self.hashes) + len(self._tail)

    @property
    def nbytes(self) -> int:
        size = self.hashes.nbytes
        size += sum(a.nbytes for a in (self.owners, self.kinds) if a is not None)
        return size + sum(o.nbytes + m.nbytes for o, m in self._bands or [])

    def search(self, query: np.ndarray, radius: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows within `radius` bits of one packed hash, and their distances."""
        if len(self.hashes) == 0:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
        if self._bands is None:
            rows = np.arange(len(self.hashes))
        else:
            rows = self._candidates(query, radius)
        bits = np.bitwise_count(self.hashes[rows] ^ query)
        distances = bits[:, 0] + bits[:, 1] + bits[:, 2] + bits[:, 3]  # faster than .sum(axis=1)
        keep = distances <= radius
        return rows[keep], distances[keep].astype(np.int64)

    def _found(self, query: np.ndarray, radius: int) -> list[tuple[int, Kind, int]]:
        """(owner, kind, distance) of every stored hash within `radius`, tail included."""
        rows, distances = self.search(query, radius)
        found = [
            (
                int(self.owners[row]) if self.owners is not None else row,
                Kind(int(self.kinds[row])) if self.kinds is not None else Kind.FULL,
                distance,
            )
            for row, distance in zip(rows.tolist(), distances.tolist(), strict=True)
        ]
        for packed, owner, kind in self._tail:
            distance = int(np.bitwise_count(packed ^ query).sum())
            if distance <= radius:
                found.append((owner, kind, distance))
        return found

    def query(self, fp: Fingerprint, thresholds: dict[str, int]) -> list[Match]:
        """Stored images near this one, best first: one match, the closest, per stored image.

        `thresholds` gives the radius per method ("pdq", "pdq-mirror", "pdq-box", ...);
        a method it does not name uses the "pdq" radius.
        """
        best: dict[int, Match] = {}
        if fp.info.sha256 in self.owner_of:
            owner = self.owner_of[fp.info.sha256]
            best[owner] = Match(fp.info.sha256, 0, "sha256", True)
        if fp.low_information or fp.hash_version != HASH_VERSION:
            return list(best.values())
        for method, value, allowed in _query_hashes(fp):
            radius = thresholds.get(method, thresholds["pdq"])
            for owner, kind, distance in self._found(pack(value), radius):
                if kind not in allowed or owner == self.owner_of.get(fp.info.sha256, -1):
                    continue
                if owner in best and best[owner].distance <= distance:
                    continue
                name = (
                    f"pdq-{kind.name.lower()}"
                    if method == "pdq" and kind is not Kind.FULL
                    else method
                )
                sha256 = self.shas[owner] if self.shas else str(owner)
                best[owner] = Match(sha256, distance, name, False)
        return sorted(best.values(), key=lambda m: (not m.exact, m.distance, m.sha256))

    def _candidates(self, query: np.ndarray, radius: int) -> np.ndarray:
        assert self._bands is not None
        masks = _FLIP_MASKS[: _MASK_COUNTS[min(radius // _BANDS, len(_MASK_COUNTS) - 1)]]
        found = []
        values = _band_values(query.reshape(1, 4), np.arange(_BANDS))[0]
        for band, (offsets, members) in enumerate(self._bands):
            keys = int(values[band]) ^ masks
            starts, ends = offsets[keys], offsets[keys + 1]
            lengths = ends - starts
            total = int(lengths.sum())
            if total:
                steps = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
                found.append(members[steps + np.arange(total)])
        if not found:
            return np.empty(0, dtype=np.int64)
        rows = np.sort(np.concatenate(found))  # sort and drop repeats: faster than np.unique
        return rows[np.concatenate([[True], rows[1:] != rows[:-1]])]


def _band_values(hashes: np.ndarray, band: int | np.ndarray) -> np.ndarray:
    """The 16-bit value of a band (or of each of several bands) in each hash."""
    word, shift = np.divmod(band, 4)
    shifted = hashes[:, word] >> (16 * np.asarray(shift, dtype=np.uint64))
    return (shifted & np.uint64(0xFFFF)).astype(np.int64)


def _band_index(hashes: np.ndarray, band: int) -> tuple[np.ndarray, np.ndarray]:
    """For one band: offsets[v]:offsets[v+1] slices `members`, the rows whose band value is v."""
    values = _band_values(hashes, band)
    members = np.argsort(values, kind="stable").astype(np.int32)
    counts = np.bincount(values, minlength=65536)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return offsets, members


def _stored_hashes(fp: Fingerprint) -> list[tuple[Kind, str]]:
    stored = [(Kind.FULL, fp.pdq)]
    stored += [(Kind.BOX, value) for value in fp.box_pdqs]
    stored += [(Kind.CROP, value) for value in fp.crop_pdqs]
    stored += [(Kind.FRAME, value) for value in fp.frame_pdqs]
    return stored


def _query_hashes(fp: Fingerprint) -> list[tuple[str, str, set[Kind]]]:
    """The query's hashes, each with the stored kinds it may be compared with."""
    queries = [
        ("pdq", fp.pdq, {Kind.FULL, Kind.BOX, Kind.CROP, Kind.FRAME}),
        ("pdq-mirror", fp.pdq_mirror, {Kind.FULL, Kind.BOX}),
        ("pdq-center", fp.center_pdq, {Kind.FULL}),
    ]
    queries += [("pdq-box", value, {Kind.FULL, Kind.BOX, Kind.CROP}) for value in fp.box_pdqs]
    queries += [("pdq-frame", value, {Kind.FULL}) for value in fp.frame_pdqs]
    return queries
