"""Per-control tallies shared by the JSON, text, JUnit and Markdown reporters."""

from __future__ import annotations

from dataclasses import dataclass, field

from soc2gate.model import Control, Finding, Outcome, Result


@dataclass
class ControlSummary:
    control: Control
    policies: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {o.value: 0 for o in Outcome})
    findings: list[Finding] = field(default_factory=list)
    org: list[dict[str, str]] = field(default_factory=list)  # the organisation's controls (controls_map)

    @property
    def org_label(self) -> str:
        """``CM-02 Changes are approved; CM-03 …``; empty when no control of yours is mapped."""
        return "; ".join(f"{c['id']} {c.get('name', '')}".strip() for c in self.org)

    @property
    def status(self) -> str:
        if self.counts["fail"] or self.counts["error"]:
            return "failed"
        if self.counts["inconclusive"]:
            return "inconclusive"
        if not self.findings:
            return "not tested" if not self.policies else "no resources"
        return "passed"


def control_summaries(result: Result) -> list[ControlSummary]:
    """One entry per in-scope criterion, in TSC order, with the policies that test it."""
    mapped = result.extras.get("controls_map") or {}
    summaries = {c.id: ControlSummary(c, org=list(mapped.get(c.id, []))) for c in result.controls}
    for policy in result.policies:
        for control_id in policy.controls:
            if control_id in summaries:
                summaries[control_id].policies.append(policy.id)
    for finding in result.findings:
        for control_id in finding.controls:
            if control_id in summaries:
                summaries[control_id].counts[finding.outcome.value] += 1
                summaries[control_id].findings.append(finding)
    return list(summaries.values())


def diagnostics(result: Result) -> list[Finding]:
    """Findings with no control (SYS-nnn): problems with the run itself."""
    return [f for f in result.findings if not f.controls]


def policy_titles(result: Result) -> dict[str, str]:
    return {p.id: p.title for p in result.policies}
