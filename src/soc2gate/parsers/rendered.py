"""Point objects rendered by Kustomize or Helm back to the files teams edit.

Each rendered object names its source (Kustomize: the ``config.kubernetes.io/origin`` annotation;
Helm: the ``# Source:`` comment before it).  When that file can be read and holds the object (same
kind; same name, or the only object of that kind), the finding lines are the source's own lines;
otherwise the object is placed on the source file, else on the kustomization / chart itself.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path
from typing import Callable

from soc2gate.model import Resource, SourceSpan

ORIGIN = "config.kubernetes.io/origin"
_SOURCE = re.compile(r"^# Source: (.+)$", re.MULTILINE)
Display = Callable[[Path], str]


def origin_path(resource: Resource, base: Path) -> Path | None:
    """The source file named by the Kustomize origin annotation (relative to ``base``)."""
    annotations = (resource.attributes.get("metadata") or {}).get("annotations") or {}
    origin = annotations.get(ORIGIN) if isinstance(annotations, dict) else None
    if not isinstance(origin, str):
        return None
    fields = dict(line.split(":", 1) for line in origin.splitlines() if ":" in line)
    path = fields.get("path", "").strip()
    if not path or "repo" in fields:
        return None  # a remote base has no file in this repository
    return Path(os.path.normpath(os.path.join(base, path)))


def strip_origin(resource: Resource) -> Resource:
    """The object without the annotation soc2gate asked Kustomize to add."""
    metadata = dict(resource.attributes.get("metadata") or {})
    annotations = {k: v for k, v in (metadata.get("annotations") or {}).items() if k != ORIGIN}
    if annotations:
        metadata["annotations"] = annotations
    else:
        metadata.pop("annotations", None)
    return replace(resource, attributes={**resource.attributes, "metadata": metadata})


def helm_source(rendered: str, line: int, chart: Path) -> Path | None:
    """The template file a document rendered at ``line`` came from: the last ``# Source:`` comment
    above it (``# Source: <chart name>/templates/x.yaml``; sub-charts under ``charts/``)."""
    found = None
    for match in _SOURCE.finditer(rendered):
        if rendered.count("\n", 0, match.start()) + 1 >= line:
            break
        relative = match.group(1).strip().split("/", 1)
        found = chart / relative[1] if len(relative) == 2 else None
    return found


def relocate(resource: Resource, source: Path | None, fallback: str, display: Display,
             sources_cache: dict[Path, list[Resource]]) -> Resource:
    """``resource`` placed on its source file (its own lines when the object is found there)."""
    meta = {**resource.meta, "rendered_from": fallback}
    if source is None or not source.is_file():
        return replace(resource, span=SourceSpan(fallback, 1, 1), line_of={}, meta=meta)
    shown = display(source)
    match = _match(resource, _source_objects(source, shown, sources_cache))
    if match is None:
        line = _kind_line(source, resource.type)
        return replace(resource, span=SourceSpan(shown, line, line), line_of={}, meta=meta)
    return replace(resource, span=match.span, line_of=match.line_of,
                   meta={**meta, "comments": match.meta.get("comments", [])})


def _source_objects(source: Path, shown: str, cache: dict[Path, list[Resource]]) -> list[Resource]:
    from soc2gate.parsers.kubernetes import ManifestError, manifest_resources

    if source not in cache:
        try:
            cache[source] = manifest_resources(source.read_text(encoding="utf-8"), shown)[0]
        except (ManifestError, OSError, UnicodeDecodeError, ValueError):
            cache[source] = []
    return cache[source]


def _match(resource: Resource, candidates: list[Resource]) -> Resource | None:
    same_kind = [c for c in candidates if c.type == resource.type]
    named = [c for c in same_kind if c.name == resource.name or (c.name and c.name in resource.name)]
    if len(named) >= 1:
        return min(named, key=lambda c: (c.name != resource.name, -len(c.name)))
    return same_kind[0] if len(same_kind) == 1 else None


def _kind_line(source: Path, kind: str) -> int:
    try:
        lines = source.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return 1
    for number, line in enumerate(lines, start=1):
        if re.match(rf"\s*kind:\s*{re.escape(kind)}\s*$", line):
            return number
    return 1

