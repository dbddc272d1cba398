"""The normalized model every stage shares.

Plain frozen dataclasses; this module imports nothing else of soc2gate so that
parsers, engines, waivers and reporters can all depend on it without cycles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Mapping, Sequence

SEVERITIES: tuple[str, ...] = ("info", "low", "medium", "high", "critical")
SURFACES: tuple[str, ...] = ("terraform", "kubernetes", "change")
INPUT_TYPES: tuple[str, ...] = ("terraform", "plan", "kubernetes", "change")  # what `-` (standard input) can hold
# Kubernetes kinds that carry a pod template (parsers normalize their pod spec; policies say ``@workload``)
WORKLOAD_KINDS: tuple[str, ...] = ("Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet",
                                   "ReplicationController", "Job", "CronJob", "PodTemplate")


def severity_rank(severity: str) -> int:
    """Order of a severity name: info=0 … critical=4."""
    return SEVERITIES.index(severity)


def control_order(control_id: str) -> tuple[int, tuple[int, ...]]:
    """Sort key for criteria ids: CC1.1 < CC1.2 < … < CC9.2 < A1.1 …, in the order of the TSC document."""
    prefix = control_id.rstrip("0123456789.")
    order = {"CC": 0, "A": 1, "C": 2, "PI": 3, "P": 4}.get(prefix, 9)
    numbers = tuple(int(n) for n in control_id[len(prefix):].split(".") if n.isdigit())
    return (order, numbers)


class Outcome(str, Enum):
    """What one (policy, resource) evaluation concluded."""

    PASS = "pass"
    FAIL = "fail"
    INCONCLUSIVE = "inconclusive"
    ERROR = "error"
    WAIVED = "waived"


@dataclass(frozen=True)
class SourceSpan:
    """Where something stands in a user's file (1-based, inclusive lines)."""

    file: str
    start_line: int = 0
    end_line: int = 0

    def location(self) -> str:
        return f"{self.file}:{self.start_line}" if self.start_line else self.file


@dataclass(frozen=True)
class Resource:
    """One thing a policy can judge: a Terraform block, a Kubernetes object, a change record.

    ``attributes`` holds plain JSON values.  ``unknown`` maps dotted attribute paths
    (list indices dropped) to the expression that could not be resolved.
    ``links`` maps a linked resource type to the linked resources' JSON documents
    (for example an ``aws_s3_bucket``'s separate encryption configuration).
    ``line_of`` maps dotted attribute paths to their 1-based line, where known.
    """

    surface: str
    type: str
    name: str
    address: str
    span: SourceSpan
    attributes: Mapping[str, Any] = field(default_factory=dict)
    unknown: Mapping[str, str] = field(default_factory=dict)
    links: Mapping[str, Any] = field(default_factory=dict)
    line_of: Mapping[str, int] = field(default_factory=dict)
    meta: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Control:
    """A SOC 2 Trust Services Criterion."""

    id: str
    title: str
    category: str


@dataclass(frozen=True)
class Policy:
    """A policy's metadata, read from its ``# METADATA`` block."""

    id: str
    title: str
    description: str
    severity: str
    surface: str
    controls: Mapping[str, str]
    remediation: str
    package: str
    path: str
    resource_types: tuple[str, ...] = ()
    inconclusive_if_unknown: tuple[str, ...] = ()
    checkov: tuple[str, ...] = ()          # equivalent: same verdicts on the same resources (measured)
    kics: tuple[str, ...] = ()
    requirement: str = ""
    source: str = ""
    related_checkov: Mapping[str, str] = field(default_factory=dict)  # id -> why it is not equivalent
    related_kics: Mapping[str, str] = field(default_factory=dict)
    # the Rego names the resources it applies to (an `applicable` set of resource ids): the others of its
    # resource types get no result at all, instead of a pass (a kube-apiserver flag on an nginx Deployment)
    scoped: bool = False


@dataclass(frozen=True)
class Waiver:
    """An approved, expiring exception for one policy on selected resources."""

    policy_id: str
    selector: Mapping[str, str]
    reason: str
    approved_by: str
    expires: str
    ticket: str = ""
    created: str = ""
    origin: str = "central"
    span: SourceSpan | None = None


@dataclass(frozen=True)
class Finding:
    """The outcome of one policy on one resource (or one SYS diagnostic)."""

    policy_id: str
    outcome: Outcome
    severity: str
    controls: tuple[str, ...]
    resource: str
    resource_type: str
    message: str
    span: SourceSpan | None = None
    surface: str = ""
    attribute_path: str = ""
    unknown_expression: str = ""
    waiver: Waiver | None = None
    engine: str = "regorus"
    related: Mapping[str, Any] = field(default_factory=dict)
    baseline: str = ""  # "new" | "existing" once classified against a base revision or baseline file


SYS_CODES: Mapping[str, str] = {  # reserved ids for problems with the run itself (diagnostics.sys_finding)
    "SYS-001": "Input could not be parsed",
    "SYS-002": "Input could not be read as text",
    "SYS-003": "Policy evaluation failed",
    "SYS-004": "Configuration or waiver problem",
    "SYS-005": "Unsupported input",
    "SYS-006": "External engine failed",
}
PARSE_CODES: frozenset[str] = frozenset({"SYS-001", "SYS-002"})
GATE_MODES: tuple[str, ...] = ("all", "new")


@dataclass(frozen=True)
class Verdict:
    """The one place that decides whether a finding blocks the gate, and the exit code.

    ``fail_on``: lowest failing severity that blocks; ``strict``: inconclusive blocks;
    ``allow_parse_errors``: unparsable/unreadable inputs (SYS-001/002) do not block;
    ``gate``: ``all`` (every finding counts) or ``new`` (findings classified ``existing``
    against a base revision or baseline file do not block, errors excepted: fail closed).
    """

    fail_on: str = "low"
    strict: bool = False
    allow_parse_errors: bool = False
    gate: str = "all"

    def blocks(self, finding: Finding) -> bool:
        """Whether this one finding fails the gate."""
        if finding.outcome is Outcome.ERROR:
            return not (self.allow_parse_errors and finding.policy_id in PARSE_CODES)
        if self.gate == "new" and finding.baseline == "existing":
            return False
        if finding.outcome is Outcome.FAIL:
            return severity_rank(finding.severity) >= severity_rank(self.fail_on)
        return finding.outcome is Outcome.INCONCLUSIVE and self.strict

    def passes(self, findings: Sequence[Finding]) -> bool:
        return not any(self.blocks(f) for f in findings)

    def exit_code(self, findings: Sequence[Finding]) -> int:
        return 0 if self.passes(findings) else 1


@dataclass(frozen=True)
class InputFile:
    """A file the run read, with its digest (evidence of what was checked)."""

    path: str
    sha256: str
    kind: str
    resources: int = 0


@dataclass(frozen=True)
class Skipped:
    """A path the run did not evaluate, and why."""

    path: str
    reason: str


@dataclass(frozen=True)
class Result:
    """Everything one gate run concluded; reporters render only this."""

    tool_version: str
    bundle_digest: str
    config_digest: str
    findings: tuple[Finding, ...]
    policies: tuple[Policy, ...]
    controls: tuple[Control, ...]
    inputs: tuple[InputFile, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    categories: tuple[str, ...] = ("security",)
    verdict: Verdict = field(default_factory=Verdict)
    notes: tuple[str, ...] = ()
    timings: Mapping[str, float] = field(default_factory=dict)
    docs_url: str = ""  # the policy documentation reports link to ("" = the project's own docs/policies.md)
    extras: Mapping[str, Any] = field(default_factory=dict)
    fixed: tuple[Finding, ...] = ()  # problems of the base revision the change removed (baseline "fixed")

    @property
    def passed(self) -> bool:
        return self.verdict.passes(self.findings)

    @property
    def exit_code(self) -> int:
        return self.verdict.exit_code(self.findings)

    @property
    def fail_on(self) -> str:
        return self.verdict.fail_on

    @property
    def strict(self) -> bool:
        return self.verdict.strict

    def blocking(self) -> list[Finding]:
        """The findings that fail the gate, as the verdict decides."""
        return [f for f in self.findings if self.verdict.blocks(f)]

    def by_outcome(self, outcome: Outcome) -> list[Finding]:
        return [f for f in self.findings if f.outcome is outcome]

    def counts(self) -> dict[str, int]:
        totals = {o.value: 0 for o in Outcome}
        for finding in self.findings:
            totals[finding.outcome.value] += 1
        return totals
