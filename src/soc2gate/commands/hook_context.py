"""The context of a staged Kubernetes manifest in the pre-commit hook.

A manifest is judged with the objects it relates to (a NetworkPolicy selecting a Deployment, the
ServiceAccount a pod uses), the way a Terraform file is judged with its module:

* inside a Kustomize directory or a Helm chart (the nearest ancestor, up to the working directory,
  holding a kustomization or Chart.yaml), the kustomization / chart is rendered and stands for the file;
* otherwise the other YAML/JSON files of the staged file's directory tree are read as context
  (only the directory itself when it is the repository root, or when the tree holds more than
  ``MAX_CONTEXT`` files, so that a commit stays fast).

Findings are still reported only for the staged files; context files never fail a commit.  A staged
kustomization, or a chart's Chart.yaml / values file, can change every object it renders, so it
stands for all of them (as a staged ``.tfvars`` file stands for its module).
"""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path

MAX_CONTEXT = 300
MANIFEST_KINDS = ("yaml", "json")


def manifest_scan(path: Path, excludes: tuple[str, ...], top: Path) -> tuple[list[str], list[Path], Path | None]:
    """(what to scan for the staged manifest ``path``, the context-only files among them, and the
    kustomization / Chart.yaml that stands for it: its findings, such as "not rendered", are reported)."""
    rendered = rendered_root(path.resolve().parent, top.resolve())
    if rendered is not None:
        return [str(rendered)], [], rendered.resolve()
    context = [p for p in _tree(path.parent, top, excludes) if p.resolve() != path.resolve()]
    return [str(path), *map(str, context)], [p.resolve() for p in context], None


def stands_for_render(path: Path, rendered: Path | None) -> bool:
    """Whether the staged ``path`` changes every object of the render ``rendered`` (the kustomization
    itself; a chart's Chart.yaml or a values file at the chart's root)."""
    if rendered is None or path.resolve().parent != rendered.parent:
        return False
    return path.resolve() == rendered or (rendered.name == "Chart.yaml" and path.name.startswith("values"))


def rendered_root(directory: Path, top: Path) -> Path | None:
    """The kustomization file or Chart.yaml of the nearest rendered ancestor of ``directory``."""
    from soc2gate.discovery import CHART_FILE, KUSTOMIZATION_NAMES

    chain = [directory, *directory.parents]
    for current in chain:
        for name in (CHART_FILE, *KUSTOMIZATION_NAMES):
            if (current / name).is_file():
                return current / name
        if current == top or top not in current.parents:
            return None
    return None


def _tree(directory: Path, top: Path, excludes: tuple[str, ...]) -> list[Path]:
    from soc2gate.discovery import SKIP_DIRS, classify, display_path

    recursive = directory.resolve() != top.resolve()
    found: list[Path] = []
    for current, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS) if recursive else []
        for name in sorted(files):
            path = Path(current) / name
            if classify(name) in MANIFEST_KINDS and not any(fnmatch.fnmatch(display_path(path), p) for p in excludes):
                found.append(path)
        if len(found) > MAX_CONTEXT:
            return _tree_flat(directory, excludes)
    return found


def _tree_flat(directory: Path, excludes: tuple[str, ...]) -> list[Path]:
    from soc2gate.discovery import classify, display_path

    return [p for p in sorted(directory.iterdir()) if p.is_file() and classify(p.name) in MANIFEST_KINDS
            and not any(fnmatch.fnmatch(display_path(p), pattern) for pattern in excludes)][:MAX_CONTEXT]
