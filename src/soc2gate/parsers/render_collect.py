"""Collect Kustomize directories and Helm charts: render, parse, point objects back to their sources.

Without a renderer on PATH the directory is listed as skipped with the reason and reported as an
inconclusive SYS-005 finding (visible and counted; ``--strict`` makes it fail the gate).  A render
that fails is SYS-001 on the kustomization / Chart.yaml (fail closed).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Mapping

from soc2gate.diagnostics import sys_finding
from soc2gate.discovery import Candidate, display_path
from soc2gate.model import Outcome, Resource, Skipped
from soc2gate.parsers import renderers
from soc2gate.parsers.collected import Collected, record
from soc2gate.parsers.kubernetes import ManifestError, manifest_resources
from soc2gate.parsers.rendered import helm_source, origin_path, relocate, strip_origin
from soc2gate.parsers.textio import UnreadableInput, read_text


RENDERED_KINDS = frozenset({"kustomize", "helm"})


@dataclass(frozen=True)
class RenderSettings:
    """The ``kubernetes:`` configuration section: Helm value files per chart, release name, timeout."""

    helm_values: Mapping[str, tuple[str, ...]] = None  # type: ignore[assignment]
    release: str = "release"
    timeout_s: float = renderers.DEFAULT_TIMEOUT_S

    @classmethod
    def from_config(cls, section: Mapping[str, Any], relative: Any = str) -> "RenderSettings":
        helm = section.get("helm") or {}
        values = {str(Path(relative(chart)).resolve()): tuple(relative(v) for v in files)
                  for chart, files in (helm.get("values") or {}).items()}
        return cls(values, str(helm.get("release", "release")), float(section.get("render_timeout_s", 60)))


def collect_rendered(candidates: list[Candidate], settings: RenderSettings, out: Collected) -> None:
    """Render every Kustomize directory and chart; an object rendered identically by several of them
    (a base and each overlay over it) is evaluated once, naming every kustomization that renders it."""
    found = Collected()
    for candidate in candidates:
        if candidate.kind == "kustomize":
            _kustomize(candidate, settings, found)
        else:
            _helm(candidate, settings, found)
    out.findings.extend(found.findings)
    out.skipped.extend(found.skipped)
    out.inputs.extend(found.inputs)
    out.resources.extend(_once(found.resources))


def _once(resources: list[Resource]) -> list[Resource]:
    import json

    kept: dict[tuple, Resource] = {}
    for resource in resources:
        key = (resource.address, resource.span.file, resource.span.start_line,
               json.dumps(resource.attributes, sort_keys=True, default=str))
        if key not in kept:
            kept[key] = replace(resource, meta={**resource.meta, "rendered_by": [resource.meta.get("rendered_from")]})
        else:
            first = kept[key]
            first.meta["rendered_by"].append(resource.meta.get("rendered_from"))
    return list(kept.values())


def _kustomize(candidate: Candidate, settings: RenderSettings, out: Collected) -> None:
    file = renderers.kustomization_file(candidate.path)
    if file is None:
        return
    shown = display_path(file)
    text = _read(file, shown, out)
    if text is None:
        return
    if "kind: Component" in text.text:
        out.skipped.append(Skipped(display_path(candidate.path), renderers.COMPONENT))
        return
    try:
        rendered, base = renderers.render_kustomization(candidate.path, settings.timeout_s)
    except FileNotFoundError as exc:
        return _unrendered(display_path(candidate.path), shown, str(exc), out)
    except renderers.RenderError as exc:
        return _failed(shown, str(exc), text, out)
    cache: dict[Path, list[Resource]] = {}
    resources = _parse(rendered, shown, text, out)
    placed = [relocate(strip_origin(r), origin_path(r, base), shown, _display, cache) for r in resources]
    _add(placed, text, "kustomize", out)


def _helm(candidate: Candidate, settings: RenderSettings, out: Collected) -> None:
    chart_file = candidate.path / renderers.CHART_FILE
    shown = display_path(chart_file)
    text = _read(chart_file, shown, out)
    if text is None:
        return
    values = (settings.helm_values or {}).get(str(candidate.path.resolve()), ())
    try:
        rendered = renderers.render_chart(candidate.path, values, settings.release, settings.timeout_s)
    except FileNotFoundError as exc:
        return _unrendered(display_path(candidate.path), shown, str(exc), out)
    except renderers.RenderError as exc:
        return _failed(shown, str(exc), text, out)
    cache: dict[Path, list[Resource]] = {}
    placed = [relocate(r, helm_source(rendered, r.span.start_line, candidate.path), shown, _display, cache)
              for r in _parse(rendered, shown, text, out)]
    _add(placed, text, "helm", out)


def _display(path: Path) -> str:
    return display_path(path)


def _read(file: Path, shown: str, out: Collected) -> Any:
    try:
        return read_text(file, shown)
    except UnreadableInput as exc:
        out.error("SYS-002", shown, 0, str(exc))
        return None


def _parse(rendered: str, shown: str, text: Any, out: Collected) -> list[Resource]:
    try:
        return manifest_resources(rendered, shown)[0]
    except ManifestError as exc:
        out.error("SYS-001", shown, 1, f"{shown}: the rendered manifests cannot be read: {exc}")
        return []


def _unrendered(directory: str, shown: str, reason: str, out: Collected) -> None:
    out.skipped.append(Skipped(directory, reason))
    finding = sys_finding("SYS-005", shown, 1, f"{directory}: not evaluated: {reason}")
    out.findings.append(replace(finding, outcome=Outcome.INCONCLUSIVE, severity="medium"))


def _failed(shown: str, message: str, text: Any, out: Collected) -> None:
    out.error("SYS-001", shown, 1, f"{shown}: {message}")
    record(out, text, "kubernetes", 0)


def _add(resources: list[Resource], text: Any, kind: str, out: Collected) -> None:
    out.resources.extend(resources)
    record(out, text, kind, len(resources))
