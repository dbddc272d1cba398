"""Ed25519 signatures over record hashes (``cryptography``), so records cannot be forged by
someone who can edit the ledger files but does not hold the private key.

Keys are PEM files: a PKCS#8 private key (``openssl genpkey -algorithm ed25519``) to sign,
its SubjectPublicKeyInfo public key (``openssl pkey -pubout``) to verify.  A signature is
``{"alg": "ed25519", "key_id": "sha256:<16 hex>", "value": "<base64>"}`` over the ASCII bytes
of the record's ``hash``.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any, Mapping

from soc2gate.errors import UsageError

ALGORITHM = "ed25519"


def _read_pem(path: str, what: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the {what}: {exc.strerror or exc}") from None


def require_cryptography() -> None:
    try:
        import cryptography  # noqa: F401
    except ImportError:
        raise UsageError("evidence signatures need `cryptography`: pip install 'soc2gate[evidence]'") from None


def _key_id(public_key: Any) -> str:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "sha256:" + hashlib.sha256(raw).hexdigest()[:16]


class Signer:
    """Signs record hashes with an Ed25519 private key."""

    def __init__(self, path: str) -> None:
        require_cryptography()
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
        from cryptography.hazmat.primitives.serialization import load_pem_private_key

        try:
            key = load_pem_private_key(_read_pem(path, "evidence signing key"), password=None)
        except (ValueError, TypeError) as exc:
            raise UsageError(f"{path}: not an unencrypted PEM private key: {exc}") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise UsageError(f"{path}: the evidence signing key must be an Ed25519 key")
        self._key = key
        self.key_id = _key_id(key.public_key())

    def sign(self, record_hash: str) -> dict[str, str]:
        value = base64.b64encode(self._key.sign(record_hash.encode("ascii"))).decode("ascii")
        return {"alg": ALGORITHM, "key_id": self.key_id, "value": value}


class Checker:
    """Checks record signatures against an Ed25519 public key (or the public half of a private key)."""

    def __init__(self, path: str) -> None:
        require_cryptography()
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
        from cryptography.hazmat.primitives.serialization import load_pem_private_key, load_pem_public_key

        data = _read_pem(path, "evidence public key")
        try:
            key: Any = load_pem_public_key(data)
        except (ValueError, TypeError):
            try:
                key = load_pem_private_key(data, password=None)
            except (ValueError, TypeError) as exc:
                raise UsageError(f"{path}: not a PEM public key: {exc}") from None
        if isinstance(key, Ed25519PrivateKey):
            key = key.public_key()
        if not isinstance(key, Ed25519PublicKey):
            raise UsageError(f"{path}: the evidence public key must be an Ed25519 key")
        self._key = key
        self.key_id = _key_id(key)

    def problem(self, record: Mapping[str, Any]) -> str | None:
        """Why the record's signature is not valid under this key, or None."""
        from cryptography.exceptions import InvalidSignature

        signature = record.get("signature")
        if not isinstance(signature, dict):
            return "the record is not signed"
        if signature.get("alg") != ALGORITHM or not isinstance(signature.get("value"), str):
            return "the signature is malformed"
        if signature.get("key_id") != self.key_id:
            return f"signed by another key ({signature.get('key_id')}; expected {self.key_id})"
        try:
            self._key.verify(base64.b64decode(signature["value"], validate=True),
                             str(record.get("hash")).encode("ascii"))
        except (InvalidSignature, ValueError, UnicodeEncodeError):
            return "the signature does not verify: the record was forged or its signature replaced"
        return None
