"""The sections of the HTML evidence report, in order: each is (anchor, heading, builder)."""

from __future__ import annotations

from html import escape
from typing import Any, Callable

from soc2gate.evidence.report_markdown import duration
from soc2gate.evidence.svg_chart import LEGEND, weekly_chart

Table = Callable[..., str]
MAX_CHARTS = 6  # per criterion; further populations appear in its table only


def esc(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    if value in (None, ""):
        return "-"
    text = escape(str(value))
    return f"<code>{text}</code>" if text.startswith("sha256:") else text


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def _org(mapped: list[dict[str, str]]) -> str:
    return "; ".join(f"{c['id']} {c['name']}".strip() for c in mapped)


def integrity(report: dict[str, Any], table: Table) -> str:
    check = report["integrity"]
    verdict = ('<p class="ok">Verified: every record matches its hash, links to its predecessor and agrees with '
               'the chain head; nothing was modified, reordered, inserted or deleted.</p>' if check["ok"] else
               f'<p class="bad">FAILED: {len(check["problems"])} problem(s). This report may be unreliable.</p>')
    problems = "".join(f"<li>{escape(p)}</li>" for p in check["problems"][:50])
    warnings = "".join(f'<li class="warn">{escape(w)}</li>' for w in check["warnings"])
    signed = (f"{check.get('signed', 0)} of {check.get('records', 0)} record(s) signed; signing key id "
              f"<code>{esc(check.get('key_id'))}</code>")
    heads = table(("Chain", "Records", "Last record", "Last hash", "Head record", "Head hash"),
                  [(c["chain"], c["records"], c["last_seq"], c["last_hash"], c["head_seq"], c["head_hash"])
                   for c in check.get("chains", [])], (1, 2, 4))
    return (f"{verdict}<ul>{problems}{warnings}</ul><p>{check.get('records', 0)} record(s) in the store; {signed}. "
            f"Runs in the period: {report['runs']} ({report['passed_runs']} passed, {report['failed_runs']} failed), "
            f"first {esc(report['first_run'])}, last {esc(report['last_run'])}.</p><h3>Chain heads</h3>{heads}")


def scope(report: dict[str, Any], table: Table) -> str:
    found = report["scope"]
    lists = (f"<p>Repositories: {esc(found['repos'])}<br>Branches: {esc(found['branches'])}<br>"
             f"SOC 2 categories: {esc(found['categories'])}</p>")
    bundles = table(("Policy bundle digest", "First used", "Last used", "Runs", "Repositories"),
                    [(b["digest"], b["first_seen"], b["last_seen"], b["runs"], b["repos"]) for b in found["bundles"]], (3,))
    changes = table(("When", "Repository", "From", "To", "Record"),
                    [(c["time"], c["repo"], c["from"], c["to"], f"{c['chain']}#{c['record']}")
                     for c in found["bundle_changes"]])
    paths = table(("Repository", "Kind", "Path", "Runs that read it"),
                  [(p["repo"], p["kind"], p["path"] or "(one change record per run)", p["runs"]) for p in found["paths"]], (3,))
    populations = table(("Repository", "Branch", "Scope fingerprint", "Paths", "Categories", "fail_on", "Runs", "First", "Last"),
                        [(p["repo"], p["branch"], p["scope_fingerprint"][:19] + "…", p["scope"]["paths"] or p["scope"]["kinds"],
                          p["scope"]["categories"], p["scope"]["fail_on"], p["runs"], p["first_run"], p["last_run"])
                         for p in report["populations"]], (6,))
    return (f"{lists}<h3>Policy bundles in use</h3>{bundles}<h3>When the policy bundle changed</h3>{changes}"
            f"<h3>Comparable populations</h3><p class=muted>Runs of the same repository, branch and scan scope; "
            f"pass rates are computed within one population only.</p>{populations}<h3>Paths read</h3>{paths}")


def criteria(report: dict[str, Any], table: Table) -> str:
    tested = [c for c in report["controls"] if c["runs"] or c["failures"]]
    if not tested:
        return '<p class="muted">No criterion was tested by a run in this period.</p>'
    return LEGEND + "".join(_criterion(c, table) for c in tested)


def _criterion(control: dict[str, Any], table: Table) -> str:
    anchor = "crit-" + control["id"].replace(".", "-")
    mapped = f" — {escape(_org(control['org_controls']))}" if control.get("org_controls") else ""
    rows = [(p["repo"], p["branch"], p["scope_fingerprint"][:19] + "…", p["runs"], p["passed"], p["failed"],
             p["inconclusive"], _rate(p["pass_rate"])) for p in control.get("populations", [])]
    charts = "".join(f'<figure><figcaption>{escape(p["repo"])} @ {escape(p["branch"])} — scope '
                     f'{escape(p["scope_fingerprint"][7:19])}</figcaption>'
                     f'{weekly_chart(p["weekly"], control["id"] + " " + p["repo"])}</figure>'
                     for p in control.get("populations", [])[:MAX_CHARTS])
    failures = table(("Policy", "Resource", "File", "Repository", "First failed", "Fixed", "Time to fix", "State"),
                     [(f["policy"], f["resource"], f["file"], f["repo"], f["first_failed"], f["fixed_at"],
                       duration(f["time_to_fix_seconds"]), f["state"]) for f in control.get("failure_list", [])])
    exceptions = table(("Policy", "Resource", "Reason", "Approved by", "Ticket", "Expires", "Runs"),
                       [(e["policy"], e["resource"], e["reason"], e["approved_by"], e["ticket"], e["expires"], e["runs"])
                        for e in control.get("exceptions", [])], (6,))
    summary = (f"<p>{control['failures']} failure(s): {control['fixed']} fixed, {control['open']} open, "
               f"{control['waived']} waived; time to fix median {duration(control['median_time_to_fix_seconds'])}, "
               f"max {duration(control['max_time_to_fix_seconds'])}.</p>")
    return (f'<div class="criterion" id="{anchor}"><h3>{escape(control["id"])}{mapped}</h3>'
            + table(("Repository", "Branch", "Scope", "Runs", "Passed", "Failed", "Inconclusive", "Pass rate"),
                    rows, (3, 4, 5, 6, 7))
            + charts + summary + "<h4>Failures and time to fix</h4>" + failures + "<h4>Exceptions</h4>" + exceptions
            + "</div>")


def register(report: dict[str, Any], table: Table) -> str:
    return table(("Kind", "Policy", "Resource", "Reason", "Approved by", "Ticket", "Expires", "Origin", "State",
                  "First seen", "Last seen", "Runs", "Applied to"),
                 [(e["kind"], e["policy"], e["resource"], e["reason"], e["approved_by"], e["ticket"], e["expires"],
                   e["origin"], e["state"], e["first_seen"], e["last_seen"], e["runs"], _short(e["applied_to"]))
                  for e in report["register"]], (11,))


def _short(items: list[str], keep: int = 12) -> str:
    return ", ".join(items[:keep]) + (f" … (+{len(items) - keep})" if len(items) > keep else "")


def changes(report: dict[str, Any], table: Table) -> str:
    found = report["changes"]
    if not found["changes"]:
        return '<p class="muted">No change record was evaluated in this period.</p>'
    facts = table(("Changes evaluated", "Records", "Emergency", "No approval before merge", "No ticket"),
                  [(found["changes"], found["records"], found["emergency"], found["without_approval_before_merge"],
                    found["without_ticket"])], (0, 1, 2, 3, 4))
    verdicts = table(("CC8.1 verdict", "Changes"), list(found["by_verdict"].items()), (1,))
    repos = table(("Repository", "Changes"), list(found["by_repository"].items()), (1,))
    failing = table(("Change", "Author", "Merged", "Approved before merge by", "Tickets", "Emergency", "CC8.1",
                     "Record"), [(c["id"], c["author"], c["merged_at"], c["approvers_before_merge"], c["tickets"],
                                  "yes" if c["emergency"] else "no", c["cc81"], c["record"])
                                 for c in found.get("not_passed", [])])
    return (f"{facts}{verdicts}{repos}<h3>Changes that did not pass CC8.1</h3>{failing}<p class=muted>The full population: <code>soc2gate evidence population STORE "
            f"--kind changes --from … --to …</code>; a sample: add <code>--sample N --seed S</code>.</p>")


def coverage(report: dict[str, Any], table: Table) -> str:
    rows = [(c["id"], _org(report["org_controls"].get(c["id"], [])), e["evidence"], e["owner"], e["last_reviewed"],
             e["next_review_due"], e["state"]) for c in report["coverage"] for e in c["manual_evidence"]]
    rows += [(c["id"], _org(report["org_controls"].get(c["id"], [])), "-", "-", "-", "-", c["state"])
             for c in report["coverage"] if not c["manual_evidence"]]
    return table(("Criterion", "Your controls", "Manual evidence", "Owner", "Last reviewed", "Next review due",
                  "State"), rows)


SECTIONS: list[tuple[str, str, Callable[[dict[str, Any], Table], str]]] = [
    ("integrity", "Integrity statement", integrity),
    ("scope", "Scope statement", scope),
    ("criteria", "Operating effectiveness per criterion", criteria),
    ("exceptions", "Exceptions register", register),
    ("changes", "CC8.1 change population", changes),
    ("coverage", "Criteria not covered by any policy", coverage),
]
