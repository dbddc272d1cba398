"""Kubernetes YAML/JSON manifests: multi-document streams, ``kind: List``, lines per document."""

from __future__ import annotations

import re
from typing import Any, Iterator

from soc2gate.model import Resource, Skipped, SourceSpan
from soc2gate.parsers.podspec import normalized_pod
from soc2gate.parsers.yaml_guard import YamlTooLarge, check_expansion, construct

TEMPLATE_MESSAGE = "template, not plain YAML: render it with `helm template` first"


class ManifestError(Exception):
    """The manifest cannot be parsed; ``line`` is where, when known."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def _loader_class() -> Any:
    """go-yaml v2's scalar resolution (``y`` is true for kubectl), NaN/Infinity refused."""
    from soc2gate.parsers.yaml_scalars import KubernetesLoader

    return KubernetesLoader


_TEMPLATE_ACTION = re.compile(
    r"\{\{-?\s*(?:\.Values|\.Release|\.Chart|\.Files|\.Capabilities|\.Template|\$\.|include\s|template\s"
    r"|if\s|else\b|end\b|range\s|with\s|define\s|toYaml|tpl\s|printf\s|required\s|default\s)"
)


def looks_like_template(text: str) -> int:
    """Line of the first Helm/Go-template action outside a comment, or 0.

    ``{{ $labels.x }}`` inside an alerting rule is data, not a template action.
    """
    if "{{" not in text:
        return 0
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip()
        if stripped.startswith("#") or "{{" not in line:
            continue
        if stripped.startswith("{{") or _TEMPLATE_ACTION.search(line):
            return number
    return 0


def load_documents(text: str, path: str) -> Iterator[tuple[Any, int, int, dict[str, int]]]:
    """Yield (document, start line, end line, key-path → line) for every YAML document."""
    import yaml

    template_line = looks_like_template(text)
    loader = _loader_class()(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            check_expansion(node)
            document = construct(loader, node)
            yield document, node.start_mark.line + 1, node.end_mark.line + 1, _lines(node, "")
    except YamlTooLarge as exc:
        raise ManifestError(str(exc), exc.line) from None
    except yaml.YAMLError as exc:
        if template_line:
            raise ManifestError(TEMPLATE_MESSAGE, template_line) from None
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ManifestError(f"invalid YAML: {problem}", mark.line + 1 if mark else 0) from None
    finally:
        loader.dispose()


def _lines(node: Any, prefix: str, depth: int = 0) -> dict[str, int]:
    lines: dict[str, int] = {}
    if depth > 12:
        return lines
    if node.id == "mapping":
        for key, value in node.value:
            if key.id != "scalar":
                continue
            path = f"{prefix}.{key.value}" if prefix else str(key.value)
            lines[path] = key.start_mark.line + 1
            lines.update(_lines(value, path, depth + 1))
    elif node.id == "sequence":
        for index, item in enumerate(node.value):
            path = f"{prefix}[{index}]"
            lines[path] = item.start_mark.line + 1
            lines.update(_lines(item, path, depth + 1))
    return lines


def manifest_resources(text: str, path: str) -> tuple[list[Resource], list[Skipped]]:
    """All Kubernetes objects of a file; non-object documents are reported as skipped."""
    template_line = looks_like_template(text)
    if template_line:
        raise ManifestError(TEMPLATE_MESSAGE, template_line)
    resources: list[Resource] = []
    skipped: list[Skipped] = []
    comments, previous_end = _soc2gate_comments(text), 0
    for number, (document, start, end, lines) in enumerate(load_documents(text, path), start=1):
        if document is None:
            continue
        objects = _objects(document, start, end, lines)
        if not objects:
            skipped.append(Skipped(f"{path}#{number}", "document is not a Kubernetes object (no apiVersion/kind)"))
        for obj, s, e, ln in objects:
            mine = [c for c in comments if previous_end < c[0] <= max(s, e)]
            resources.append(_resource(obj, path, s, e, ln, mine))
            previous_end = max(previous_end, s, e)
    return resources, skipped


def _soc2gate_comments(text: str) -> list[list[Any]]:
    """Whole-line comments mentioning soc2gate, as [line, text] (inline waivers)."""
    found: list[list[Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip()
        if stripped.startswith("#") and "soc2gate" in stripped:
            found.append([number, stripped[1:].strip()])
    return found


def _objects(document: Any, start: int, end: int, lines: dict[str, int]) -> list[tuple[dict, int, int, dict]]:
    if not isinstance(document, dict) or not document.get("kind") or not document.get("apiVersion"):
        return []
    if str(document["kind"]).endswith("List") and isinstance(document.get("items"), list):
        found = []
        for index, item in enumerate(document["items"]):
            prefix = f"items[{index}]"
            sub = {k[len(prefix) + 1:]: v for k, v in lines.items() if k.startswith(prefix + ".")}
            item_start = lines.get(prefix, start)
            found.extend(_objects(item, item_start, item_start + max(0, len(sub)), sub))
        return found
    return [(document, start, end, lines)]


def _resource(document: dict[str, Any], path: str, start: int, end: int, lines: dict[str, int],
              comments: list[list[Any]] | None = None) -> Resource:
    kind = str(document["kind"])
    metadata = document.get("metadata") if isinstance(document.get("metadata"), dict) else {}
    name = str(metadata.get("name") or metadata.get("generateName") or "(unnamed)")
    namespace = metadata.get("namespace")
    address = f"{kind}/{namespace}/{name}" if namespace else f"{kind}/{name}"
    pod = normalized_pod(kind, document)
    return Resource(
        surface="kubernetes",
        type=kind,
        name=name,
        address=address,
        span=SourceSpan(path, start, max(start, end)),
        attributes=document,
        line_of=lines,
        meta={"namespace": namespace or "", "api_version": str(document.get("apiVersion")), "pod": pod,
              "source": "manifest", "comments": comments or []},
    )


def object_resource(document: dict[str, Any], origin: str) -> Resource:
    """A Resource for an object that came from an API (admission request, cluster audit)."""
    return _resource(document, origin, 0, 0, {})
