"""One ledger record per run: what was checked, against which rules, with what result.

The body holds no floats and no timings, so it hashes the same on every machine.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Mapping

from soc2gate.evidence.chain import SCHEMA
from soc2gate.model import Finding, Outcome, Result
from soc2gate.reporters.summary import control_summaries

FAILING = (Outcome.FAIL, Outcome.ERROR, Outcome.INCONCLUSIVE)


def utc_text(moment: datetime) -> str:
    """``2025-03-31T09:15:00Z``: the record time, always UTC."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return aware.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_record(result: Result, run_id: str, moment: datetime, ci: Mapping[str, str]) -> dict[str, Any]:
    """The record body (without ``seq``, ``prev_hash``, ``hash`` and ``signature``)."""
    return {
        "schema": SCHEMA,
        "run_id": run_id,
        "time": utc_text(moment),
        "tool": {"name": "soc2gate", "version": result.tool_version},
        "ci": dict(ci),
        "inputs": [{"path": i.path, "sha256": i.sha256, "kind": i.kind} for i in result.inputs],
        "skipped": [{"path": s.path, "reason": s.reason} for s in result.skipped],
        "policy_bundle_digest": result.bundle_digest,
        "config_digest": result.config_digest,
        "scope": {"categories": list(result.categories), "fail_on": result.fail_on, "strict": result.strict},
        "policies": sorted(p.id for p in result.policies),
        "controls": _controls(result),
        "failures": [_failure(f) for f in result.findings if f.outcome in FAILING],
        "waivers": {"applied": [_applied(f) for f in result.by_outcome(Outcome.WAIVED)],
                    "declared": _declared(result)},
        "summary": result.counts(),
        "verdict": "passed" if result.passed else "failed",
        "exit_code": result.exit_code,
        **_additions(result),
        **_comparison(result),
    }


def _additions(result: Result) -> dict[str, Any]:
    """Fields added after ``soc2gate-evidence/1`` first shipped (additive: older records lack them)."""
    from soc2gate.evidence.comparable import fingerprint, scope_of

    inputs = [{"path": i.path, "kind": i.kind} for i in result.inputs]
    scope = {"categories": list(result.categories), "fail_on": result.fail_on, "strict": result.strict}
    extra: dict[str, Any] = {"scope_fingerprint": fingerprint(scope_of(inputs, scope))}
    changes = result.extras.get("changes")
    if changes:
        extra["changes"] = [{**c, "cc81": _cc81(result, c.get("address", ""))} for c in changes]
    return extra


def _cc81(result: Result, address: str) -> str:
    """The change's CC8.1 verdict: failed, inconclusive, waived, passed, or not tested."""
    outcomes = {f.outcome for f in result.findings if f.resource == address and "CC8.1" in f.controls}
    for verdict, among in (("failed", (Outcome.FAIL, Outcome.ERROR)), ("inconclusive", (Outcome.INCONCLUSIVE,)),
                           ("waived", (Outcome.WAIVED,)), ("passed", (Outcome.PASS,))):
        if outcomes.intersection(among):
            return verdict
    return "not tested"


def _controls(result: Result) -> dict[str, dict[str, Any]]:
    return {s.control.id: {"status": s.status, **s.counts} for s in control_summaries(result)}


def _where(finding: Finding) -> tuple[str, int]:
    return (finding.span.file, finding.span.start_line) if finding.span else ("", 0)


def _failure(finding: Finding) -> dict[str, Any]:
    file, line = _where(finding)
    entry = {"policy": finding.policy_id, "controls": list(finding.controls), "outcome": finding.outcome.value,
             "severity": finding.severity, "resource": finding.resource, "file": file, "line": line}
    return {**entry, "baseline": finding.baseline} if finding.baseline else entry


def _comparison(result: Result) -> dict[str, Any]:
    """With --diff-base or a baseline file: the gate mode, what was compared, and what the change fixed.
    Existing findings stay in ``failures`` (labelled), so the ledger shows every open problem."""
    comparison = result.extras.get("comparison")
    if not comparison:
        return {}
    base = {k: v for k, v in comparison.get("diff_base", {}).items() if k != "changed_files"}
    described = {k: v for k, v in comparison.get("baseline_file", {}).items()}
    return {"comparison": {"gate": result.verdict.gate, "diff_base": base, "baseline_file": described,
                           "counts": dict(comparison.get("counts", {})),
                           "fixed": [_failure(f) for f in result.fixed]}}


def _applied(finding: Finding) -> dict[str, Any]:
    file, line = _where(finding)
    waiver = finding.waiver
    entry = {"policy": finding.policy_id, "controls": list(finding.controls), "resource": finding.resource,
             "file": file, "line": line}
    if waiver is not None:
        entry.update({"reason": waiver.reason, "approved_by": waiver.approved_by, "ticket": waiver.ticket,
                      "created": waiver.created, "expires": waiver.expires, "origin": waiver.origin,
                      "selector": dict(waiver.selector)})
    return entry


def _declared(result: Result) -> list[dict[str, Any]]:
    keep = ("policy", "selector", "origin", "reason", "approved_by", "ticket", "created", "expires", "file",
            "line", "state", "applied_to")
    return [{k: w[k] for k in keep if k in w} for w in result.extras.get("waivers", []) if isinstance(w, dict)]
