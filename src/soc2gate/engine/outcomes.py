"""Turn raw deny/inconclusive items into one Finding per (policy, resource) outcome.

* a deny whose path touches an unknown value becomes ``inconclusive`` with the expression
  (its string literals masked: engine/redaction.py); so does a deny on a block whose
  ``count``/``for_each`` is unknown (one result per block);
* a resource the policy applies to with no deny passes, unless a path the policy declares
  in ``inconclusive_if_unknown`` is unknown (then ``inconclusive``);
* a policy that crashed yields one SYS-003 error naming its file.
"""

from __future__ import annotations

import re
from typing import Any, Sequence

from soc2gate.diagnostics import sys_finding
from soc2gate.engine.base import RawVerdicts
from soc2gate.engine.input_doc import expand_types, judges, unreadable
from soc2gate.engine.redaction import redact_literals
from soc2gate.model import Finding, Outcome, Policy, Resource, SourceSpan

_INDEX = re.compile(r"\[[^\]]*\]")


def overlapping_unknown(path: str, unknown: dict[str, str] | Any) -> str | None:
    """The unknown expression on ``path``, above it or below it, if any."""
    plain = _INDEX.sub("", path)
    for candidate, expression in unknown.items():
        if plain == candidate or plain.startswith(candidate + ".") or candidate.startswith(plain + "."):
            return expression
    return None


def line_for(resource: Resource, path: str) -> int:
    """Line of the deepest known prefix of ``path`` inside the resource."""
    for candidate in (path, _INDEX.sub("", path)):
        parts = candidate.split(".")
        for end in range(len(parts), 0, -1):
            line = resource.line_of.get(".".join(parts[:end]))
            if line:
                return line
    return resource.span.start_line


def to_findings(policies: Sequence[Policy], resources: Sequence[Resource], raw: RawVerdicts,
                engine: str) -> list[Finding]:
    findings: list[Finding] = []
    index = _TypeIndex(resources)
    for policy in policies:
        if policy.id in raw.errors:
            findings.append(sys_finding("SYS-003", policy.path, 0,
                                        f"policy {policy.id} failed to evaluate: {raw.errors[policy.id]}",
                                        resource=policy.id))
            continue
        findings.extend(_policy_findings(policy, resources, raw, engine, index.candidates(policy)))
    return findings


class _TypeIndex:
    """Resource positions by type (and pod-bearing ones), so each policy visits only its candidates."""

    def __init__(self, resources: Sequence[Resource]) -> None:
        self.by_type: dict[str, list[int]] = {}
        self.with_pod: list[int] = []
        for position, resource in enumerate(resources):
            self.by_type.setdefault(resource.type, []).append(position)
            if resource.meta.get("pod") is not None:
                self.with_pod.append(position)

    def candidates(self, policy: Policy) -> list[int]:
        found = {i for name in expand_types(policy.resource_types) for i in self.by_type.get(name, ())}
        if "@workload" in policy.resource_types:
            found.update(self.with_pod)
        return sorted(found)


def _policy_findings(policy: Policy, resources: Sequence[Resource], raw: RawVerdicts, engine: str,
                     candidates: Sequence[int]) -> list[Finding]:
    by_resource: dict[int, list[Finding]] = {}
    for item in raw.denies.get(policy.id, []):
        index = _index(item, resources)
        if index is not None:
            by_resource.setdefault(index, []).append(_deny(policy, resources[index], item, engine))
    for item in raw.inconclusive.get(policy.id, []):
        index = _index(item, resources)
        if index is not None:
            by_resource.setdefault(index, []).append(
                _make(policy, resources[index], Outcome.INCONCLUSIVE, item, engine,
                      str(item.get("expression") or item.get("message") or "")))
    scope = raw.applicable.get(policy.id) if policy.scoped else None
    allowed = None if scope is None else {int(i) for i in scope if i.isdigit()}
    for index in candidates:
        resource = resources[index]
        if index not in by_resource and judges(policy.resource_types, resource) and _applies(policy, resource) \
                and (allowed is None or index in allowed):
            by_resource[index] = [_pass_or_unknown(policy, resource, engine)]
    return [f for index in sorted(by_resource) for f in by_resource[index]]


def _applies(policy: Policy, resource: Resource) -> bool:
    return resource.surface == policy.surface and "delete" not in (resource.meta.get("actions") or [])


def _index(item: dict[str, Any], resources: Sequence[Resource]) -> int | None:
    try:
        index = int(item.get("resource"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return index if 0 <= index < len(resources) else None


def _deny(policy: Policy, resource: Resource, item: dict[str, Any], engine: str) -> Finding:
    path = str(item.get("path") or "")
    certain = item.get("certain") is True
    expression = overlapping_unknown(path, resource.unknown) if path and not certain else None
    instances = str(resource.meta.get("instances_unknown") or "")
    if expression is None and instances and resource.meta.get("instances_invalid"):
        expression = instances  # Terraform rejects the block: nothing about it is decided
    if expression is not None:
        return _make(policy, resource, Outcome.INCONCLUSIVE, item, engine, expression)
    if instances:  # how many instances exist is unknown, but the failing configuration is every instance's
        message = str(item.get("message") or policy.title)
        item = {**item, "message": f"{message} (every instance; how many exist depends on "
                                   f"`{redact_literals(instances)}`)"}
    return _make(policy, resource, Outcome.FAIL, item, engine, "")


def _pass_or_unknown(policy: Policy, resource: Resource, engine: str) -> Finding:
    for path in policy.inconclusive_if_unknown:
        expression = overlapping_unknown(path, resource.unknown)
        if expression is not None:
            item = {"path": path, "message": f"cannot decide: `{path}` depends on `{expression}`"}
            return _make(policy, resource, Outcome.INCONCLUSIVE, item, engine, expression)
    return _make(policy, resource, Outcome.PASS, {"message": policy.title}, engine, "")


def _make(policy: Policy, resource: Resource, outcome: Outcome, item: dict[str, Any], engine: str,
          expression: str) -> Finding:
    path = str(item.get("path") or "")
    message = str(item.get("message") or policy.title)
    if expression:  # the one place unknown expressions enter findings: their string literals never do
        shown = redact_literals(expression)
        message, expression = message.replace(expression, shown), shown
    if outcome is Outcome.INCONCLUSIVE and expression and expression not in message:
        message = f"{message} (inconclusive: depends on `{expression}`)"
    line = int(item["line"]) if isinstance(item.get("line"), int) else line_for(resource, path)
    return Finding(
        policy_id=policy.id,
        outcome=outcome,
        severity=policy.severity,
        controls=tuple(policy.controls),
        resource=resource.address,
        resource_type=resource.type,
        message=message,
        span=SourceSpan(resource.span.file, line, resource.span.end_line if line == resource.span.start_line else line),
        surface=resource.surface,
        attribute_path=path,
        unknown_expression=expression,
        engine=engine,
        related=_located(resource),
    )


def _located(resource: Resource) -> dict[str, Any]:
    """Where reports show the findings of a resource whose own file is not in the repository (a change
    record read from a CI event: the workflow file running the gate, ``meta["location"]``)."""
    location = resource.meta.get("location")
    related: dict[str, Any] = {"location": {"file": str(location), "line": 1}} if location else {}
    sites = resource.meta.get("call_sites")  # module calls instantiating the resource, outermost first
    if sites:
        related["call_sites"] = list(sites)
    rendered = resource.meta.get("rendered_by")  # the kustomizations / charts that render this object
    if rendered:
        related["rendered_by"] = list(rendered)
    return related


def readable(resources: Sequence[Resource]) -> tuple[list[Resource], list[Finding]]:
    """Resources the engine can read, and a SYS-001 finding for each one it cannot (too deep, NaN)."""
    kept, problems = [], []
    for resource in resources:
        why = unreadable(resource)
        if why is None:
            kept.append(resource)
            continue
        path = why.split("`")[1] if "`" in why else ""
        line = line_for(resource, path) if path else resource.span.start_line
        problems.append(sys_finding("SYS-001", resource.span.file, line,
                                    f"{resource.span.file}:{line}: {resource.address} {why}; "
                                    "the policy engine cannot read it", resource=resource.address))
    return kept, problems
