"""Assemble parsed Terraform files into Resources: one module per directory.

Variables come from defaults, ``terraform.tfvars``, ``*.auto.tfvars`` and ``--var-file``
(later wins, as in Terraform); locals and simple templates are resolved; the rest is
marked unknown.  ``count``/``for_each`` expand into instances (see instances.py);
``dynamic`` blocks into the blocks they generate (see hcl_body.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from soc2gate.model import Resource, SourceSpan
from soc2gate.parsers.expressions import Unknown, evaluate_value
from soc2gate.parsers.expressions_types import UNBOUND
from soc2gate.parsers.hcl_body import BodyResolver
from soc2gate.parsers.hcl_refs import INSTANCES
from soc2gate.parsers.hcl_types import convert, parse_type
from soc2gate.parsers.instances import BOTH_SET, Instance, bind, expand
from soc2gate.parsers.overrides import apply_overrides

ADDRESSED_KINDS = ("resource", "data", "module", "provider")
MODULE_META = frozenset({"source", "version", "count", "for_each", "providers", "depends_on"})


@dataclass
class ModuleSource:
    """The parsed files of one directory plus the variable values that apply to it."""

    directory: str
    files: list[tuple[str, dict[str, Any]]]
    variables: dict[str, Any] = field(default_factory=dict)
    prefix: str = ""
    root: str = ""
    call_sites: tuple[dict[str, Any], ...] = ()
    undecided: str = ""


class ModuleScope:
    """Looks up ``var.*`` and ``local.*`` for one module instance."""

    def __init__(self, files: list[tuple[str, dict[str, Any]]], variables: dict[str, Any], modules: Any = None) -> None:
        self.defaults: dict[str, Any] = {}
        self.declared: dict[str, dict[str, Any]] = {}  # variable name -> its block body (type, nullable)
        self.variables: dict[str, Any] = {}
        self.raw_locals: dict[str, Any] = {}
        self.locals: dict[str, Any] = {}
        self._resolving: set[str] = set()
        self.blocks: dict[str, dict[str, Any]] = {}
        self.counts: dict[str, int | None] = {}
        self.values = dict(variables)
        self.modules = modules  # answers module.NAME (module_outputs.ModuleOutputs), or None
        for _, parsed in files:
            for block in parsed["blocks"]:
                self._collect(block)

    def _collect(self, block: dict[str, Any]) -> None:
        if block["kind"] == "variable" and block["labels"]:
            body = block["body"] if isinstance(block["body"], dict) else {}
            name = block["labels"][0]
            self.defaults[name] = body["default"] if "default" in body else Unknown(f"var.{name}")
            self.declared[name] = body
        elif block["kind"] == "locals" and isinstance(block["body"], dict):
            self.raw_locals.update(block["body"])
        elif block["kind"] in ("resource", "data") and len(block["labels"]) == 2 and isinstance(block["body"], dict):
            prefix = "data." if block["kind"] == "data" else ""
            self.blocks[prefix + ".".join(block["labels"])] = block["body"]

    def lookup(self, root: str, name: str) -> Any:
        if root == "var":
            if name not in self.variables:
                self.variables[name] = self._variable(name)
            return self.variables[name]
        if root == "local":
            return self._local(name)
        if root == INSTANCES:
            return self._instances(name)
        if root == "module" and self.modules is not None:
            return self.modules.value(name, self.lookup)
        return UNBOUND

    def _variable(self, name: str) -> Any:
        """The given value (or the default), converted to the declared type; a null given to a
        ``nullable = false`` variable takes the default, as Terraform does."""
        declared = self.declared.get(name, {})
        value = self.values.get(name, self.defaults.get(name, Unknown(f"var.{name}")))
        if value is None and declared.get("nullable") is False and "default" in declared:
            value = declared["default"]
        return convert(value, parse_type(declared.get("type")))

    def _instances(self, address: str) -> int | None:
        """How many instances a resource/data block of this module has (None: unknown, or keyed)."""
        if address not in self.counts:
            body = self.blocks.get(address)
            self.counts[address] = None  # also guards against a count that depends on itself
            if body is not None:
                instances, undecided = expand(body, self.lookup)
                keyed = any(isinstance(i.key, str) for i in instances)
                self.counts[address] = None if undecided or keyed else len(instances)
        return self.counts[address]

    def _local(self, name: str) -> Any:
        if name in self.locals:
            return self.locals[name]
        if name not in self.raw_locals or name in self._resolving:
            return Unknown(f"local.{name}")
        self._resolving.add(name)
        value = evaluate_value(self.raw_locals[name], self.lookup)
        self._resolving.discard(name)
        self.locals[name] = value
        return value


def module_resources(source: ModuleSource, modules: Any = None) -> list[Resource]:
    """Every instance of every resource, data source and module call of one module instance
    (``modules`` answers ``module.NAME``: module_outputs.ModuleOutputs)."""
    files = apply_overrides(source.files)
    scope = ModuleScope(files, source.variables, modules)
    resources = []
    for display, parsed in files:
        previous_end = 0
        for block in parsed["blocks"]:
            if block["kind"] in ADDRESSED_KINDS and block["labels"]:
                comments = _block_comments(parsed, block, previous_end)
                resources.extend(_to_resources(block, display, scope, source, comments))
            previous_end = block["end"]
    return resources


def _block_comments(parsed: dict[str, Any], block: dict[str, Any], previous_end: int) -> list[list[Any]]:
    """``soc2gate`` comments inside the block or above it, after the previous block (inline waivers)."""
    return [c for c in parsed.get("comments") or [] if previous_end < c[0] <= block["end"]]


def _to_resources(block: dict[str, Any], display: str, scope: ModuleScope, source: ModuleSource,
                  comments: list[list[Any]]) -> list[Resource]:
    body = block["body"] if isinstance(block["body"], dict) else {}
    if block["kind"] == "provider":
        return [_to_resource(block, display, scope.lookup, source, comments, Instance())]
    instances, undecided = expand(body, scope.lookup)
    return [_to_resource(block, display, bind(scope.lookup, instance.symbols), source, comments, instance,
                         undecided or source.undecided) for instance in instances]


def _to_resource(block: dict[str, Any], display: str, lookup: Any, source: ModuleSource,
                 comments: list[list[Any]], instance: Instance, undecided: str = "") -> Resource:
    kind, labels = block["kind"], block["labels"]
    body = block["body"] if isinstance(block["body"], dict) else {}
    unknown: dict[str, str] = {}
    refs: dict[str, str] = {}
    partial: dict[str, Any] = {}
    attributes = BodyResolver(unknown, refs, partial).body(body, lookup)
    rtype, name = (labels[0], labels[1]) if kind in ("resource", "data") else (kind, labels[0])
    alias = body.get("alias") if kind == "provider" and isinstance(body.get("alias"), str) else ""
    local = {"resource": f"{rtype}.{name}", "data": f"data.{rtype}.{name}", "module": f"module.{name}",
             "provider": f"provider.{name}" + (f".{alias}" if alias else "")}[kind]
    meta = {"kind": kind, "module": source.prefix.rstrip("."), "dir": source.directory,
            "root": source.root or source.directory, "raw": body, "refs": refs, "source": "hcl",
            "comments": comments, "call_sites": list(source.call_sites)}
    if kind == "module":  # the child's variables: evaluated, Partial where only some elements are unknown
        meta["inputs"] = {k: evaluate_value(v, lookup) for k, v in body.items() if k not in MODULE_META}
    if any(partial.values()):
        meta["partial"] = {text: shape for text, shape in partial.items() if shape is not None}
    if block.get("overridden_by"):
        meta["overridden_by"] = block["overridden_by"]
    if instance.suffix:
        meta["instance_key"] = instance.key
    if undecided:
        meta["instances_unknown"] = undecided
        meta["instances_invalid"] = undecided == BOTH_SET
    return Resource(
        surface="terraform",
        type=rtype,
        name=name,
        address=source.prefix + local + instance.suffix,
        span=SourceSpan(display, block["start"], block["end"]),
        attributes=attributes,
        unknown=unknown,
        line_of=block["lines"],
        meta=meta,
    )
