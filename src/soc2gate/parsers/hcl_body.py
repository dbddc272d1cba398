"""Resolve a block body: every expression, and ``dynamic`` blocks turned into the blocks they generate.

``dynamic "x" { for_each = ..., iterator = it, content { ... } }`` becomes one ``x`` block per
element, its content resolved with ``x.key``/``x.value`` (or ``it.*``) bound, at any depth
(a nested dynamic block may iterate over its parent's value).  An empty collection, such as
``var.enabled ? [1] : []`` with ``enabled = false``, generates nothing; an unknown one
generates one block whose path is marked unknown, so a decision on it is inconclusive.
"""

from __future__ import annotations

from typing import Any, Callable

from soc2gate.parsers.expressions import evaluate_value, resolve_value
from soc2gate.parsers.expressions_types import Unknown, shape
from soc2gate.parsers.instances import MAX_INSTANCES, bind

Lookup = Callable[[str, str], Any]


class BodyResolver:
    """Resolves one body, recording unknown paths and references to other resources."""

    def __init__(self, unknown: dict[str, str], refs: dict[str, str], partial: dict[str, Any] | None = None) -> None:
        self.unknown = unknown
        self.refs = refs
        self.partial = partial  # what is known of unknown strings (hcl_partial.record)

    def body(self, body: dict[str, Any], lookup: Lookup, path: str = "") -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in body.items():
            if key == "dynamic":
                continue
            here = f"{path}.{key}" if path else key
            if _blocks(value):
                out[key] = [self.body(item, lookup, here) for item in value]
            else:
                out[key] = resolve_value(value, lookup, here, self.unknown, self.refs, self.partial)
        entries = body.get("dynamic", [])
        for entry in entries if isinstance(entries, list) else [entries]:
            for name, spec in (entry.items() if isinstance(entry, dict) else []):
                here = f"{path}.{name}" if path else name
                generated = self.dynamic(name, spec if isinstance(spec, dict) else {}, lookup, here)
                out[name] = list(out.get(name) or []) + generated
        return out

    def dynamic(self, name: str, spec: dict[str, Any], lookup: Lookup, path: str) -> list[dict[str, Any]]:
        iterator = _iterator(spec, name)
        content = spec.get("content") or [{}]
        content = content[0] if isinstance(content, list) and content else content
        content = content if isinstance(content, dict) else {}
        raw = spec.get("for_each")
        pairs = _pairs(shape(evaluate_value(raw, lookup)))
        if pairs is None:
            self.unknown.setdefault(path, f'dynamic "{name}" for_each = {_text(raw)}')
            pairs = [(Unknown(f"{iterator}.key"), Unknown(f"{iterator}.value"))]
        return [self.body(content, bind(lookup, {iterator: {"key": key, "value": value}}), path)
                for key, value in pairs]


def _blocks(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(item, dict) for item in value)


def _iterator(spec: dict[str, Any], name: str) -> str:
    value = spec.get("iterator")
    if isinstance(value, str):
        value = value[2:-1].strip() if value.startswith("${") and value.endswith("}") else value
        if value.isidentifier():
            return value
    return name


def _pairs(collection: Any) -> list[tuple[Any, Any]] | None:
    if isinstance(collection, (dict, list)) and len(collection) > MAX_INSTANCES:
        return None  # too many generated blocks to expand: judged as unknown
    if isinstance(collection, dict):
        return [(key, collection[key]) for key in sorted(collection)]
    if isinstance(collection, list):
        return list(enumerate(collection))
    return None


def _text(raw: Any) -> str:
    if isinstance(raw, str) and raw.startswith("${") and raw.endswith("}"):
        return raw[2:-1].strip()
    return str(raw) if raw is not None else "?"
