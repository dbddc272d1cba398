"""SYS-nnn: reserved ids for problems with the run itself, reported as failing findings."""

from __future__ import annotations

from soc2gate.model import Finding, Outcome, SourceSpan

SYS_CODES: dict[str, str] = {
    "SYS-001": "Input could not be parsed",
    "SYS-002": "Input could not be read as text",
    "SYS-003": "Policy evaluation failed",
    "SYS-004": "Configuration or waiver problem",
    "SYS-005": "Unsupported input",
    "SYS-006": "External engine failed",
}
PARSE_CODES = frozenset({"SYS-001", "SYS-002"})


def sys_finding(code: str, file: str, line: int, message: str, resource: str = "") -> Finding:
    """A failing diagnostic finding that names the file and line."""
    if code not in SYS_CODES:
        raise KeyError(f"unknown diagnostic code {code}")
    return Finding(
        policy_id=code,
        outcome=Outcome.ERROR,
        severity="high",
        controls=(),
        resource=resource or file,
        resource_type="file",
        message=message,
        span=SourceSpan(file, line, line) if file else None,
        surface="",
        engine="soc2gate",
    )
