"""Assemble parsed Terraform files into Resources: one module per directory.

Variables come from defaults, ``terraform.tfvars``, ``*.auto.tfvars`` and ``--var-file``
(later wins, as in Terraform); locals and simple templates are resolved; the rest is
marked unknown.  Resources with a known ``count = 0`` or empty ``for_each`` do not exist
and are left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from soc2gate.model import Resource, SourceSpan
from soc2gate.parsers.expressions import Unknown, resolve_string, resolve_value

ADDRESSED_KINDS = ("resource", "data", "module", "provider")


@dataclass
class ModuleSource:
    """The parsed files of one directory plus the variable values that apply to it."""

    directory: str
    files: list[tuple[str, dict[str, Any]]]
    variables: dict[str, Any] = field(default_factory=dict)
    prefix: str = ""
    root: str = ""


class ModuleScope:
    """Looks up ``var.*`` and ``local.*`` for one module instance."""

    def __init__(self, source: ModuleSource) -> None:
        self.defaults: dict[str, Any] = {}
        self.raw_locals: dict[str, Any] = {}
        self.locals: dict[str, Any] = {}
        self._resolving: set[str] = set()
        self.values = dict(source.variables)
        for _, parsed in source.files:
            for block in parsed["blocks"]:
                self._collect(block)

    def _collect(self, block: dict[str, Any]) -> None:
        if block["kind"] == "variable" and block["labels"]:
            body = block["body"] if isinstance(block["body"], dict) else {}
            name = block["labels"][0]
            self.defaults[name] = body["default"] if "default" in body else Unknown(f"var.{name}")
        elif block["kind"] == "locals" and isinstance(block["body"], dict):
            self.raw_locals.update(block["body"])

    def lookup(self, root: str, name: str) -> Any:
        if root == "var":
            if name in self.values:
                return self.values[name]
            return self.defaults.get(name, Unknown(f"var.{name}"))
        return self._local(name)

    def _local(self, name: str) -> Any:
        if name in self.locals:
            return self.locals[name]
        if name not in self.raw_locals or name in self._resolving:
            return Unknown(f"local.{name}")
        self._resolving.add(name)
        value = _deep_resolve(self.raw_locals[name], self.lookup)
        self._resolving.discard(name)
        self.locals[name] = value
        return value


def _deep_resolve(value: Any, lookup: Any) -> Any:
    if isinstance(value, str):
        return resolve_string(value, lookup)
    if isinstance(value, dict):
        items = {k: _deep_resolve(v, lookup) for k, v in value.items()}
        return Unknown("object") if any(isinstance(v, Unknown) for v in items.values()) else items
    if isinstance(value, list):
        items_list = [_deep_resolve(v, lookup) for v in value]
        return Unknown("list") if any(isinstance(v, Unknown) for v in items_list) else items_list
    return value


def module_resources(source: ModuleSource) -> list[Resource]:
    """Every resource, data source and module call of one module instance."""
    scope = ModuleScope(source)
    resources = []
    for display, parsed in source.files:
        previous_end = 0
        for block in parsed["blocks"]:
            if block["kind"] in ADDRESSED_KINDS and block["labels"]:
                resource = _to_resource(block, display, scope, source, _block_comments(parsed, block, previous_end))
                if resource is not None:
                    resources.append(resource)
            previous_end = block["end"]
    return resources


def _block_comments(parsed: dict[str, Any], block: dict[str, Any], previous_end: int) -> list[list[Any]]:
    """``soc2gate`` comments inside the block or above it, after the previous block (inline waivers)."""
    return [c for c in parsed.get("comments") or [] if previous_end < c[0] <= block["end"]]


def _to_resource(block: dict[str, Any], display: str, scope: ModuleScope, source: ModuleSource,
                 comments: list[list[Any]] | None = None) -> Resource | None:
    kind, labels = block["kind"], block["labels"]
    body = block["body"] if isinstance(block["body"], dict) else {}
    if _instance_count(body, scope) == 0:
        return None
    unknown: dict[str, str] = {}
    refs: dict[str, str] = {}
    attributes = resolve_value(_expand_dynamic(body, unknown, scope), scope.lookup, "", unknown, refs)
    rtype, name = (labels[0], labels[1]) if kind in ("resource", "data") else (kind, labels[0])
    alias = body.get("alias") if kind == "provider" and isinstance(body.get("alias"), str) else ""
    local = {"resource": f"{rtype}.{name}", "data": f"data.{rtype}.{name}", "module": f"module.{name}",
             "provider": f"provider.{name}" + (f".{alias}" if alias else "")}[kind]
    return Resource(
        surface="terraform",
        type=rtype,
        name=name,
        address=source.prefix + local,
        span=SourceSpan(display, block["start"], block["end"]),
        attributes=attributes,
        unknown=unknown,
        line_of=block["lines"],
        meta={"kind": kind, "module": source.prefix.rstrip("."), "dir": source.directory,
              "root": source.root or source.directory,
              "raw": body, "refs": refs, "source": "hcl", "comments": comments or []},
    )


def _instance_count(body: dict[str, Any], scope: ModuleScope) -> int | None:
    """0 when ``count``/``for_each`` is known to create nothing; None when unknown or absent."""
    for key in ("count", "for_each"):
        if key not in body:
            continue
        value = body[key]
        if isinstance(value, str):
            value = resolve_string(value, scope.lookup)
        if isinstance(value, (bool, Unknown)):
            return None
        if isinstance(value, (int, float)):
            return int(value)
        if isinstance(value, (list, dict)):
            return len(value)
    return None


def _expand_dynamic(body: dict[str, Any], unknown: dict[str, str], scope: ModuleScope,
                    prefix: str = "") -> dict[str, Any]:
    """Turn ``dynamic "x" { for_each, content }`` into an ``x`` block list, at any depth.

    A known ``for_each`` gives one block per element (none when empty); an unknown one
    gives one block marked unknown, so a decision that depends on it is inconclusive.
    """
    expanded = {k: _nested(v, unknown, scope, f"{prefix}{k}.") for k, v in body.items() if k != "dynamic"}
    entries = body.get("dynamic", [])
    for entry in entries if isinstance(entries, list) else [entries]:
        for name, spec in (entry.items() if isinstance(entry, dict) else []):
            spec = spec if isinstance(spec, dict) else {}
            content = spec.get("content") or [{}]
            content = _nested(content if isinstance(content, list) else [content], unknown, scope, f"{prefix}{name}.")
            count = _instance_count({"for_each": spec.get("for_each")}, scope) if "for_each" in spec else None
            if count is None:
                unknown.setdefault(f"{prefix}{name}", f"dynamic \"{name}\" for_each = {spec.get('for_each', '?')}")
                count = 1
            expanded[name] = list(expanded.get(name, [])) + content * count
    return expanded


def _nested(value: Any, unknown: dict[str, str], scope: ModuleScope, prefix: str) -> Any:
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        return [_expand_dynamic(item, unknown, scope, prefix) for item in value]
    return value
