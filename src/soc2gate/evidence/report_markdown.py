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


def _org(control: dict[str, Any]) -> str:
    return "; ".join(f"{c['id']} {c['name']}".strip() for c in control.get("org_controls", []))


def _pass_rate(control: dict[str, Any]) -> str:
    if control["pass_rate"] is None and len(control.get("populations", [])) > 1:
        return "per population"
    return _rate(control["pass_rate"])


def _populations(tested: list[dict[str, Any]]) -> list[str]:
    rows = [(c["id"], p["repo"], p["branch"], p["scope_fingerprint"][7:19], p["runs"], p["passed"], p["failed"],
             _rate(p["pass_rate"])) for c in tested for p in c.get("populations", [])]
    if not rows:
        return []
    return ["### Pass rate per comparable population", "",
            "Runs of the same repository, branch and scan scope (docs/evidence.md, Figures).", ""] + _table(
        ("Criterion", "Repository", "Branch", "Scope", "Runs", "Passed", "Failed", "Pass rate"), rows)


def _coverage(report: dict[str, Any]) -> list[str]:
    rows = [(c["id"], e["evidence"], e["owner"], e["last_reviewed"], e["next_review_due"], e["state"])
            for c in report.get("coverage", []) for e in c["manual_evidence"] or [
                {"evidence": "-", "owner": "-", "last_reviewed": None, "next_review_due": None,
                 "state": c["state"]}]]
    if not rows:
        return []
    return ["## Criteria not covered by any policy", ""] + _table(
        ("Criterion", "Manual evidence", "Owner", "Last reviewed", "Next review due", "State"), rows)


def render(report: dict[str, Any]) -> str:
    lines = _header(report)
    tested = [c for c in report["controls"] if c["runs"] or c["failures"]]
    untested = [c["id"] for c in report["controls"] if not (c["runs"] or c["failures"])]
    lines += ["## Controls", ""]
    lines += _table(
        ("Criterion", "Your controls", "Runs", "Passed", "Failed", "Inconclusive", "Pass rate", "Failures", "Fixed",
         "Open", "Waived", "Median time to fix", "Max time to fix"),
        [(c["id"], _org(c), c["runs"], c["passed"], c["failed"], c["inconclusive"], _pass_rate(c), c["failures"],
          c["fixed"], c["open"], c["waived"], duration(c["median_time_to_fix_seconds"]),
          duration(c["max_time_to_fix_seconds"])) for c in tested]) if tested else ["No control was tested.", ""]
    lines += _populations(tested)
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
    return "\n".join(lines + admission_markdown(report.get("admission")) + _changes(report) + _coverage(report)
                     + _scope(report))


def _changes(report: dict[str, Any]) -> list[str]:
    found = report.get("changes") or {}
    if not found.get("changes"):
        return []
    verdicts = ", ".join(f"{k} {v}" for k, v in found["by_verdict"].items())
    lines = ["## CC8.1 change population", "",
             f"{found['changes']} change(s) evaluated ({verdicts}); {found['emergency']} emergency, "
             f"{found['without_approval_before_merge']} without an approval before the merge, "
             f"{found['without_ticket']} without a ticket. Full list: `soc2gate evidence population STORE "
             "--kind changes`.", ""]
    return lines + _table(("Change", "Author", "Merged", "Approved before merge by", "Emergency", "CC8.1", "Record"),
                          [(c["id"], c["author"], c["merged_at"], ", ".join(c["approvers_before_merge"]),
                            c["emergency"], c["cc81"], c["record"]) for c in found.get("not_passed", [])])


def _scope(report: dict[str, Any]) -> list[str]:
    scope, integrity = report.get("scope"), report["integrity"]
    if not scope:
        return []
    lines = ["## Scope and chain heads", "",
             f"- Branches: {', '.join(f'`{b}`' for b in scope['branches'] if b) or '-'}",
             f"- SOC 2 categories: {', '.join(scope['categories']) or '-'}",
             f"- Signing key id: {integrity.get('key_id') or '-'} ({integrity.get('signed', 0)} of "
             f"{integrity.get('records', 0)} record(s) signed)", ""]
    lines += _table(("Chain", "Last record", "Last hash", "Head record", "Head hash"),
                    [(c["chain"], c["last_seq"], c["last_hash"], c["head_seq"], c["head_hash"])
                     for c in integrity.get("chains", [])])
    lines += _table(("Policy bundle digest", "First used", "Last used", "Runs"),
                    [(b["digest"], b["first_seen"], b["last_seen"], b["runs"]) for b in scope["bundles"]])
    return lines + _table(("Bundle changed at", "Repository", "From", "To"),
                          [(c["time"], c["repo"], c["from"], c["to"]) for c in scope["bundle_changes"]])
