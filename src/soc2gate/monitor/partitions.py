"""Evaluate the watched objects incrementally: a change cycle re-evaluates only what changed, with what it
relates to, and reuses every other object's results; a full cycle re-evaluates every object.

The Kubernetes policies relate a workload to other objects of its namespace only through
``k8s.in_namespace(kind, ns)`` and ``k8s.named(kind, ns, name)`` (policies/lib/kubernetes.rego); the kinds
they name (NetworkPolicy, ServiceAccount) are the *relation kinds*, read from the bundle's sources. An
object is evaluated again when its resourceVersion changed, when an object of a relation kind in its
namespace was added, changed or deleted, or when a relation kind appeared in or vanished from the whole
cluster (K8S-024 tells "no NetworkPolicy at all" from "none in this namespace"). It is evaluated together
with its namespace's objects of the relation kinds (and, for a relation kind that none of them holds, one
object of that kind from elsewhere, so "none here" and "none anywhere" read as in a full evaluation);
only the findings of the objects that were due are kept. Results are therefore those of one evaluation
of everything (``soc2gate audit``), which tests/test_monitor.py checks. A policy that relates objects
another way (scanning ``k8s.resources(kind)`` per workload) is exact on full cycles only.

A full cycle is evaluated in slices (``begin_full``, then ``evaluate`` with an ``interrupt``): every object
judged before it began is due once more; each call evaluates what changed (as a change cycle does) and
then due objects, a batch (whole namespaces, up to SLICE objects) at a time, until ``interrupt()`` says a
change is waiting, or for SLICE_S seconds when it evaluated changes (those are to be written soon). The
objects not reached yet keep their results, so each call's Result is whole, and a change waits for one
slice, not for the full cycle. ``full_pending`` is False once every object was judged
again (or changed and was judged as a change) since the full cycle began.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from soc2gate.api import Collected, Gate
from soc2gate.audit.cluster import Cluster, Listing
from soc2gate.audit.kinds import ResourceType
from soc2gate.audit.run import judged_objects, resource_of
from soc2gate.model import Finding, Result

BATCH = 500  # objects per engine call: evaluation is linear, a call has a fixed cost and a deadline
SLICE = 100  # objects per engine call in a full cycle's slices: a change waits for one of them at most
SLICE_S = 1.0  # seconds of a full cycle evaluated along with changes before they are written
_RELATION = re.compile(r"\b(?:in_namespace|named)\(\s*\"([A-Za-z0-9]+)\"")

Key = tuple[str, str, str]  # (kind, namespace, name)
Item = tuple[ResourceType, dict[str, Any]]


@dataclass(frozen=True)
class Batch:
    """What one engine call reported beyond findings; shared by the objects it evaluated."""
    notes: tuple[str, ...]
    waivers: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class Judged:
    """One object's results and what they were computed from."""
    address: str
    version: str
    context: str
    findings: tuple[Finding, ...]
    batch: Batch
    shared: bool = False  # some of ``findings`` are SYS findings (reported once however many objects carry them)


class PartitionedEvaluator:
    def __init__(self, cluster: Cluster, excluded: tuple[str, ...]) -> None:
        self.cluster, self.excluded = cluster, excluded
        self._memo: dict[Key, Judged] = {}
        self._todo: set[Key] = set()  # judged before the running full cycle began, not judged again since
        self.evaluated = 0  # objects evaluated (not reused) by the last call
        # the last Result's findings in groups, in order: an unchanged object's group is the same tuple
        # object from cycle to cycle (the metrics count only groups they have not seen)
        self.groups: list[tuple[Finding, ...]] = []

    def begin_full(self) -> None:
        """A full cycle begins: every object judged so far is due again (``evaluate`` slices it)."""
        self._todo = set(self._memo)

    @property
    def full_pending(self) -> bool:
        """Objects of the running full cycle are still to be judged again."""
        return bool(self._todo)

    def evaluate(self, gate: Gate, types: Sequence[ResourceType], objects: dict[str, list[dict[str, Any]]],
                 collected: Collected, interrupt: Callable[[], bool] = lambda: False) -> Result:
        """One Result for every object; ``collected`` carries the cycle's inputs and SYS findings. What changed
        is evaluated; then the full cycle's due objects, batch by batch, until ``interrupt()``."""
        listings = [Listing(rtype, items=objects.get(rtype.kind, [])) for rtype in types]
        items = {_key(rtype, obj): (rtype, obj) for rtype, obj in judged_objects(self.cluster, listings,
                                                                                    self.excluded, collected)}
        related = _related(items, relation_kinds(gate))
        contexts = _contexts(items, related)
        changed = [key for key in sorted(items) if self._stale(key, items[key][1], contexts)]
        self._todo = {key for key in self._todo if key in items}.difference(changed)  # vanished: forgotten
        memo = {key: self._memo[key] for key in items if key in self._memo}
        engine_s, evaluated = 0.0, len(changed)
        for batch in _batches(changed):
            judged, seconds = self._evaluate(gate, batch, items, related, contexts)
            memo.update(judged)
            engine_s += seconds
        started = time.monotonic()
        for batch in _batches(sorted(self._todo), SLICE):  # the full cycle's slice: one batch at least
            judged, seconds = self._evaluate(gate, batch, items, related, contexts)
            memo.update(judged)
            engine_s, evaluated = engine_s + seconds, evaluated + len(batch)
            self._todo.difference_update(batch)
            if interrupt() or (changed and time.monotonic() - started >= SLICE_S):  # changes: written soon
                break
        self._memo, self.evaluated = memo, evaluated  # objects that vanished are forgotten
        result, self.groups = _merge(gate.evaluate([], collected), [memo[key] for key in sorted(memo)], engine_s)
        return result

    def _stale(self, key: Key, obj: dict[str, Any], contexts: dict[str, str]) -> bool:
        known = self._memo.get(key)
        return known is None or known.version != _version(obj) or known.context != _context(contexts, key)

    def _evaluate(self, gate: Gate, due: list[Key], items: dict[Key, Item], related: dict[str, dict[str, list[Key]]],
                  contexts: dict[str, str]) -> tuple[dict[Key, Judged], float]:
        """Evaluate ``due`` with its relations (one engine call); keep the findings of ``due`` only."""
        keys = due + _context_of(due, related)
        resources = [resource_of(self.cluster, *items[key]) for key in keys]
        result = gate.evaluate(resources, Collected())
        owner = {resource.address: key for key, resource in zip(keys, resources, strict=True)}
        findings: dict[Key, list[Finding]] = {key: [] for key in due}
        for finding in result.findings:
            key = owner.get(finding.resource)
            if key is None:  # not about one object (a policy's error): every object of the call carries it
                for listed in (due if finding.policy_id.startswith("SYS-") else due[:1]):
                    findings[listed].append(finding)
            elif key in findings:
                findings[key].append(finding)  # a relation object's own findings are kept from its own turn
        batch = Batch(result.notes, tuple(result.extras.get("waivers") or ()))
        addresses = {key: resource.address for key, resource in zip(keys, resources, strict=True)}
        judged = {key: Judged(addresses[key], _version(items[key][1]), _context(contexts, key), tuple(findings[key]),
                              batch, any(_shared(f) is not None for f in findings[key]))
                  for key in due}
        return judged, float(result.timings.get("engine_s", 0.0))


def relation_kinds(gate: Gate) -> frozenset[str]:
    """The kinds the bundle's policies look up by namespace (``k8s.in_namespace`` / ``k8s.named``)."""
    return frozenset(kind for _, source in gate.bundle.modules for kind in _RELATION.findall(source))


def _key(rtype: ResourceType, obj: dict[str, Any]) -> Key:
    metadata = _metadata(obj)
    return rtype.kind, str(metadata.get("namespace") or "default"), str(metadata.get("name") or "")


def _version(obj: dict[str, Any]) -> str:
    metadata = _metadata(obj)
    return str(metadata.get("resourceVersion") or json.dumps(obj, sort_keys=True, default=str))


def _metadata(obj: dict[str, Any]) -> dict[str, Any]:
    found = obj.get("metadata")
    return found if isinstance(found, dict) else {}


def _context(contexts: dict[str, str], key: Key) -> str:
    return contexts.get(key[1], contexts[""])


def _related(items: dict[Key, Item], kinds: frozenset[str]) -> dict[str, dict[str, list[Key]]]:
    """namespace -> relation kind -> keys of that namespace's objects of the kind."""
    related: dict[str, dict[str, list[Key]]] = {}
    for key in items:
        if key[0] in kinds:
            related.setdefault(key[1], {}).setdefault(key[0], []).append(key)
    return related


def _contexts(items: dict[Key, Item], related: dict[str, dict[str, list[Key]]]) -> dict[str, str]:
    """namespace -> digest of what its objects are judged with: the relation kinds present in the cluster and
    the namespace's relation objects (name@resourceVersion). A namespace without any: under ``""``."""
    present = ",".join(sorted({kind for kinds in related.values() for kind in kinds}))
    contexts = {"": hashlib.sha256(present.encode()).hexdigest()}
    for namespace, kinds in related.items():
        lines = [present] + sorted(f"{k[0]}/{k[2]}@{_version(items[k][1])}" for keys in kinds.values() for k in keys)
        contexts[namespace] = hashlib.sha256("\n".join(lines).encode()).hexdigest()
    return contexts


def _context_of(due: list[Key], related: dict[str, dict[str, list[Key]]]) -> list[Key]:
    """The relation objects to evaluate ``due`` with: those of its namespaces, and one object of each
    relation kind none of them holds (from another namespace) so that "none anywhere" reads right."""
    chosen = set(due)
    extra = [k for namespace in sorted({key[1] for key in due}) for keys in related.get(namespace, {}).values()
             for k in keys if k not in chosen]
    have = {key[0] for key in chosen} | {key[0] for key in extra}
    for kinds in related.values():
        for kind, keys in kinds.items():
            if kind not in have:
                extra.append(keys[0])
                have.add(kind)
    return extra


def _batches(due: list[Key], size: int = BATCH) -> list[list[Key]]:
    """Whole namespaces (``due`` is sorted by kind, namespace) up to ``size`` objects per engine call."""
    by_namespace: dict[str, list[Key]] = {}
    for key in due:
        by_namespace.setdefault(key[1], []).append(key)
    batches: list[list[Key]] = []
    for namespace in sorted(by_namespace):
        keys = by_namespace[namespace]
        if not batches or len(batches[-1]) + len(keys) > size:
            batches.append([])
        batches[-1].extend(keys)
    return batches


def _merge(top: Result, judged: list[Judged], engine_s: float) -> tuple[Result, list[tuple[Finding, ...]]]:
    """The cycle's Result: the SYS findings of ``top``, then every object's (problems shared by objects,
    such as a bad waiver file, once); notes of every engine call whose results are kept; waiver usage
    from each call, for the objects whose results come from that call. And its findings in groups."""
    findings, seen = list(top.findings), {_shared(f) for f in top.findings}
    groups = [top.findings]
    for entry in judged:
        if not entry.shared:  # the usual case: nothing but the object's own findings
            findings.extend(entry.findings)
            groups.append(entry.findings)
            continue
        kept = []
        for finding in entry.findings:
            key = _shared(finding)
            if key is None or key not in seen:
                kept.append(finding)
                seen.add(key)
        findings.extend(kept)
        groups.append(tuple(kept))
    batches: dict[int, tuple[Batch, set[str]]] = {}
    for entry in judged:
        batches.setdefault(id(entry.batch), (entry.batch, set()))[1].add(entry.address)
    notes = list(top.notes)
    waivers = [dict(w) for w in top.extras.get("waivers") or ()]
    for batch, addresses in batches.values():
        notes.extend(n for n in batch.notes if n not in notes)
        if len(batch.waivers) != len(waivers):  # another configuration (cannot happen with one gate)
            continue
        for merged, used in zip(waivers, batch.waivers, strict=True):  # equal: checked above
            applied = [a for a in used.get("applied_to") or [] if a in addresses]
            merged["used"] = bool(merged.get("used")) or bool(applied)
            merged["applied_to"] = sorted(set(merged.get("applied_to") or []) | set(applied))
    engine_s = round(float(top.timings.get("engine_s", 0.0)) + engine_s, 4)
    return replace(top, findings=tuple(findings), notes=tuple(notes), extras={**top.extras, "waivers": waivers},
                   timings={"engine_s": engine_s}), groups


def _shared(finding: Finding) -> tuple[str, str, str] | None:
    """SYS findings are about inputs or configuration, not one object: the same one from two calls is one."""
    if not finding.policy_id.startswith("SYS-"):
        return None
    return finding.policy_id, finding.resource, finding.message
