"""Inline waivers: comments beside a resource and the Kubernetes annotation.

* Terraform / YAML comment on its own line, inside the block or directly above it::

      # soc2gate:waive TF-001 reason="legacy bucket" approved_by=alice expires=2025-03-31 ticket=SEC-1

* Kubernetes annotation on the object itself (``metadata.annotations``)::

      soc2gate.io/waive.K8S-001: 'reason="node agent" approved_by=bob expires=2025-03-31'

An inline waiver binds to the resource it stands on.  Problems (missing fields, bad dates,
unknown ids, peer-style ``soc2gate:skip``) become SYS-004 findings naming file:line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Collection, Iterator, Sequence

from soc2gate.catalog.policies import ID_PATTERN
from soc2gate.diagnostics import sys_finding
from soc2gate.model import Finding, Resource, SourceSpan
from soc2gate.waivers.declared import OPTIONAL_FIELDS, REQUIRED_FIELDS, Declared, FieldProblem, Settings, build

ANNOTATION_PREFIX = "soc2gate.io/waive"
FIELDS = REQUIRED_FIELDS + OPTIONAL_FIELDS
SILENCERS = frozenset({"skip", "ignore", "disable", "suppress", "nosec", "exclude", "waiver", "allow"})
_DIRECTIVE = re.compile(r"^soc2gate:(?P<verb>[A-Za-z_-]+)(?P<rest>.*)$")
_PAIR = re.compile(r"(?P<key>[A-Za-z_]+)=(?:\"(?P<dq>(?:[^\"\\]|\\.)*)\"|'(?P<sq>[^']*)'|(?P<bare>[^\s\"']+))")
_ESCAPE = re.compile(r"\\(.)")


@dataclass(frozen=True)
class InlineText:
    """One inline waiver as written, before validation."""

    policy_id: str
    text: str
    origin: str  # "comment" | "annotation"
    line: int
    resource: Resource

    @property
    def span(self) -> SourceSpan:
        return SourceSpan(self.resource.span.file, self.line, self.line)


def parse_fields(text: str) -> dict[str, str]:
    """``reason="a b" expires=2025-01-31`` -> fields; FieldProblem on anything else."""
    fields: dict[str, str] = {}
    position = 0
    while position < len(text):
        if text[position].isspace():
            position += 1
            continue
        match = _PAIR.match(text, position)
        if match is None or (match.end() < len(text) and not text[match.end()].isspace()):
            snippet = text[position:position + 40]
            raise FieldProblem("syntax", f"cannot read `{snippet}`: expected key=value or key=\"quoted value\"")
        key = match["key"]
        if key not in FIELDS:
            raise FieldProblem(key, f"unknown field `{key}` (fields: {', '.join(FIELDS)})")
        if key in fields:
            raise FieldProblem(key, f"`{key}` is given twice")
        fields[key] = _value(match)
        position = match.end()
    return fields


def _value(match: re.Match[str]) -> str:
    if match["dq"] is not None:
        return _ESCAPE.sub(r"\1", match["dq"])
    return match["sq"] if match["sq"] is not None else match["bare"]


def inline_texts(resource: Resource) -> Iterator[InlineText | Finding]:
    """Inline waivers written on ``resource`` (or SYS-004 findings for unusable directives)."""
    for line, text in resource.meta.get("comments") or ():
        found = _from_comment(int(line), str(text), resource)
        if found is not None:
            yield found
    if resource.surface == "kubernetes":
        yield from _from_annotations(resource)


def _from_comment(line: int, text: str, resource: Resource) -> InlineText | Finding | None:
    match = _DIRECTIVE.match(text.strip())
    if match is None:
        return None
    verb, rest = match["verb"], match["rest"].strip()
    if verb != "waive":
        if verb.lower() not in SILENCERS:
            return None
        return _problem(resource, line, f"`soc2gate:{verb}` is not a soc2gate directive: an exception needs "
                        "`soc2gate:waive <POLICY-ID> reason=\"...\" approved_by=... expires=YYYY-MM-DD`")
    parts = rest.split(None, 1)
    return InlineText(parts[0] if parts else "", parts[1] if len(parts) > 1 else "", "comment", line, resource)


def _from_annotations(resource: Resource) -> Iterator[InlineText | Finding]:
    metadata = resource.attributes.get("metadata") if isinstance(resource.attributes, dict) else None
    annotations = metadata.get("annotations") if isinstance(metadata, dict) else None
    if not isinstance(annotations, dict):
        return
    for key, value in annotations.items():
        if not str(key).startswith(ANNOTATION_PREFIX):
            continue
        line = resource.line_of.get(f"metadata.annotations.{key}", resource.span.start_line)
        policy_id = str(key)[len(ANNOTATION_PREFIX) + 1:] if str(key).startswith(ANNOTATION_PREFIX + ".") else ""
        if not isinstance(value, str):
            yield _problem(resource, line, f"annotation `{key}` must be a string of key=value fields")
            continue
        yield InlineText(policy_id, value, "annotation", line, resource)


def validate(items: Sequence[InlineText], policy_ids: Collection[str], settings: Settings,
             now: datetime) -> tuple[list[Declared], list[Finding]]:
    """Well-formed inline waivers, and SYS-004 findings for the rest."""
    declared: list[Declared] = []
    problems: list[Finding] = []
    for item in items:
        try:
            declared.append(_declare(item, policy_ids, settings, now))
        except FieldProblem as exc:
            problems.append(_problem(item.resource, item.line, f"inline waiver for {item.policy_id or '?'} "
                                     f"on {item.resource.address}: {exc}"))
    return declared, problems


def _declare(item: InlineText, policy_ids: Collection[str], settings: Settings, now: datetime) -> Declared:
    if not ID_PATTERN.match(item.policy_id):
        where = "annotation key soc2gate.io/waive.<POLICY-ID>" if item.origin == "annotation" else "soc2gate:waive"
        raise FieldProblem("policy", f"`{item.policy_id}` is not a policy id ({where} needs e.g. TF-001)")
    if item.policy_id not in policy_ids:
        raise FieldProblem("policy", f"unknown policy `{item.policy_id}`: no loaded policy has this id")
    selector = {"address": item.resource.address, "file": item.resource.span.file}
    origin = "inline" if item.origin == "comment" else "annotation"
    return build(parse_fields(item.text), item.policy_id, selector, origin, item.span, settings, now)


def _problem(resource: Resource, line: int, message: str) -> Finding:
    file = resource.span.file
    return sys_finding("SYS-004", file, line, f"{file}:{line}: {message}", resource=resource.address)


def collect_inline(resources: Sequence[Resource]) -> tuple[list[InlineText], list[Finding]]:
    texts: list[InlineText] = []
    problems: list[Finding] = []
    for resource in resources:
        for item in inline_texts(resource):
            (texts if isinstance(item, InlineText) else problems).append(item)  # type: ignore[arg-type]
    return texts, problems

