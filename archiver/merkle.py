"""Merkle trees as Certificate Transparency defines them (RFC 6962 section 2.1; RFC 9162
section 2.1.3 for checking a proof), so that a timestamp over one root vouches for every
entry under it and each entry can show it is there with a short inclusion proof.

    leaf   = SHA-256(0x00 || entry)
    node   = SHA-256(0x01 || left || right)
    root of n > 1 entries: split at k, the largest power of two below n
"""

from __future__ import annotations

import hashlib


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


class MerkleTree:
    """A tree over a list of entries; subtree hashes are kept, so a proof costs log n."""

    def __init__(self, entries: list[bytes]) -> None:
        self.leaves = [leaf_hash(entry) for entry in entries]
        self._subtrees: dict[tuple[int, int], bytes] = {}

    def root(self) -> bytes:
        if not self.leaves:
            return hashlib.sha256(b"").digest()
        return self._root(0, len(self.leaves))

    def proof(self, index: int) -> list[bytes]:
        """The audit path of entry `index`: sibling hashes from the leaf up to the root."""
        if not 0 <= index < len(self.leaves):
            raise IndexError(f"entry {index} is not in a tree of {len(self.leaves)}")
        low, high, path = 0, len(self.leaves), []
        while high - low > 1:
            split = low + _split(high - low)
            if index < split:
                path.append(self._root(split, high))
                high = split
            else:
                path.append(self._root(low, split))
                low = split
        return path[::-1]

    def _root(self, low: int, high: int) -> bytes:
        if high - low == 1:
            return self.leaves[low]
        known = self._subtrees.get((low, high))
        if known is None:
            split = low + _split(high - low)
            known = node_hash(self._root(low, split), self._root(split, high))
            self._subtrees[(low, high)] = known
        return known


def root(entries: list[bytes]) -> bytes:
    return MerkleTree(entries).root()


def inclusion_proof(entries: list[bytes], index: int) -> list[bytes]:
    return MerkleTree(entries).proof(index)


def root_from_proof(entry: bytes, index: int, size: int, path: list[bytes]) -> bytes | None:
    """The root an inclusion proof leads to, or None when the proof is malformed."""
    if not 0 <= index < size:
        return None
    fn, sn, result = index, size - 1, leaf_hash(entry)
    for sibling in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            result = node_hash(sibling, result)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            result = node_hash(result, sibling)
        fn >>= 1
        sn >>= 1
    return result if sn == 0 else None


def _split(count: int) -> int:
    """The largest power of two smaller than count (count > 1)."""
    split = 1
    while split * 2 < count:
        split *= 2
    return split
