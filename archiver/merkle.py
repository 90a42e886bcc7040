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


def root(entries: list[bytes]) -> bytes:
    if not entries:
        return hashlib.sha256(b"").digest()
    level = [leaf_hash(entry) for entry in entries]
    return _root_of_hashes(level)


def _root_of_hashes(hashes: list[bytes]) -> bytes:
    if len(hashes) == 1:
        return hashes[0]
    split = _split(len(hashes))
    return node_hash(_root_of_hashes(hashes[:split]), _root_of_hashes(hashes[split:]))


def inclusion_proof(entries: list[bytes], index: int) -> list[bytes]:
    """The audit path of entry `index`: sibling hashes from the leaf up to the root."""
    if not 0 <= index < len(entries):
        raise IndexError(f"entry {index} is not in a tree of {len(entries)}")
    return _path(index, [leaf_hash(entry) for entry in entries])


def _path(index: int, hashes: list[bytes]) -> list[bytes]:
    if len(hashes) == 1:
        return []
    split = _split(len(hashes))
    if index < split:
        return [*_path(index, hashes[:split]), _root_of_hashes(hashes[split:])]
    return [*_path(index - split, hashes[split:]), _root_of_hashes(hashes[:split])]


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
