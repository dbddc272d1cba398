"""The webhook install (examples/kubernetes/webhook) rendered as a user would: a copy of the tree, the image
pinned by digest in `images:` (what `kustomize edit set image` writes), `soc2gate webhook certs` run into the
self-signed overlay, then the real `kubectl kustomize`."""

from __future__ import annotations

import functools
import hashlib
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

from conftest import REPO

INSTALL = REPO / "examples/kubernetes/webhook"
OVERLAYS = ("cert-manager", "self-signed")
EXAMPLE_DIGEST = "sha256:" + hashlib.sha256(b"soc2gate example image").hexdigest()


def kubectl() -> str:
    found = shutil.which("kubectl")
    assert found, "kubectl is missing: .ci/run installs it (kubectl 1.32 is on the machine image)"
    return found


def prepared_copy(directory: Path, digest: str | None = EXAMPLE_DIGEST, image: str = "ghcr.io/soc2gate/soc2gate") -> Path:
    """A copy of the install with the image pinned and the self-signed certificates generated."""
    from soc2gate.commands.webhook import command

    tree = directory / "webhook"
    shutil.copytree(INSTALL, tree)
    if digest:
        base = tree / "base/kustomization.yaml"
        document = yaml.safe_load(base.read_text())
        document["images"] = [{"name": "soc2gate", "newName": image, "digest": digest}]
        base.write_text(yaml.safe_dump(document, sort_keys=False))
    result = CliRunner().invoke(command, ["certs", "--output-dir", str(tree / "overlays/self-signed")])
    assert result.exit_code == 0, result.output
    return tree


def render(tree: Path, overlay: str) -> str:
    done = subprocess.run([kubectl(), "kustomize", str(tree / "overlays" / overlay)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def objects(text: str) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(text) if isinstance(d, dict)]


@functools.lru_cache(maxsize=None)
def rendered(overlay: str) -> tuple[dict[str, Any], ...]:
    """The overlay's objects, image pinned to EXAMPLE_DIGEST (cached per test process)."""
    with tempfile.TemporaryDirectory() as directory:
        return tuple(objects(render(prepared_copy(Path(directory)), overlay)))


def hardened_deployment() -> dict[str, Any]:
    """The webhook's own Deployment as installed: soc2gate's policies pass it."""
    return next(o for o in rendered("cert-manager") if o["kind"] == "Deployment")
