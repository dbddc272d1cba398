"""Render an evidence report (``report.build_report``) as Markdown for an auditor."""

from __future__ import annotations

from typing import Any, Sequence

from soc2gate.evidence.report_admission import render_markdown as admission_markdown


def duration(seconds: int | None) -> str:
    """``3d 4h``, ``2h 5m``, ``45m``, ``30s``; ``-`` when unknown."""
    if seconds is None:
        return "-"
    days, rest = divmod(int(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    return f"{minutes}m" if minutes else f"{secs}s"


def _cell(value: Any) -> str:
    text = "-" if value in (None, "") else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return lines + [""]


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def _header(report: dict[str, Any]) -> list[str]:
    period = report["period"]
    filters = ", ".join(f"{k} `{v}`" for k, v in report["filters"].items() if v)
    lines = ["# SOC 2 evidence report", "",
             f"- Ledger: `{report['ledger']}`",
             f"- Period (UTC): {period['from'] or 'start of ledger'} to {period['to'] or 'end of ledger'}"
             + (f" — {filters}" if filters else "")]
    integrity = report["integrity"]
    if integrity["ok"]:
        lines.append("- Integrity: **verified** (hash chain intact, nothing inserted, reordered or deleted)")
    else:
        lines.append(f"- Integrity: **FAILED** — {len(integrity['problems'])} problem(s); this report may be unreliable:")
        lines += [f"  - {p}" for p in integrity["problems"][:20]]
    lines += [f"- Warning: {w}" for w in integrity["warnings"]]
    lines += [f"- Runs: {report['runs']} ({report['passed_runs']} passed, {report['failed_runs']} failed), "
              f"first {report['first_run'] or '-'}, last {report['last_run'] or '-'}",
              f"- Repositories: {', '.join(f'`{r}`' for r in report['repos'] if r) or '-'}", ""]
    return lines


def render(report: dict[str, Any]) -> str:
    lines = _header(report)
    tested = [c for c in report["controls"] if c["runs"] or c["failures"]]
    untested = [c["id"] for c in report["controls"] if not (c["runs"] or c["failures"])]
    lines += ["## Controls", ""]
    lines += _table(
        ("Criterion", "Runs", "Passed", "Failed", "Inconclusive", "Pass rate", "Failures", "Fixed", "Open",
         "Waived", "Median time to fix", "Max time to fix"),
        [(c["id"], c["runs"], c["passed"], c["failed"], c["inconclusive"], _rate(c["pass_rate"]), c["failures"],
          c["fixed"], c["open"], c["waived"], duration(c["median_time_to_fix_seconds"]),
          duration(c["max_time_to_fix_seconds"])) for c in tested]) if tested else ["No control was tested.", ""]
    if untested:
        lines += [f"Not tested by any run in this period: {', '.join(untested)}.", ""]
    lines += ["## Failures and time to fix", ""]
    lines += _table(
        ("Policy", "Controls", "Resource", "File", "Repository", "First failed", "Fixed", "Time to fix", "State"),
        [(f["policy"], ", ".join(f["controls"]), f["resource"], f["file"], f["repo"], f["first_failed"],
          f["fixed_at"], duration(f["time_to_fix_seconds"]), f["state"]) for f in report["failures"]]
    ) if report["failures"] else ["No failures in this period.", ""]
    lines += ["## Exceptions active during the period", ""]
    lines += _table(
        ("Policy", "Resource", "Reason", "Approved by", "Ticket", "Expires", "Origin", "State", "First seen",
         "Last seen", "Runs"),
        [(e["policy"], e["resource"], e["reason"], e["approved_by"], e["ticket"], e["expires"], e["origin"],
          e["state"], e["first_seen"], e["last_seen"], e["runs"]) for e in report["exceptions"]]
    ) if report["exceptions"] else ["No exceptions were applied in this period.", ""]
    lines += admission_markdown(report.get("admission"))
    return "\n".join(lines)
