"""``--format policyreport``: results as ``wgpolicyk8s.io/v1alpha2`` PolicyReport objects (the version
Kyverno writes), a YAML stream ready for ``kubectl apply -f`` or archiving.

One PolicyReport per namespace for namespaced Kubernetes objects, a ClusterPolicyReport for
cluster-scoped objects, and a ClusterPolicyReport ``soc2gate-iac`` for Terraform and change records
(their address, file and line are in ``properties``). Each result: ``policy`` = our id, ``category`` =
the SOC 2 criteria, ``severity``, ``result`` (pass, fail; inconclusive -> ``warn``; waived -> ``skip``;
a problem evaluating -> ``error``), ``resources`` for Kubernetes objects. A report is split into
numbered parts before it reaches the API server's object size limit.
"""

from __future__ import annotations

import json
from collections import Counter
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
IAC = "@iac"  # the group of Terraform and change-record results (a ClusterPolicyReport)


def render(result: Result) -> str:
    reports = documents(result)
    return yaml.safe_dump_all(reports, sort_keys=False, width=1000) if reports else ""


def documents(result: Result) -> list[dict[str, Any]]:
    """The PolicyReport and ClusterPolicyReport objects for ``result``."""
    found = []
    for (kind, namespace), findings in sorted(placements(result).items()):
        found.extend(group_documents(kind, namespace, findings, result))
    return found


def placements(result: Result) -> dict[tuple[str, str], list[Finding]]:
    """(report kind, namespace) -> the findings reported there."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    for finding in result.findings:
        groups.setdefault(_placement(finding), []).append(finding)
    return groups


def group_documents(kind: str, namespace: str, findings: list[Finding], result: Result) -> list[dict[str, Any]]:
    """The report (or its numbered parts) of one placement."""
    return _reports(kind, namespace, [_result(finding, result) for finding in findings])


def _placement(finding: Finding) -> tuple[str, str]:
    """(report kind, namespace) for one finding."""
    if finding.surface != "kubernetes":
        return "ClusterPolicyReport", IAC
    kind, namespace, _ = _identity(finding)
    if kind in CLUSTER_KINDS:
        return "ClusterPolicyReport", ""
    return "PolicyReport", namespace or "default"


def _identity(finding: Finding) -> tuple[str, str, str]:
    parts = finding.resource.split("/")
    if len(parts) == 3:
        return parts[0], parts[1], parts[2]
    if len(parts) == 2:
        return parts[0], "", parts[1]
    return finding.resource_type, "", finding.resource


def _result(finding: Finding, result: Result) -> dict[str, Any]:
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


def _reports(kind: str, namespace: str, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ordered = sorted(entries, key=lambda e: (e["properties"]["resource"], e["policy"]))
    parts: list[list[dict[str, Any]]] = [[]]
    if len(json.dumps(ordered)) <= MAX_BYTES:  # the usual case: one part, measured at once
        parts = [ordered]
        ordered = []
    size = 0
    for entry in ordered:
        length = len(json.dumps(entry))
        if parts[-1] and size + length > MAX_BYTES:
            parts.append([])
            size = 0
        parts[-1].append(entry)
        size += length
    base = {IAC: "soc2gate-iac", "": "soc2gate-cluster"}.get(namespace, f"soc2gate-{namespace}")
    return [_report(kind, namespace, base if len(parts) == 1 else f"{base}-{index}", part)
            for index, part in enumerate(parts, start=1)]


def _report(kind: str, namespace: str, name: str, entries: list[dict[str, Any]]) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": name, "labels": {"app.kubernetes.io/managed-by": "soc2gate"}}
    if kind == "PolicyReport":
        metadata["namespace"] = namespace
    counts = Counter(e["result"] for e in entries)
    summary = {key: counts[key] for key in ("pass", "fail", "warn", "error", "skip")}
    return {"apiVersion": API_VERSION, "kind": kind, "metadata": metadata, "summary": summary, "results": entries}
