"""Policy documentation rendered from METADATA, so docs never drift from code."""

from __future__ import annotations

from pathlib import Path

from soc2gate.model import Policy


def _fixture_example(policy: Policy, kind: str) -> str:
    folder = Path(policy.path).parent / "fixtures" / kind
    files = sorted(folder.glob("*")) if folder.is_dir() else []
    if not files:
        return ""
    text = files[0].read_text(encoding="utf-8").rstrip()
    language = "hcl" if files[0].suffix == ".tf" else files[0].suffix.lstrip(".")
    return f"```{language}\n{text}\n```"


def policy_markdown(policy: Policy) -> str:
    controls = "\n".join(f"- **{cid}**: {why or '(no rationale given)'}" for cid, why in policy.controls.items())
    parts = [
        f"## {policy.id}: {policy.title}",
        f"Severity: **{policy.severity}** · surface: {policy.surface} · applies to: {', '.join(policy.resource_types)}",
        policy.description,
        f"### SOC 2 criteria\n{controls}",
        f"### Remediation\n```\n{policy.remediation}\n```",
    ]
    bad = _fixture_example(policy, "fail")
    good = _fixture_example(policy, "pass")
    if bad:
        parts.append(f"### Non-compliant example\n{bad}")
    if good:
        parts.append(f"### Compliant example\n{good}")
    if policy.checkov:
        parts.append(f"Equivalent checkov checks: {', '.join(policy.checkov)}")
    return "\n\n".join(parts) + "\n"
