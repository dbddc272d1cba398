"""Human-readable report: grouped by SOC 2 control, file:line per failure, one-line verdict."""

from __future__ import annotations

from soc2gate.model import Finding, Outcome, Result
from soc2gate.reporters.summary import control_summaries, diagnostics

_COLOURS = {"fail": "31", "error": "31", "inconclusive": "33", "waived": "36", "pass": "32", "bold": "1"}
SHOWN = (Outcome.FAIL, Outcome.INCONCLUSIVE, Outcome.WAIVED)


def _paint(text: str, style: str, color: bool) -> str:
    return f"\033[{_COLOURS[style]}m{text}\033[0m" if color else text


def _line(finding: Finding, color: bool) -> str:
    where = finding.span.location() if finding.span else "-"
    label = _paint(finding.outcome.value.upper(), finding.outcome.value, color)
    return f"  {label:<12} {finding.policy_id:<8} {finding.severity:<8} {where}  {finding.message}"


def render(result: Result, color: bool = False) -> str:
    lines: list[str] = []
    for summary in control_summaries(result):
        shown = [f for f in summary.findings if f.outcome in SHOWN]
        if not shown:
            continue
        header = f"{summary.control.id} {summary.control.title}" + (f" [{summary.org_label}]" if summary.org else "")
        counts = ", ".join(f"{summary.counts[o.value]} {o.value}" for o in Outcome if summary.counts[o.value])
        lines.append(_paint(header, "bold", color) + f"  ({counts})")
        lines.extend(_line(f, color) for f in sorted(shown, key=_order))
        lines.append("")
    problems = diagnostics(result)
    if problems:
        lines.append(_paint("Problems with the inputs or policies", "bold", color))
        lines.extend(_line(f, color) for f in problems)
        lines.append("")
    lines.extend(_not_evaluated(result, color))
    if result.notes:
        lines.append(_paint("Warnings", "bold", color))
        lines.extend(f"  {_paint('WARNING', 'inconclusive', color)} {note}" for note in result.notes)
        lines.append("")
    lines.append(_verdict(result, color))
    return "\n".join(lines) + "\n"


ORDINARY_SKIP = "not an input type soc2gate reads"


def _not_evaluated(result: Result, color: bool) -> list[str]:
    """Every path the run did not evaluate, with why (files of other types are only counted)."""
    notable = [s for s in result.skipped if s.reason != ORDINARY_SKIP]
    others = len(result.skipped) - len(notable)
    if not result.skipped:
        return []
    lines = [_paint("Not evaluated", "bold", color)]
    lines.extend(f"  {s.path}: {s.reason}" for s in notable)
    if others:
        lines.append(f"  and {others} file(s) of other types (listed in the JSON report)")
    return lines + [""]


def _order(finding: Finding) -> tuple:
    return (finding.outcome is not Outcome.FAIL, finding.span.file if finding.span else "",
            finding.span.start_line if finding.span else 0, finding.policy_id)


def _verdict(result: Result, color: bool) -> str:
    counts = result.counts()
    resources = len({(f.resource, f.span.file if f.span else "") for f in result.findings if f.controls})
    detail = (f"{counts['fail']} failed, {counts['inconclusive']} inconclusive, {counts['waived']} waived, "
              f"{counts['error']} errors, {counts['pass']} passed across {resources} resources, "
              f"{len(result.policies)} policies, {len(result.inputs)} files; "
              f"SOC 2 categories in scope: {', '.join(result.categories)}")
    if result.passed:
        return _paint("PASSED", "pass", color) + f": {detail}"
    return _paint("FAILED", "fail", color) + f": {detail} (fail-on {result.fail_on}{', strict' if result.strict else ''})"
