"""JSON report, schema ``soc2gate-report`` version 1 (docs/report-format.md, schemas/report.schema.json)."""

from __future__ import annotations

import json
from typing import Any

from soc2gate.model import Finding, Result
from soc2gate.reporters.summary import control_summaries, policy_titles

SCHEMA = "https://soc2gate.dev/schemas/report/v1"
SCHEMA_VERSION = "1.0"


def finding_dict(finding: Finding, titles: dict[str, str]) -> dict[str, Any]:
    span = finding.span
    data: dict[str, Any] = {
        "policy": finding.policy_id,
        "title": titles.get(finding.policy_id, ""),
        "controls": list(finding.controls),
        "severity": finding.severity,
        "outcome": finding.outcome.value,
        "resource": finding.resource,
        "resource_type": finding.resource_type,
        "surface": finding.surface,
        "file": span.file if span else "",
        "line": span.start_line if span else 0,
        "end_line": span.end_line if span else 0,
        "message": finding.message,
        "attribute_path": finding.attribute_path,
        "unknown_expression": finding.unknown_expression,
        "engine": finding.engine,
        "waiver": _waiver(finding),
    }
    if finding.related:
        data["related"] = dict(finding.related)
    if finding.baseline:
        data["baseline"] = finding.baseline  # new | existing | fixed (docs/adopting.md)
    return data


def _waiver(finding: Finding) -> dict[str, Any] | None:
    waiver = finding.waiver
    if waiver is None:
        return None
    return {"reason": waiver.reason, "approved_by": waiver.approved_by, "ticket": waiver.ticket,
            "expires": waiver.expires, "origin": waiver.origin}


def report_dict(result: Result) -> dict[str, Any]:
    titles = policy_titles(result)
    return {
        "$schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "soc2gate", "version": result.tool_version},
        "verdict": "passed" if result.passed else "failed",
        "exit_code": result.exit_code,
        "fail_on": result.fail_on,
        "strict": result.strict,
        "policy_bundle_digest": result.bundle_digest,
        "config_digest": result.config_digest,
        "scope": {"categories": list(result.categories)},
        "config_file": result.extras.get("config_file") or "defaults",
        "summary": result.counts(),
        "unit": "finding: one (policy, resource) outcome",
        "blocking": len(result.blocking()),
        "uncovered_resource_types": list(result.extras.get("uncovered") or []),
        "inputs": [{"path": i.path, "sha256": i.sha256, "kind": i.kind, "resources": i.resources} for i in result.inputs],
        "skipped": [{"path": s.path, "reason": s.reason} for s in result.skipped],
        "policies": [{"id": p.id, "title": p.title, "severity": p.severity, "controls": list(p.controls)}
                     for p in result.policies],
        "controls": [_control(s) for s in control_summaries(result)],
        "findings": [finding_dict(f, titles) for f in result.findings],
        "notes": list(result.notes),
        "timings": dict(result.timings),
        **_comparison(result, titles),
        **_extras(result),
    }


def _extras(result: Result) -> dict[str, Any]:
    extras = {k: v for k, v in result.extras.items() if k not in _TOP_LEVEL}
    return {"extras": extras} if extras else {}


_TOP_LEVEL = frozenset({"config_file", "uncovered"})


def _comparison(result: Result, titles: dict[str, str]) -> dict[str, Any]:
    """``gate`` and ``fixed`` (base findings the change removed) when the run was compared."""
    if "comparison" not in result.extras:
        return {}
    return {"gate": result.verdict.gate, "fixed": [finding_dict(f, titles) for f in result.fixed]}


def _control(summary: Any) -> dict[str, Any]:
    return {"id": summary.control.id, "title": summary.control.title, "category": summary.control.category,
            "status": summary.status, "policies": summary.policies, **summary.counts,
            **({"org_controls": summary.org} if summary.org else {})}


def render(result: Result) -> str:
    return json.dumps(report_dict(result), indent=2, sort_keys=False) + "\n"
