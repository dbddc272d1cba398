"""Write the policy pack as an OPA bundle: a gzipped tarball with ``.manifest`` and the modules.

The archive is reproducible (sorted entries, fixed timestamps and owners), so the same
pack gives byte-identical bundles.  Load it in your own OPA with
``opa run --server --bundle soc2gate-bundle.tar.gz`` and query
``POST /v1/data/soc2gate/policies`` with soc2gate's input document.
"""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from pathlib import Path

from soc2gate import __version__
from soc2gate.catalog.metadata import MetadataError, package_name
from soc2gate.catalog.policies import QUERY, PolicyBundle
from soc2gate.errors import PolicyLoadError


def bundle_members(bundle: PolicyBundle, roots: list[Path]) -> dict[str, bytes]:
    """Archive name -> content: ``.manifest`` plus every module, named relative to its policy dir."""
    members: dict[str, bytes] = {}
    for path, source in bundle.modules:
        members[_name(Path(path), roots)] = source.encode("utf-8")
    manifest = {
        "revision": bundle.digest,
        "roots": _roots(bundle),
        "metadata": {"generator": f"soc2gate {__version__}", "query": QUERY, "policies": len(bundle.policies)},
    }
    members[".manifest"] = json.dumps(manifest, indent=2, sort_keys=True).encode("utf-8")
    return members


def write_bundle(bundle: PolicyBundle, roots: list[Path], output: Path) -> int:
    """Write the tarball; returns the number of Rego modules in it."""
    members = bundle_members(bundle, roots)
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name in sorted(members):
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(members[name]), 0, 0o644
            tar.addfile(info, io.BytesIO(members[name]))
    output.parent.mkdir(parents=True, exist_ok=True)
    with open(output, "wb") as handle, gzip.GzipFile(fileobj=handle, mode="wb", mtime=0, filename="") as gz:
        gz.write(raw.getvalue())
    return len(members) - 1


def _name(path: Path, roots: list[Path]) -> str:
    for index, root in enumerate(roots):
        try:
            relative = path.resolve().relative_to(root.resolve())
        except ValueError:
            continue
        prefix = "policies" if index == 0 else f"extra-{index}"
        return f"{prefix}/{relative.as_posix()}"
    return f"extra/{path.name}"


def _roots(bundle: PolicyBundle) -> list[str]:
    """Top-level data paths the modules define (OPA checks packages against the manifest's roots)."""
    roots = set()
    for path, source in bundle.modules:
        try:
            roots.add(package_name(source).split(".")[0])
        except MetadataError as exc:
            raise PolicyLoadError(f"{path}:{exc.line}: {exc}") from None
    return sorted(roots)
