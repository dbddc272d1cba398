"""SARIF 2.1.0 for GitHub code scanning: one run, a rule per evaluated policy, results for findings.

* rules carry the SOC 2 criteria and ``security`` as tags, ``security-severity`` so code
  scanning ranks them, the remediation as help and a link to the policy documentation
  (base URL ``Result.docs_url``, which the faces take from ``--docs-url`` / ``SOC2GATE_DOCS_URL``);
* failures and errors are ``kind: fail`` with a level from the severity; inconclusive
  outcomes are ``kind: review``; waived findings keep ``kind: fail`` with an accepted
  external suppression (the waiver's reason as justification); passes are not emitted;
* ``partialFingerprints`` hash policy, file, resource and attribute path (never a line
  number), so a finding keeps its identity when code above it moves;
* change-record (CC8.1) findings are code-scanning results like any other: located on the
  workflow file that ran the gate (``related.location``, from ``GITHUB_WORKFLOW_REF`` through the
  change record), else on the pseudo-location ``.soc2gate/change-records/<record id>`` (a path that is
  not a file of the repository; code scanning lists the alert without a code snippet), with the
  record's address as logical location;
* GitHub rejects a whole file when one result has no artifact URI, so any other finding without
  a file in the repository (no span, standard input, an absolute path outside the working
  directory) is written as a tool execution notification naming its rule instead of a result;
* compared with a base revision or baseline file (``--diff-base``, ``--baseline``), results carry
  ``baselineState``: ``new``, ``unchanged`` (existing), and ``absent`` for a finding of the base
  that the change fixed (``Result.fixed``, written with ``kind: pass``, ``level: none``);
* within GitHub's limits: at most ``MAX_RESULTS`` results (most severe first) and
  ``MAX_TAGS`` tags per rule; anything dropped is reported as a tool notification.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any
from urllib.parse import quote

from soc2gate.model import SYS_CODES, Finding, Outcome, Policy, Result, severity_rank
from soc2gate.reporters.locations import path_and_lines, repo_path
from soc2gate.reporters.markdown import block

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/soc2gate/soc2gate"
DEFAULT_DOCS_URL = INFORMATION_URI + "/blob/main/docs/policies.md"
FINGERPRINT_KEY = "soc2gate/v1"
MAX_RESULTS = 5000  # GitHub keeps the top 5,000 results of a run (and rejects more than 25,000)
MAX_TAGS = 10  # GitHub accepts 20 tags per rule but shows only 10
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "0.0"}
LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
EMITTED = (Outcome.FAIL, Outcome.ERROR, Outcome.INCONCLUSIVE, Outcome.WAIVED)
BASELINE_STATE = {"new": "new", "existing": "unchanged", "fixed": "absent"}


def docs_url(result: Result) -> str:
    """The page documenting every policy; anchors are the lowercased policy ids."""
    return result.docs_url.strip() or DEFAULT_DOCS_URL


def _text(value: str) -> dict[str, str]:
    return {"text": value or "-"}


def _tags(controls: Any) -> list[str]:
    return (["security"] + [str(c) for c in controls])[:MAX_TAGS]


def policy_rule(policy: Policy, base_url: str, severity: str = "", in_scope: Any = None) -> dict[str, Any]:
    """The reportingDescriptor of one policy; ``severity`` is the effective one (configuration may
    override it) and tags list only the criteria in scope (all of them when ``in_scope`` is None)."""
    severity = severity or policy.severity
    scoped = [c for c in policy.controls if in_scope is None or c in in_scope]
    controls = ", ".join(policy.controls)
    help_text = f"{policy.description}\n\nSOC 2 criteria: {controls}\n\nRemediation:\n{policy.remediation}"
    help_markdown = (f"{policy.description}\n\n**SOC 2 criteria:** {controls}\n\n**Remediation:**\n\n"
                     f"{block(policy.remediation)}")
    return {
        "id": policy.id,
        "name": _rule_name(policy.title),
        "shortDescription": _text(policy.title),
        "fullDescription": _text(policy.description),
        "help": {"text": help_text, "markdown": help_markdown},
        "helpUri": f"{base_url}#{policy.id.lower()}",
        "defaultConfiguration": {"level": LEVEL[severity]},
        "properties": {
            "tags": _tags(scoped),
            "security-severity": SECURITY_SEVERITY[severity],
            "precision": "high",
            "problem.severity": _problem_severity(severity),
            "soc2.controls": dict(policy.controls),
            "soc2gate.severity": severity,
            "soc2gate.surface": policy.surface,
        },
    }


def diagnostic_rule(code: str) -> dict[str, Any]:
    """The reportingDescriptor of a SYS-nnn diagnostic (a problem with the run itself)."""
    title = SYS_CODES[code]
    return {
        "id": code,
        "name": _rule_name(title),
        "shortDescription": _text(title),
        "fullDescription": _text(f"{title}: soc2gate could not evaluate part of the input, so the gate fails closed."),
        "help": _text("Fix the file or policy named in the message, or exclude the path in .soc2gate.yaml."),
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": ["security", "soc2gate-diagnostic"], "security-severity": SECURITY_SEVERITY["high"]},
    }


def _problem_severity(severity: str) -> str:
    return {"critical": "error", "high": "error", "medium": "warning"}.get(severity, "recommendation")


def _rule_name(title: str) -> str:
    words = re.sub(r"[^0-9A-Za-z]+", " ", title).split()
    return "".join(word[:1].upper() + word[1:] for word in words) or "Rule"


def anchored(finding: Finding) -> bool:
    """GitHub rejects a whole SARIF file if one result has no artifact URI: only these become results."""
    return path_and_lines(finding) is not None


def _location(finding: Finding) -> list[dict[str, Any]]:
    placed = path_and_lines(finding)
    if placed is None:
        return []
    path, start, end = placed
    physical: dict[str, Any] = {"artifactLocation": {"uri": quote(path), "uriBaseId": "%SRCROOT%"}}
    if start > 0:
        physical["region"] = {"startLine": start, "endLine": end}
    return [{"physicalLocation": physical,
             "logicalLocations": [{"fullyQualifiedName": finding.resource, "kind": "resource"}]}]


def fingerprint(finding: Finding) -> str:
    """Stable identity of a finding: policy, file, resource and attribute path, no line numbers
    (a change record's identity is its address: the event file differs on every run)."""
    if finding.surface == "change":
        file = "change"
    else:
        file = (repo_path(finding.span.file) or finding.span.file) if finding.span else ""
    key = "\x1f".join((finding.policy_id, file, finding.resource, finding.attribute_path))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def sarif_result(finding: Finding, rule_index: int, occurrence: int) -> dict[str, Any]:
    """One SARIF result; ``occurrence`` tells apart findings with the same identity."""
    suffix = f":{occurrence}" if occurrence else ""
    result: dict[str, Any] = {
        "ruleId": finding.policy_id,
        "ruleIndex": rule_index,
        "kind": "review" if finding.outcome is Outcome.INCONCLUSIVE else "fail",
        "level": _level(finding),
        "message": _text(finding.message),
        "locations": _location(finding),
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(finding) + suffix},
        "properties": {"outcome": finding.outcome.value, "severity": finding.severity,
                       "resource": finding.resource, "resourceType": finding.resource_type,
                       "soc2.controls": list(finding.controls)},
    }
    if finding.attribute_path:
        result["properties"]["attributePath"] = finding.attribute_path
    if finding.baseline in BASELINE_STATE:
        result["baselineState"] = BASELINE_STATE[finding.baseline]
    if finding.baseline == "fixed":  # in the base revision, gone now: not a problem of this run
        result.update(kind="pass", level="none")
    if finding.outcome is Outcome.WAIVED:
        result["suppressions"] = [_suppression(finding)]
    return result


def _level(finding: Finding) -> str:
    if finding.outcome is Outcome.INCONCLUSIVE:
        return "none"  # SARIF: a result whose kind is not "fail" has level "none"
    if finding.outcome is Outcome.ERROR:
        return "error"
    return LEVEL.get(finding.severity, "warning")


def _suppression(finding: Finding) -> dict[str, Any]:
    waiver = finding.waiver
    suppression: dict[str, Any] = {"kind": "external", "status": "accepted"}
    if waiver is not None:
        suppression["justification"] = waiver.reason
        suppression["properties"] = {"approvedBy": waiver.approved_by, "expires": waiver.expires,
                                     "ticket": waiver.ticket, "origin": waiver.origin}
    return suppression


def _priority(finding: Finding) -> tuple[int, int]:
    outcome_order = {Outcome.ERROR: 0, Outcome.FAIL: 0, Outcome.INCONCLUSIVE: 1, Outcome.WAIVED: 2}
    return (outcome_order[finding.outcome], -severity_rank(finding.severity))


def selected_findings(findings: list[Finding], limit: int = MAX_RESULTS) -> tuple[list[Finding], int]:
    """The findings to emit as results, most important first when over ``limit``, and how many were dropped."""
    if len(findings) <= limit:
        return findings, 0
    return sorted(findings, key=_priority)[:limit], len(findings) - limit


def _rules(result: Result, findings: list[Finding]) -> tuple[list[dict[str, Any]], dict[str, int]]:
    base_url = docs_url(result)
    effective = {f.policy_id: f.severity for f in result.findings}
    in_scope = {c.id for c in result.controls}
    rules = [policy_rule(p, base_url, effective.get(p.id, ""), in_scope) for p in result.policies]
    _org_tags(rules, result.extras.get("controls_map") or {})
    known = {p.id for p in result.policies}
    for code in sorted({f.policy_id for f in findings} - known):
        rules.append(diagnostic_rule(code) if code in SYS_CODES else _unknown_rule(code))
    return rules, {rule["id"]: index for index, rule in enumerate(rules)}


def _org_tags(rules: list[dict[str, Any]], mapped: dict[str, list[dict[str, str]]]) -> None:
    """The organisation's control ids (``controls_map``) as tags beside the criteria they map."""
    for rule in rules:
        tags = rule["properties"]["tags"]
        extra = [c["id"] for criterion in tags if criterion in mapped for c in mapped[criterion]]
        rule["properties"]["tags"] = (tags + [t for t in dict.fromkeys(extra) if t not in tags])[:MAX_TAGS]


def _unknown_rule(code: str) -> dict[str, Any]:
    return {"id": code, "shortDescription": _text(code), "properties": {"tags": ["security"]}}


def _results(findings: list[Finding], index: dict[str, int]) -> list[dict[str, Any]]:
    seen: dict[str, int] = {}
    results = []
    for finding in findings:
        key = fingerprint(finding)
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        results.append(sarif_result(finding, index[finding.policy_id], occurrence))
    return results


def _notification(finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    """A finding with no file in the repository (e.g. a pull-request change record), kept as a notification."""
    level = _level(finding) if finding.outcome in (Outcome.FAIL, Outcome.ERROR) else "note"
    waiver = f" (waived: {finding.waiver.reason})" if finding.waiver is not None else ""
    return {"level": level, "message": _text(f"{finding.outcome.value}: {finding.message}{waiver}"),
            "associatedRule": {"id": finding.policy_id, "index": index[finding.policy_id]},
            "properties": {"outcome": finding.outcome.value, "severity": finding.severity,
                           "resource": finding.resource, "file": finding.span.file if finding.span else ""}}


def _invocation(result: Result, dropped: int, unanchored: list[dict[str, Any]]) -> dict[str, Any]:
    notifications = [{"level": "note", "message": _text(note)} for note in result.notes] + unanchored
    if dropped:
        notifications.append({"level": "warning", "message": _text(
            f"{dropped} results were left out to stay within GitHub code scanning's limit of "
            f"{MAX_RESULTS} results per run; the JSON report has every finding")})
    invocation: dict[str, Any] = {"executionSuccessful": True, "exitCode": result.exit_code}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return invocation


def sarif_log(result: Result, limit: int = MAX_RESULTS) -> dict[str, Any]:
    """The whole SARIF log as a dict (``render`` serializes it)."""
    emitted = [f for f in result.findings if f.outcome in EMITTED]
    findings, dropped = selected_findings([f for f in emitted if anchored(f)], limit)
    unanchored = [f for f in emitted if not anchored(f)]
    findings += [f for f in result.fixed if anchored(f)][:max(limit - len(findings), 0)]
    rules, index = _rules(result, findings + unanchored)
    driver = {"name": "soc2gate", "version": result.tool_version, "semanticVersion": result.tool_version,
              "informationUri": INFORMATION_URI, "rules": rules}
    run = {
        "tool": {"driver": driver},
        "invocations": [_invocation(result, dropped, [_notification(f, index) for f in unanchored])],
        "results": _results(findings, index),
        "columnKind": "utf16CodeUnits",
        "properties": {"verdict": "passed" if result.passed else "failed", "failOn": result.fail_on,
                       "strict": result.strict, "counts": result.counts(),
                       "policyBundleDigest": result.bundle_digest, "configDigest": result.config_digest,
                       "configFile": result.extras.get("config_file") or "defaults",
                       "unit": "result = one (policy, resource) finding", "blocking": len(result.blocking())},
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(result: Result) -> str:
    return json.dumps(sarif_log(result), indent=2, ensure_ascii=False) + "\n"
