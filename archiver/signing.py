"""The archive's Ed25519 signing key: who vouches for a bundle.

`archiver keys init` makes the key pair beside the database (`<name>.keys/`): the private key
readable by its owner only, the public key beside it. Its fingerprint, sha256 of the raw
public key, is what an archive publishes so that auditors can check a bundle's signature
came from it. Bundles carry the public key; the signature covers the bag's tag manifest,
which covers every manifest, which covers every payload file.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .errors import ConfigError

PRIVATE_NAME = "signing.key"
PUBLIC_NAME = "signing.pub"


@dataclass
class SigningKey:
    private: Ed25519PrivateKey
    folder: Path

    @property
    def public_pem(self) -> bytes:
        return public_pem(self.private.public_key())

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.private.public_key())

    def sign(self, data: bytes) -> str:
        """The signature, base64."""
        return base64.b64encode(self.private.sign(data)).decode("ascii")


def key_folder(db_path: Path) -> Path:
    return db_path.with_name(db_path.stem + ".keys")


def init_key(folder: Path) -> SigningKey:
    """Make a new key pair; refuse to replace one (bundles signed with it would be orphaned)."""
    private_path = folder / PRIVATE_NAME
    if private_path.exists():
        raise ConfigError(f"{private_path}: a signing key exists already; keep it", str(folder))
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )  # fmt: skip
    try:
        folder.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
        (folder / PUBLIC_NAME).write_bytes(public_pem(key.public_key()))
    except OSError as exc:
        message = f"{folder}: cannot write the signing key: {exc.strerror}"
        raise ConfigError(message, str(folder)) from exc
    return SigningKey(key, folder)


def load_key(folder: Path) -> SigningKey | None:
    """The archive's key, or None when `archiver keys init` has not been run."""
    private_path = folder / PRIVATE_NAME
    if not private_path.exists():
        return None
    try:
        key = serialization.load_pem_private_key(private_path.read_bytes(), password=None)
    except (OSError, ValueError) as exc:
        message = f"{private_path}: not a readable signing key: {exc}"
        raise ConfigError(message, str(folder)) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigError(f"{private_path}: not an Ed25519 key", str(folder))
    return SigningKey(key, folder)


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def fingerprint(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def check_signature(public: bytes, data: bytes, signature: str) -> str | None:
    """The public key's fingerprint when the signature holds; None when it does not."""
    try:
        key = serialization.load_pem_public_key(public)
        if not isinstance(key, Ed25519PublicKey):
            return None
        key.verify(base64.b64decode(signature, validate=True), data)
    except (ValueError, InvalidSignature, UnsupportedAlgorithm):
        return None
    return fingerprint(key)
