"""SYS-nnn: reserved ids for problems with the run itself, reported as failing findings."""

from __future__ import annotations

from soc2gate.model import PARSE_CODES, SYS_CODES, Finding, Outcome, SourceSpan

__all__ = ["PARSE_CODES", "SYS_CODES", "sys_finding"]


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
