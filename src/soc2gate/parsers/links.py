"""Attach configuring child resources to the parent they configure (data-driven table).

A child names its parent by reference (``aws_s3_bucket.x.id``) or by a literal name.
When the reference cannot be resolved, every candidate parent in that module gets
``links.<child type>`` marked unknown, so a policy reports inconclusive, never a false
failure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from soc2gate.catalog.locate import mappings_dir
from soc2gate.model import Resource
from soc2gate.parsers.expressions import template_parts

_INDEX = re.compile(r"\[[^\]]*\]")
_REFERENCE = re.compile(r"^(?:data\.)?([a-z][a-z0-9_]*)\.([A-Za-z_][\w-]*)(?:\[[^\]]*\])?(?:\.[\w\[\]\"]+)*$")


@dataclass(frozen=True)
class LinkRule:
    child: str
    attribute: str
    parents: tuple[str, ...]
    match: tuple[str, ...]
    pattern: str = "{}"


@lru_cache(maxsize=1)
def link_rules() -> tuple[LinkRule, ...]:
    import yaml

    text = (mappings_dir() / "terraform-links.yaml").read_text(encoding="utf-8")
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # libyaml's parser when built
    return tuple(
        LinkRule(r["child"], r["attribute"], tuple(r["parents"]), tuple(r["match"]), r.get("pattern", "{}"))
        for r in data["links"]
    )


def link_resources(resources: list[Resource]) -> list[Resource]:
    """Return resources with ``links`` filled in, grouped per module instance."""
    modules: dict[tuple[str, str], list[int]] = {}
    for index, resource in enumerate(resources):
        key = (resource.meta.get("root") or resource.span.file, resource.meta.get("module", ""))
        modules.setdefault(key, []).append(index)
    links: dict[int, dict[str, list[Any]]] = {}
    unknown: dict[int, dict[str, str]] = {}
    rules_by_child: dict[str, list[LinkRule]] = {}
    for rule in link_rules():
        rules_by_child.setdefault(rule.child, []).append(rule)
    for indices in modules.values():
        _link_module([(i, resources[i]) for i in indices], rules_by_child, links, unknown)
    return [_with_links(r, links.get(i), unknown.get(i)) for i, r in enumerate(resources)]


def _link_module(members, rules_by_child, links, unknown) -> None:
    by_address = {_INDEX.sub("", r.address): i for i, r in members}
    by_address.update({r.address: i for i, r in members})  # instance addresses: aws_s3_bucket.b["a"]
    for _, child in members:
        for rule in rules_by_child.get(child.type, ()):
            parents = [(i, r) for i, r in members if r.type in rule.parents]
            if not parents or rule.attribute not in child.attributes:
                continue
            targets, expression = _targets(child, rule, parents, by_address)
            for target in targets:
                links.setdefault(target, {}).setdefault(child.type, []).append(_document(child))
            if expression:
                for index, _ in parents:
                    unknown.setdefault(index, {}).setdefault(f"links.{child.type}", expression)


def _targets(child: Resource, rule: LinkRule, parents, by_address) -> tuple[list[int], str]:
    referenced = child.meta.get("refs", {}).get(rule.attribute)
    if referenced and referenced.split(".")[0] in rule.parents:
        prefix = child.meta.get("module", "")
        address = (prefix + "." if prefix else "") + referenced
        for candidate in (address, _INDEX.sub("", address)):
            if candidate in by_address:
                return [by_address[candidate]], ""
    raw = child.meta.get("raw", {}).get(rule.attribute)
    if isinstance(raw, str) and "${" in raw:
        parts = [p for is_expr, p in template_parts(raw) if is_expr]
        match = _REFERENCE.match(parts[0]) if len(parts) == 1 else None
        if match:
            prefix = child.meta.get("module", "")
            address = _INDEX.sub("", (prefix + "." if prefix else "") + f"{match.group(1)}.{match.group(2)}")
            if address in by_address and match.group(1) in rule.parents:
                return [by_address[address]], ""
            if address in by_address:
                return [], ""  # a resource of another type: another rule's parent, not this one's
            if match.group(1) in rule.parents and not parts[0].startswith("data."):
                return [], ""  # an undeclared resource (Terraform rejects it): configures no parent here
            if match.group(1) not in _known_types(parents) and rule.attribute not in child.unknown:
                return _by_value(child, rule, parents), ""
        if rule.attribute in child.unknown:
            return [], child.unknown[rule.attribute]
    return _by_value(child, rule, parents), ""


def _known_types(parents) -> set[str]:
    return {r.type for _, r in parents}


def _by_value(child: Resource, rule: LinkRule, parents) -> list[int]:
    value = child.attributes.get(rule.attribute)
    if not isinstance(value, str) or not value:
        return []
    found = []
    for index, parent in parents:
        candidates = [parent.attributes.get(key) for key in rule.match]
        if any(isinstance(c, str) and rule.pattern.format(c) == value for c in candidates):
            found.append(index)
    return found


def _document(child: Resource) -> dict[str, Any]:
    return {"address": child.address, "attributes": child.attributes, "line": child.span.start_line,
            "unknown": dict(child.unknown)}


def _with_links(resource: Resource, links: dict | None, unknown: dict | None) -> Resource:
    if not links and not unknown:
        return resource
    merged_unknown = dict(resource.unknown)
    for key, expression in (unknown or {}).items():
        if key.split(".", 1)[1] not in (links or {}):
            merged_unknown.setdefault(key, expression)

    return replace(resource, links={**resource.links, **(links or {})}, unknown=merged_unknown)
