"""Evaluate the watched objects one namespace at a time, reusing the namespaces that did not change.

soc2gate's Kubernetes policies relate objects only within a namespace (a NetworkPolicy covers the
workloads of its namespace; a ServiceAccount's automount setting applies to the pods of its namespace),
so each namespace, and the cluster-scoped objects together, is evaluated on its own with everything it
holds: relations stay exact. Evaluation time grows faster than linearly with the objects evaluated at
once, so small partitions are also much faster. A change cycle re-evaluates only the namespaces whose
objects (namespace/name@resourceVersion) changed; a full cycle re-evaluates all of them (waivers that
expired since are applied then).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from soc2gate.api import Gate
from soc2gate.audit.cluster import Cluster, Listing
from soc2gate.audit.kinds import ResourceType
from soc2gate.audit.run import resources_of
from soc2gate.model import Finding, Result, Skipped
from soc2gate.parsers.collect import Collected

BATCH = 200  # objects per engine call: evaluation time grows faster than linearly with the objects


@dataclass(frozen=True)
class Partition:
    digest: str
    findings: tuple[Finding, ...]
    skipped: tuple[Skipped, ...]
    notes: tuple[str, ...]
    waivers: tuple[dict[str, Any], ...]
    engine_s: float


class PartitionedEvaluator:
    def __init__(self, cluster: Cluster, excluded: tuple[str, ...]) -> None:
        self.cluster, self.excluded = cluster, excluded
        self._memo: dict[str, Partition] = {}
        self.evaluated = 0  # partitions evaluated (not reused) by the last call

    def evaluate(self, gate: Gate, types: Sequence[ResourceType], objects: dict[str, list[dict[str, Any]]],
                 collected: Collected, full: bool) -> Result:
        """One Result for every object; ``collected`` carries the cycle's inputs and SYS findings."""
        by_namespace: dict[str, dict[ResourceType, list[dict[str, Any]]]] = {}
        for rtype in types:
            for obj in objects.get(rtype.kind, []):
                namespace = str((obj.get("metadata") or {}).get("namespace") or "")
                by_namespace.setdefault(namespace, {}).setdefault(rtype, []).append(obj)
        digests = {namespace: _digest(kinds) for namespace, kinds in by_namespace.items()}
        dirty = [ns for ns in sorted(by_namespace) if full or ns not in self._memo or self._memo[ns].digest != digests[ns]]
        parts = {ns: self._memo[ns] for ns in by_namespace if ns not in dirty}
        self.evaluated = len(dirty)
        for batch in _batches(dirty, by_namespace):
            parts.update(self._evaluate(gate, batch, by_namespace, digests))
        self._memo = parts  # namespaces that vanished are forgotten
        return _merge(gate.evaluate([], collected), [parts[ns] for ns in sorted(parts)])

    def _evaluate(self, gate: Gate, batch: list[str], by_namespace: dict[str, dict[ResourceType, list[dict[str, Any]]]],
                  digests: dict[str, str]) -> dict[str, Partition]:
        """Evaluate whole namespaces together (one engine call), then file each finding under its namespace."""
        collected = Collected()
        listings = [Listing(rtype, items=items) for ns in batch for rtype, items in by_namespace[ns].items()]
        resources = resources_of(self.cluster, listings, self.excluded, collected)
        result = gate.evaluate(resources, collected)
        findings: dict[str, list[Finding]] = {ns: [] for ns in batch}
        for finding in result.findings:
            findings.get(_namespace(finding.resource), findings[batch[0]]).append(finding)
        waivers = tuple(result.extras.get("waivers") or ())
        engine_s = float(result.timings.get("engine_s", 0.0))
        return {ns: Partition(digests[ns], tuple(findings[ns]), result.skipped if ns == batch[0] else (),
                              result.notes, waivers if ns == batch[0] else (), engine_s if ns == batch[0] else 0.0)
                for ns in batch}


def _batches(namespaces: list[str], by_namespace: dict[str, dict[ResourceType, list[dict[str, Any]]]]) -> list[list[str]]:
    """Whole namespaces grouped up to BATCH objects: one engine call each (a call has a fixed cost too)."""
    batches: list[list[str]] = []
    size = 0
    for namespace in namespaces:
        count = sum(len(items) for items in by_namespace[namespace].values())
        if not batches or size + count > BATCH:
            batches.append([])
            size = 0
        batches[-1].append(namespace)
        size += count
    return batches


def _namespace(resource: str) -> str:
    parts = resource.split("/")
    return parts[1] if len(parts) == 3 else ""


def _digest(kinds: dict[ResourceType, list[dict[str, Any]]]) -> str:
    lines = sorted(f"{rtype.kind}/{(o.get('metadata') or {}).get('name')}@"
                   f"{(o.get('metadata') or {}).get('resourceVersion') or json.dumps(o, sort_keys=True)}"
                   for rtype, items in kinds.items() for o in items)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _merge(top: Result, parts: list[Partition]) -> Result:
    """The cycle's Result: the SYS findings of ``top``, then every partition's (problems shared by all
    partitions, such as a bad waiver file, once); waiver usage summed over the partitions."""
    findings, seen = list(top.findings), {_shared(f) for f in top.findings}
    notes = list(top.notes)
    for part in parts:
        for finding in part.findings:
            key = _shared(finding)
            if key is None or key not in seen:
                findings.append(finding)
                seen.add(key)
        notes.extend(n for n in part.notes if n not in notes)
    waivers = [dict(w) for w in top.extras.get("waivers") or ()]
    for part in parts:
        if len(part.waivers) != len(waivers):  # not the first namespace of its batch
            continue
        for merged, used in zip(waivers, part.waivers):
            merged["used"] = bool(merged.get("used")) or bool(used.get("used"))
            merged["applied_to"] = list(merged.get("applied_to") or []) + list(used.get("applied_to") or [])
    engine_s = round(float(top.timings.get("engine_s", 0.0)) + sum(p.engine_s for p in parts), 4)
    return replace(top, findings=tuple(findings), skipped=top.skipped + tuple(s for p in parts for s in p.skipped),
                   notes=tuple(notes), extras={**top.extras, "waivers": waivers}, timings={"engine_s": engine_s})


def _shared(finding: Finding) -> tuple[str, str, str] | None:
    """SYS findings are about inputs or configuration, not one object: the same one from two partitions is one."""
    if not finding.policy_id.startswith("SYS-"):
        return None
    return finding.policy_id, finding.resource, finding.message
