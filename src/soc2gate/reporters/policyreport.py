"""``--format policyreport``: results as ``wgpolicyk8s.io/v1alpha2`` PolicyReport objects (the version
Kyverno writes), a YAML stream ready for ``kubectl apply -f`` or archiving.

One PolicyReport per namespace for namespaced Kubernetes objects, a ClusterPolicyReport for
cluster-scoped objects, and a ClusterPolicyReport ``soc2gate-iac`` for Terraform and change records
(their address, file and line are in ``properties``). Each result: ``policy`` = our id, ``category`` =
the SOC 2 criteria, ``severity``, ``result`` (pass, fail; inconclusive -> ``warn``; waived -> ``skip``;
a problem evaluating -> ``error``), ``resources`` for Kubernetes objects.

Parts: a report with more than ``PART_RESOURCES`` resources is split into N parts (N a power of two,
the smallest keeping the average at or below ``PART_RESOURCES``); a resource's part is
sha256(resource identity) mod N, so it stays in its part while N stays (the monitor keeps N while the
count is within a factor of two or four of it: hysteresis), and one changed object rewrites exactly one
part. Parts are named ``soc2gate-<namespace>-p<i>`` and labelled ``soc2gate.io/group``,
``soc2gate.io/part`` and ``soc2gate.io/parts``. A part over ``MAX_BYTES`` (the API server's object
size limit) is split further into numbered pieces (``-2``, ``-3``...): the hard cap.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from itertools import groupby
from operator import attrgetter
from typing import Any

import yaml

from soc2gate.model import Finding, Outcome, Result

API_VERSION = "wgpolicyk8s.io/v1alpha2"
RESULTS = {Outcome.PASS: "pass", Outcome.FAIL: "fail", Outcome.INCONCLUSIVE: "warn", Outcome.WAIVED: "skip",
           Outcome.ERROR: "error"}
CLUSTER_KINDS = frozenset({"Namespace", "ClusterRole", "ClusterRoleBinding", "Node", "PersistentVolume",
                           "StorageClass", "CustomResourceDefinition", "ValidatingWebhookConfiguration",
                           "MutatingWebhookConfiguration", "PriorityClass", "IngressClass"})
MAX_BYTES = 1_000_000  # below etcd's 1.5 MiB request limit, with room for server-side fields
MAX_MESSAGE = 1024
PART_RESOURCES = 4  # resources per part, on average at most (between 2 and 4 once split): ~10-40 KB
GROUP_LABEL, PART_LABEL, PARTS_LABEL = "soc2gate.io/group", "soc2gate.io/part", "soc2gate.io/parts"
IAC = "@iac"  # the group of Terraform and change-record results (a ClusterPolicyReport)


def render(result: Result) -> str:
    reports = documents(result)
    return yaml.safe_dump_all(reports, sort_keys=False, width=1000) if reports else ""


def documents(result: Result) -> list[dict[str, Any]]:
    """The PolicyReport and ClusterPolicyReport objects for ``result``."""
    found = []
    for (kind, namespace), findings in sorted(placements(result).items()):
        count, parts = partition(findings)
        for part, members in sorted(parts.items()):
            found.extend(part_documents(kind, namespace, (part, count), members, result))
    return found


def placements(result: Result) -> dict[tuple[str, str], list[Finding]]:
    """(report kind, namespace) -> the findings reported there (placed once per run of findings about
    the same resource: a monitor places a whole cluster's findings in every cycle)."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    for _, run in groupby(result.findings, key=attrgetter("resource", "surface", "resource_type")):
        findings = list(run)
        groups.setdefault(_placement(findings[0]), []).extend(findings)
    return groups


def part_count(resources: int, previous: int | None = None) -> int:
    """The number of parts for ``resources`` distinct resources: the smallest power of two keeping the
    average at or below ``PART_RESOURCES``; ``previous`` (the count used last time) is kept while the
    average stays between a quarter of the target and twice it, so a count near a boundary does not
    move every resource back and forth."""
    if previous and previous * PART_RESOURCES // 4 < resources <= previous * PART_RESOURCES * 2:
        return previous
    count = 1
    while resources > count * PART_RESOURCES:
        count *= 2
    return count


def partition(findings: list[Finding], previous: int | None = None) -> tuple[int, dict[int, list[Finding]]]:
    """(N, part -> its findings): every finding of a resource lands in part sha256(resource) mod N."""
    runs = [(resource, list(run)) for resource, run in groupby(findings, key=attrgetter("resource"))]
    count = part_count(len({resource for resource, _ in runs}), previous)
    parts: dict[int, list[Finding]] = {}
    for resource, run in runs:
        parts.setdefault(_bucket(resource) % count, []).extend(run)
    return count, parts


@lru_cache(maxsize=1 << 16)
def _bucket(resource: str) -> int:
    return int.from_bytes(hashlib.sha256(resource.encode()).digest()[:8], "big")


def part_documents(kind: str, namespace: str, part: tuple[int, int], findings: list[Finding], result: Result,
                   entry: Callable[[Finding], dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The report of part ``part`` = (index, N) of one placement (in pieces if over ``MAX_BYTES``);
    ``entry`` gives a finding's result entry (``result_entry``; a caller may hand out ones it built before)."""
    return _reports(kind, namespace, part, [entry(f) if entry else result_entry(f, result) for f in findings])


def _placement(finding: Finding) -> tuple[str, str]:
    """(report kind, namespace) for one finding."""
    if finding.surface != "kubernetes":
        return "ClusterPolicyReport", IAC
    return _kubernetes_placement(finding.resource, finding.resource_type)


@lru_cache(maxsize=1 << 16)  # the monitor places every finding of the cluster in every cycle
def _kubernetes_placement(resource: str, resource_type: str) -> tuple[str, str]:
    kind, namespace, _ = _split(resource, resource_type)
    if kind in CLUSTER_KINDS:
        return "ClusterPolicyReport", ""
    return "PolicyReport", namespace or "default"


def _identity(finding: Finding) -> tuple[str, str, str]:
    return _split(finding.resource, finding.resource_type)


def _split(resource: str, resource_type: str) -> tuple[str, str, str]:
    parts = resource.split("/")
    if len(parts) == 3:
        return parts[0], parts[1], parts[2]
    if len(parts) == 2:
        return parts[0], "", parts[1]
    return resource_type, "", resource


def result_entry(finding: Finding, result: Result) -> dict[str, Any]:
    """One finding as a report's result (depends on the finding and ``result.verdict`` only)."""
    entry: dict[str, Any] = {
        "policy": finding.policy_id,
        "source": "soc2gate",
        "category": ", ".join(finding.controls) or "SOC 2",
        "result": RESULTS[finding.outcome],
        "scored": True,
        "message": finding.message[:MAX_MESSAGE],
        "properties": _properties(finding, result),
    }
    if finding.severity in ("critical", "high", "medium", "low", "info"):
        entry["severity"] = finding.severity
    if finding.surface == "kubernetes":
        kind, namespace, name = _identity(finding)
        reference = {"kind": kind, "name": name}
        if namespace or kind not in CLUSTER_KINDS:
            reference["namespace"] = namespace or "default"
        entry["resources"] = [reference]
    return entry


def _properties(finding: Finding, result: Result) -> dict[str, str]:
    """Flat string properties (the CRD's convention): where, what, and why it does not block."""
    properties = {"controls": ",".join(finding.controls), "outcome": finding.outcome.value,
                  "blocking": str(result.verdict.blocks(finding)).lower(), "resource": finding.resource}
    if finding.span is not None:
        properties["file"] = finding.span.file
        properties["line"] = str(finding.span.start_line)
    if finding.attribute_path:
        properties["attribute"] = finding.attribute_path
    if finding.waiver is not None:
        properties.update({"waiver.reason": finding.waiver.reason, "waiver.approved_by": finding.waiver.approved_by,
                           "waiver.expires": finding.waiver.expires})
    if finding.baseline:
        properties["baseline"] = finding.baseline
    return properties


def _reports(kind: str, namespace: str, part: tuple[int, int], entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ordered = sorted(entries, key=lambda e: (e["properties"]["resource"], e["policy"]))
    pieces: list[list[dict[str, Any]]] = [[]]
    if len(json.dumps(ordered)) <= MAX_BYTES:  # the usual case: one piece, measured at once
        pieces = [ordered]
        ordered = []
    size = 0
    for entry in ordered:
        length = len(json.dumps(entry))
        if pieces[-1] and size + length > MAX_BYTES:
            pieces.append([])
            size = 0
        pieces[-1].append(entry)
        size += length
    group = {IAC: "iac", "": "cluster"}.get(namespace, namespace)
    base = f"soc2gate-{group}" if part[1] == 1 else f"soc2gate-{group}-p{part[0]}"
    labels = {GROUP_LABEL: group, PART_LABEL: str(part[0]), PARTS_LABEL: str(part[1])}
    return [_report(kind, namespace, base if len(pieces) == 1 else f"{base}-{index}", piece, labels)
            for index, piece in enumerate(pieces, start=1)]


def _report(kind: str, namespace: str, name: str, entries: list[dict[str, Any]],
            labels: dict[str, str]) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": name, "labels": {"app.kubernetes.io/managed-by": "soc2gate", **labels}}
    if kind == "PolicyReport":
        metadata["namespace"] = namespace
    counts = Counter(e["result"] for e in entries)
    summary = {key: counts[key] for key in ("pass", "fail", "warn", "error", "skip")}
    return {"apiVersion": API_VERSION, "kind": kind, "metadata": metadata, "summary": summary, "results": entries}
