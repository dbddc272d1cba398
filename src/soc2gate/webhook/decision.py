"""Turn one object's findings into an admission decision.

A failing finding goes by its policy's mode (``webhook.mode``, overridden per policy by
``webhook.enforcement``): enforce denies when the gate's ``Verdict`` says the finding blocks
(its severity reaches ``fail_on``; an inconclusive one under ``strict``) and warns otherwise,
warn allows with a warning, audit allows and only logs.  Waived findings are allowed and
logged.  A policy that failed to evaluate is an internal error, answered per
``webhook.failure_mode``; any other SYS finding (a malformed waiver annotation on the
object) is judged like a failure under ``webhook.mode``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from soc2gate.model import Finding, Outcome, Verdict, control_order, severity_rank
from soc2gate.webhook.settings import WebhookSettings

MAX_WARNING = 256  # the apiserver may truncate longer warnings
MAX_WARNINGS = 12
MAX_LINES = 20
POLICY_ERROR = "SYS-003"  # finding lines in a denial message


@dataclass(frozen=True)
class Decision:
    """What the webhook answers, and everything its decision log line records."""

    outcome: str  # allowed | denied | warned | audited | excluded | error
    allowed: bool
    code: int = 200
    reason: str = ""
    message: str = ""
    warnings: tuple[str, ...] = ()
    denied: tuple[str, ...] = ()
    warned: tuple[str, ...] = ()
    audited: tuple[str, ...] = ()
    waived: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()
    controls: tuple[str, ...] = ()
    skipped: Mapping[str, str] = field(default_factory=dict)

    def annotations(self) -> dict[str, str]:
        """auditAnnotations: the decision lands in the apiserver's audit log too."""
        notes = {"decision": self.outcome}
        failing = self.denied + self.warned + self.audited
        if failing:
            notes["policies"] = ",".join(failing)
        if self.controls:
            notes["controls"] = ",".join(self.controls)
        if self.waived:
            notes["waived-policies"] = ",".join(self.waived)
        if self.skipped:
            notes["not-evaluated-policies"] = ",".join(sorted(self.skipped))
        return notes


@dataclass
class _Sorted:
    deny: list[Finding] = field(default_factory=list)
    warn: list[Finding] = field(default_factory=list)
    audit: list[Finding] = field(default_factory=list)
    waived: list[Finding] = field(default_factory=list)
    errors: list[Finding] = field(default_factory=list)


def decide(findings: Sequence[Finding], settings: WebhookSettings, verdict: Verdict,
           skipped: Mapping[str, str], target: str) -> Decision:
    """The decision for one admission request's findings (context policies already removed)."""
    parts = _sort(findings, settings, verdict)
    failing = parts.deny + parts.warn + parts.audit
    common: dict[str, Any] = dict(
        warnings=tuple(_warning(f) for f in parts.warn[:MAX_WARNINGS]),
        denied=_ids(parts.deny), warned=_ids(parts.warn), audited=_ids(parts.audit),
        waived=_ids(parts.waived), errors=tuple(dict.fromkeys(f.resource or f.policy_id for f in parts.errors)),
        controls=_controls(failing), skipped=dict(skipped),
    )
    if parts.deny:
        return Decision("denied", False, 403, "Forbidden", _denial(target, parts.deny, skipped), **common)
    if parts.errors:
        return failure(settings, "; ".join(f.message for f in parts.errors), target, common)
    outcome = "warned" if parts.warn else "audited" if parts.audit else "allowed"
    return Decision(outcome, True, **common)


def failure(settings: WebhookSettings, reason: str, target: str, common: dict[str, Any] | None = None) -> Decision:
    """An internal error (evaluation crashed, deadline passed), answered per failure_mode."""
    common = dict(common or {})
    if settings.failure_mode == "allow":
        note = f"soc2gate could not evaluate {target}: {reason}; allowed (webhook.failure_mode: allow)"
        common["warnings"] = tuple(common.get("warnings", ())) + (_clip(note),)
        return Decision("error", True, message=note, **common)
    message = f"soc2gate could not evaluate {target}: {reason}; denied (webhook.failure_mode: deny)"
    return Decision("error", False, 500, "InternalError", message, **common)


def excluded(reason: str) -> Decision:
    return Decision("excluded", True, message=reason)


def _sort(findings: Sequence[Finding], settings: WebhookSettings, verdict: Verdict) -> _Sorted:
    parts = _Sorted()
    for finding in findings:
        if finding.outcome is Outcome.WAIVED:
            parts.waived.append(finding)
        elif finding.outcome is Outcome.ERROR and finding.policy_id == POLICY_ERROR:
            parts.errors.append(finding)
        elif finding.outcome in (Outcome.FAIL, Outcome.INCONCLUSIVE, Outcome.ERROR):
            # a SYS finding other than SYS-003 (a malformed waiver annotation on the object) goes by
            # webhook.mode; a policy's finding by its own mode
            mode = settings.mode if finding.outcome is Outcome.ERROR else settings.mode_of(finding.policy_id)
            if mode == "audit":
                parts.audit.append(finding)
            elif mode == "enforce" and verdict.blocks(finding):
                parts.deny.append(finding)
            else:
                parts.warn.append(finding)
    return parts


def _ids(findings: Sequence[Finding]) -> tuple[str, ...]:
    return tuple(sorted({f.policy_id for f in findings}))


def _controls(findings: Sequence[Finding]) -> tuple[str, ...]:
    return tuple(sorted({c for f in findings for c in f.controls}, key=control_order))


def _clip(text: str) -> str:
    return text if len(text) <= MAX_WARNING else text[: MAX_WARNING - 1] + "…"


def _warning(finding: Finding) -> str:
    controls = ",".join(finding.controls)
    prefix = "inconclusive: " if finding.outcome is Outcome.INCONCLUSIVE else ""
    return _clip(f"soc2gate {finding.policy_id} [{controls}] {prefix}{finding.message}")


def _denial(target: str, denied: Sequence[Finding], skipped: Mapping[str, str]) -> str:
    ids = _ids(denied)
    lines = [f"soc2gate denied {target}: {len(ids)} SOC 2 polic{'y' if len(ids) == 1 else 'ies'} failed"]
    ordered = sorted(denied, key=lambda f: (-severity_rank(f.severity), f.policy_id))
    for finding in ordered[:MAX_LINES]:
        lines.append(f"- {finding.policy_id} [{', '.join(finding.controls)}] {finding.severity}: {finding.message}")
    if len(ordered) > MAX_LINES:
        lines.append(f"- ... and {len(ordered) - MAX_LINES} more finding(s) of the same policies")
    lines.append(f"Policies: {', '.join(ids)}. SOC 2 controls: {', '.join(_controls(denied))}.")
    if skipped:
        lines.append("Not evaluated at admission (need other objects; run `soc2gate audit`): "
                     + ", ".join(sorted(skipped)) + ".")
    return "\n".join(lines)
