"""What checkov's results add to a native Result (pure: no scoping, no verdict).

* A checkov result whose id a native policy declares (``custom.checkov``) on the same
  resource is reported once: the native finding wins and carries the checkov id and
  verdict in ``related.checkov`` (and its message).  Pass/fail conflicts are listed in
  ``extras.checkov.disagreements``.
* Any other result of a mapped check becomes an ordinary finding (engine ``checkov``),
  with the criteria, severity and rationale from ``mappings/checkov.yaml``.
* Results of unmapped checks, and of checks whose criteria are all out of scope (or not
  among ``--controls``), are counted in ``extras.checkov.unmapped``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from soc2gate.adapters.checkov.mapping import CheckovMapping
from soc2gate.adapters.checkov.results import CheckovResult
from soc2gate.adapters.checkov.runner import CheckovRun
from soc2gate.discovery import display_path
from soc2gate.model import Finding, Outcome, Policy, Result, SourceSpan

_MODULES = re.compile(r"^(module\.[^.\[]+(\[[^\]]*\])?\.)+")
_INDEX = re.compile(r"\[[^\]]*\]$")
OUTCOME = {"passed": Outcome.PASS, "failed": Outcome.FAIL, "skipped": Outcome.INCONCLUSIVE}
NATIVE = {Outcome.PASS: "passed", Outcome.FAIL: "failed"}


@dataclass
class _Merge:
    findings: list[Finding]
    index: dict[tuple[str, str, str], list[int]]
    twins: dict[str, list[str]]
    added: list[Finding] = field(default_factory=list)
    paired: int = 0
    disagreements: list[dict[str, Any]] = field(default_factory=list)
    unmapped: Counter = field(default_factory=Counter)


def resource_key(resource: str, surface: str) -> str:
    """One spelling for native and checkov addresses of the same resource."""
    if surface == "kubernetes":
        parts = resource.split("/", 2) if "/" in resource else resource.split(".", 2)
        if len(parts) == 2:
            parts = [parts[0], "default", parts[1]]
        return "/".join(parts)
    return _INDEX.sub("", _MODULES.sub("", resource))


def file_key(path: str) -> str:
    try:
        return str(Path(path).resolve())
    except OSError:
        return path


@dataclass(frozen=True)
class Contribution:
    """checkov's part of a run: ``native`` is the native findings (twins annotated with their checkov
    verdict), ``added`` checkov's own findings and SYS-006 problems, not yet scoped to the run."""

    native: tuple[Finding, ...]
    added: tuple[Finding, ...]
    policies: tuple[Policy, ...]
    extras: dict[str, Any]
    note: str
    seconds: float


def contribution(result: Result, run: CheckovRun, mapping: dict[str, CheckovMapping]) -> Contribution:
    """Pair checkov's results with the native findings of ``result``; the rest become checkov findings."""
    state = _Merge(list(result.findings), _native_index(result), _twins(result.policies))
    for item in run.results:
        _take(state, item, mapping)
    added = state.added + run.problems
    used = {f.policy_id for f in added}
    policies = tuple(_policy(mapping[cid]) for cid in sorted(used) if cid in mapping)
    return Contribution(tuple(state.findings), tuple(added), policies, _summary(state, run), _note(state, run),
                        run.seconds)


def _native_index(result: Result) -> dict[tuple[str, str, str], list[int]]:
    index: dict[tuple[str, str, str], list[int]] = {}
    for position, finding in enumerate(result.findings):
        if finding.span is not None and finding.surface:
            key = (finding.policy_id, file_key(finding.span.file), resource_key(finding.resource, finding.surface))
            index.setdefault(key, []).append(position)
    return index


def _twins(policies: tuple[Policy, ...]) -> dict[str, list[str]]:
    twins: dict[str, list[str]] = {}
    for policy in policies:
        for check_id in policy.checkov:
            twins.setdefault(check_id, []).append(policy.id)
    return twins


def _take(state: _Merge, item: CheckovResult, mapping: dict[str, CheckovMapping]) -> None:
    key = (file_key(item.file), resource_key(item.resource, item.surface))
    positions = [p for pid in state.twins.get(item.check_id, []) for p in state.index.get((pid, *key), [])]
    if positions:
        state.paired += 1
        for position in positions:
            state.findings[position] = _annotate(state, state.findings[position], item)
        return
    entry = mapping.get(item.check_id)
    if entry is None:
        state.unmapped[item.check_id] += 1
        return
    state.added.append(to_finding(item, entry))


def _annotate(state: _Merge, finding: Finding, item: CheckovResult) -> Finding:
    native = NATIVE.get(finding.outcome)
    agrees = None if native is None or item.result == "skipped" else native == item.result
    pairs = list(finding.related.get("checkov", [])) + [{"id": item.check_id, "result": item.result, "agrees": agrees}]
    if agrees is False:
        state.disagreements.append({"policy": finding.policy_id, "checkov": item.check_id,
                                    "resource": finding.resource, "file": finding.span.file if finding.span else "",
                                    "line": finding.span.start_line if finding.span else 0,
                                    "native": native, "checkov_result": item.result})
    verdict = "agrees" if agrees else ("disagrees: " + item.result if agrees is False else item.result)
    message = f"{finding.message} [checkov {item.check_id}: {verdict}]"
    return replace(finding, related={**finding.related, "checkov": pairs}, message=message)


def to_finding(item: CheckovResult, entry: CheckovMapping) -> Finding:
    """An ordinary finding for one checkov result of a mapped check."""
    resource = resource_key(item.resource, item.surface) if item.surface == "kubernetes" else item.resource
    message = f"{resource}: {item.check_name}"
    if item.result == "skipped":
        message += (f" (suppressed in the source with checkov:skip: {item.suppress_comment or 'no reason'};"
                    " use a soc2gate waiver to accept a failure)")
    bare = _INDEX.sub("", _MODULES.sub("", resource))
    rtype = resource.split("/")[0] if item.surface == "kubernetes" else bare.split(".")[0]
    return Finding(
        policy_id=item.check_id,
        outcome=OUTCOME[item.result],
        severity=entry.severity,
        controls=entry.controls,
        resource=resource,
        resource_type=rtype,
        message=message,
        span=SourceSpan(display_path(Path(item.file)), item.start_line, item.end_line),
        surface=item.surface,
        engine="checkov",
        related={"checkov": {"check": item.check_name, "guideline": item.guideline}} if item.guideline else {},
    )


def _policy(entry: CheckovMapping) -> Policy:
    surface = "kubernetes" if "_K8S_" in entry.id else "terraform"
    return Policy(id=entry.id, title=entry.title, description=entry.rationale, severity=entry.severity,
                  surface=surface, controls={c: entry.rationale for c in entry.controls},
                  remediation=f"See checkov's guidance for {entry.id}.", package="", path="mappings/checkov.yaml",
                  checkov=(entry.id,), source="checkov")


def _summary(state: _Merge, run: CheckovRun) -> dict[str, Any]:
    return {"version": run.version, "commands": run.commands, "seconds": run.seconds,
            "results": len(run.results), "paired": state.paired, "reported": len(state.added),
            "disagreements": state.disagreements, "unmapped": dict(sorted(state.unmapped.items())),
            "problems": len(run.problems)}


def _note(state: _Merge, run: CheckovRun) -> str:
    return (f"checkov {run.version or '(no output)'}: {len(run.results)} results, {state.paired} reported with "
            f"the equivalent native policy ({len(state.disagreements)} disagreements), {len(state.added)} as "
            f"checkov findings, {sum(state.unmapped.values())} of unmapped checks not reported "
            f"(extras.checkov.unmapped)")
