"""Build the one Rego input document for a batch of resources.

Shape (documented in docs/writing-policies.md)::

    {"resources": {<type>: [<resource>, ...]},   # grouped by type for cheap lookups
     "workloads": [<resource with pod>, ...],     # every Kubernetes pod-bearing object
     "params": {...},                             # configuration the policies read
     "terraform": {"defaults", "enums"},          # mappings/terraform-defaults.yaml
     "kubernetes": {"index": {<kind>: {<namespace>: {<name>: [<position in resources[kind]>]}}}}}

    <resource> = {"id", "address", "type", "name", "surface", "file", "line",
                  "attributes", "links", "module", "root", "kind", "actions",
                  "namespace", "pod", "unknown", "maybe_null", "partial"}
"""

from __future__ import annotations

import math
import re
from typing import Any, Sequence

from soc2gate.catalog.defaults import provider_defaults
from soc2gate.model import WORKLOAD_KINDS, Resource

TYPE_ALIASES: dict[str, tuple[str, ...]] = {"@workload": WORKLOAD_KINDS}


def expand_types(types: Sequence[str]) -> frozenset[str]:
    expanded: set[str] = set()
    for name in types:
        expanded.update(TYPE_ALIASES.get(name, (name,)))
    return frozenset(expanded)


def judges(types: Sequence[str], resource: Resource) -> bool:
    """Does a policy declaring ``types`` judge ``resource``?  ``@workload`` means "has a pod"."""
    if "@workload" in types and resource.surface == "kubernetes":
        if resource.meta.get("pod") is not None:
            return True
        if resource.type in WORKLOAD_KINDS:
            return False
    return resource.type in expand_types(types)


def resource_document(index: int, resource: Resource) -> dict[str, Any]:
    meta = resource.meta
    document = {
        "id": str(index),
        "address": resource.address,
        "type": resource.type,
        "name": resource.name,
        "surface": resource.surface,
        "file": resource.span.file,
        "line": resource.span.start_line,
        "attributes": resource.attributes,
        "links": resource.links,
        "module": meta.get("module", ""),
        "root": meta.get("root") or resource.span.file,
        "kind": meta.get("kind", ""),
        "actions": meta.get("actions", []),
        "namespace": meta.get("namespace", ""),
    }
    if resource.unknown:
        document["unknown"] = dict(resource.unknown)
        document["maybe_null"] = {path: True for path, expression in resource.unknown.items()
                                  if may_be_null(expression, meta.get("raw", {}).get(path))}
    if meta.get("partial"):  # what is known of unknown strings, by their text (policies/lib/partial.rego)
        document["partial"] = meta["partial"]
    if meta.get("pod") is not None:
        document["pod"] = meta["pod"]
    return document


# A reference to an attribute of a managed resource or data source (`aws_kms_key.k.arn`): Terraform
# gives it a value once the resource exists.  Variables, locals, module outputs, function calls and
# values known only after apply (with no configuration to say where they come from) may be null.
_RESOURCE_ATTRIBUTE = re.compile(r"^(?:data\.)?([a-z][a-z0-9_]*)\.[A-Za-z_][\w-]*(?:\[[^\]]*\])?\.[\w.\[\]\"]+$")
_NOT_RESOURCES = {"var", "local", "module", "each", "count", "path", "terraform", "self"}


def may_be_null(expression: str, raw: Any = None) -> bool:
    """Can this unknown value turn out null (unset)?  A template with literal text cannot."""
    source = raw if isinstance(raw, str) and "${" in raw else expression
    if not isinstance(source, str):
        return True
    text = source.strip()
    if text.startswith("${") and text.endswith("}") and text.count("${") == 1:
        text = text[2:-1].strip()
    elif "${" in text:
        return False
    match = _RESOURCE_ATTRIBUTE.match(text)
    return not (match and match.group(1) not in _NOT_RESOURCES)


def build_input(resources: Sequence[Resource], params: dict[str, Any]) -> dict[str, Any]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    workloads = []
    index: dict[str, dict[str, dict[str, list[int]]]] = {}  # kind -> namespace -> name -> positions
    for position, resource in enumerate(resources):
        document = resource_document(position, resource)
        of_type = grouped.setdefault(resource.type, [])
        namespace = document["namespace"] or "default"
        if resource.surface == "kubernetes" and isinstance(namespace, str):  # a malformed one relates to nothing
            names = index.setdefault(resource.type, {}).setdefault(namespace, {})
            names.setdefault(str(resource.name), []).append(len(of_type))
        of_type.append(document)
        if "pod" in document:
            workloads.append(document)
    return {"resources": grouped, "workloads": workloads, "params": params, "terraform": provider_defaults(),
            "kubernetes": {"index": index}}


MAX_DEPTH = 100  # regorus reads JSON input up to 128 levels; the envelope adds a few


def unreadable(resource: Resource, limit: int = MAX_DEPTH) -> str | None:
    """Why the engine cannot read the resource's data, or None: nested deeper than it reads, or a
    NaN/Infinity (JSON has neither; ``1e999`` in HCL evaluates to one).  Iterative: no recursion."""
    stack = [(resource.attributes, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return f"is nested more than {limit} levels deep"
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
        elif isinstance(value, float) and not math.isfinite(value):
            return f"holds {value} at `{non_finite_path(resource.attributes)}`, a number JSON cannot carry"
    return None


def non_finite_path(data: Any) -> str:
    """Key path of the first NaN/Infinity in ``data`` (walked only once one is known to be there)."""
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            return path
        if isinstance(value, dict):
            stack.extend((v, f"{path}.{k}" if path else str(k)) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, f"{path}[{i}]") for i, v in enumerate(value))
    return ""
