"""``soc2gate webhook certs``: a CA and a serving certificate for clusters without cert-manager.

Writes ``ca.crt``, ``tls.crt``, ``tls.key`` and ``cabundle.patch.yaml`` (a JSON patch that puts the CA
into every webhook of the ValidatingWebhookConfiguration) into the self-signed overlay's folder,
where its ``secretGenerator`` and ``patches`` pick them up.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from soc2gate.errors import UsageError

WEBHOOKS = ("workloads.validate.soc2gate.io", "config.validate.soc2gate.io")


@dataclass(frozen=True)
class CertRequest:
    """What to issue: the Service's DNS names come from ``service`` and ``namespace``."""

    output_dir: Path
    service: str = "soc2gate-webhook"
    namespace: str = "soc2gate-system"
    days: int = 365
    webhooks: int = len(WEBHOOKS)

    def dns_names(self) -> list[str]:
        base = f"{self.service}.{self.namespace}"
        return [self.service, base, f"{base}.svc", f"{base}.svc.cluster.local"]


def _crypto():  # type: ignore[no-untyped-def]
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    except ImportError:  # optional dependency: the [evidence] extra carries cryptography
        raise UsageError("soc2gate webhook certs needs cryptography: pip install 'soc2gate[evidence]'") from None
    return x509, hashes, serialization, ec, ExtendedKeyUsageOID, NameOID


def _builder(subject: str, issuer: str, key, days: int):  # type: ignore[no-untyped-def]
    x509, _, _, _, _, NameOID = _crypto()
    now = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)
    return (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + dt.timedelta(days=days)))


def issue(request: CertRequest) -> dict[str, bytes]:
    """PEM files of a new CA (ECDSA P-256) and a serving certificate signed by it."""
    x509, hashes, serialization, ec, ExtendedKeyUsageOID, _ = _crypto()
    if request.days < 1:
        raise UsageError("--days must be at least 1")
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = f"{request.service}-ca"
    ca = (_builder(ca_name, ca_name, ca_key, request.days)
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
          .sign(ca_key, hashes.SHA256()))
    names = request.dns_names()
    serving = (_builder(names[2], ca_name, key, request.days)
               .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
               .sign(ca_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    return {
        "ca.crt": ca.public_bytes(pem),
        "tls.crt": serving.public_bytes(pem) + ca.public_bytes(pem),
        "tls.key": key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
    }


def cabundle_patch(ca_pem: bytes, webhooks: int) -> str:
    """A JSON patch (YAML) setting clientConfig.caBundle on each webhook of the configuration."""
    bundle = base64.b64encode(ca_pem).decode("ascii")
    lines = ["# Written by `soc2gate webhook certs`: the CA that signed tls.crt, for the apiserver to trust."]
    for index in range(webhooks):
        lines += [f"- op: add", f"  path: /webhooks/{index}/clientConfig/caBundle", f"  value: {bundle}"]
    return "\n".join(lines) + "\n"


def write(request: CertRequest) -> list[Path]:
    """Issue and write the four files; the key is readable by its owner only."""
    directory = request.output_dir
    if not directory.is_dir():
        raise UsageError(f"{directory}: not a directory")
    files = issue(request)
    written = []
    for name, data in files.items():
        path = directory / name
        _write_private(path, data) if name == "tls.key" else path.write_bytes(data)
        written.append(path)
    patch = directory / "cabundle.patch.yaml"
    patch.write_text(cabundle_patch(files["ca.crt"], request.webhooks), encoding="utf-8")
    return written + [patch]


def _write_private(path: Path, data: bytes) -> None:
    if path.is_symlink():
        path.unlink()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
