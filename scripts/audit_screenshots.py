"""Regenerate the screenshots of docs/audit-guide.md from the example evidence history.

    scripts/audit-screenshots.sh            # writes docs/images/audit-*.png

The example ledger comes from tests/evidence_history.py (420 runs over three repositories); the
report is rendered by `soc2gate evidence report --format html` and photographed in headless
Chromium through the DevTools protocol (tests/chromium_cdp.py).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "src")]

from chromium_cdp import Browser  # noqa: E402
from evidence_history import generate  # noqa: E402

CONFIG = """controls_map:
  CC6.1: [{id: AC-01, name: Data is encrypted at rest}]
  CC8.1: [{id: CM-02, name: Changes are approved before deployment}]
manual_evidence:
  CC1.1:
    - {evidence: Code of conduct (HR wiki), owner: hr-lead, review_interval_days: 365, last_reviewed: "2025-02-01"}
  CC3.1:
    - {evidence: Risk register (GRC tool), owner: ciso, review_interval_days: 90, last_reviewed: "2024-11-15"}
"""
SHOTS = {"audit-report-top.png": "body", "audit-criterion.png": "#crit-CC8-1",
         "audit-exceptions.png": "#exceptions", "audit-coverage.png": "#coverage"}


def _keys(where: Path) -> tuple[Path, Path]:
    """An Ed25519 key pair for the example ledger (evidence.key, evidence.pub)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.generate()
    key, public = where / "evidence.key", where / "evidence.pub"
    key.write_bytes(private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    public.write_bytes(private.public_key().public_bytes(serialization.Encoding.PEM,
                                                         serialization.PublicFormat.SubjectPublicKeyInfo))
    return key, public


def main() -> int:
    out = ROOT / "docs" / "images"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        config, page = Path(work) / ".soc2gate.yaml", Path(work) / "report.html"
        key, public = _keys(Path(work))
        generate(str(Path(work) / "audit" / "ledger"), key=str(key))
        config.write_text(CONFIG)
        subprocess.run([sys.executable, "-c", "from soc2gate.cli import main; main()", "evidence", "report",
                        "audit/ledger", "--from", "2025-01-01", "--to", "2025-06-30", "--format", "html",
                        "--output", str(page), "--config", str(config), "--public-key", str(public)],
                       check=True, cwd=work, env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"})
        with Browser() as browser:
            session = browser.load(page.resolve().as_uri())
            for name, selector in SHOTS.items():
                browser.screenshot(session, selector, out / name)
                print(f"{out / name}: {(out / name).stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
