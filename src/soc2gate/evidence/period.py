"""The auditor's period report, complete: integrity and scope statements, comparable populations,
per-criterion weekly series, the exceptions register, the CC8.1 change population and the
criteria left to manual evidence.  It extends ``report.build_report`` (whose keys it keeps).
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from soc2gate.evidence.comparable import population_key, populations, week_index, weekly
from soc2gate.evidence.report import Period, Statuses, basis, build_report, by_identity, when

_SECOND = timedelta(seconds=1)


def load(store: Any, checker: Any) -> tuple[list[dict[str, Any]], Any]:
    """Every record (tagged ``_chain`` by the store) in time order, and the store's verification, in one
    read per chain."""
    kept: list[dict[str, Any]] = []
    integrity = store.verify(checker, kept.append)
    kept.sort(key=lambda record: record["time"])
    return kept, integrity


def heads(store: Any, records: list[dict[str, Any]], integrity: Any) -> list[dict[str, Any]]:
    last: dict[str, dict[str, Any]] = {}
    for record in records:
        if record.get("seq", 0) >= last.get(record["_chain"], {}).get("seq", 0):
            last[record["_chain"]] = record
    rows = []
    for name in integrity.chains:
        head = store.head(name) or {}
        rows.append({"chain": name, "records": integrity.chains[name].records,
                     "last_seq": last.get(name, {}).get("seq"), "last_hash": last.get(name, {}).get("hash"),
                     "head_seq": head.get("seq"), "head_hash": head.get("hash")})
    return rows


def scope_statement(sampled: list[dict[str, Any]]) -> dict[str, Any]:
    paths: Counter[tuple[str, str, str]] = Counter()
    bundles: dict[str, dict[str, Any]] = {}
    changes: list[dict[str, Any]] = []
    previous: dict[Any, Any] = {}
    for record in sampled:
        repo = str(record.get("ci", {}).get("repo", ""))
        for item in record.get("inputs", []):
            paths[
                (repo, str(item.get("kind", "")), "" if item.get("kind") == "change" else str(item.get("path", "")))
            ] += 1
        digest = str(record.get("policy_bundle_digest", ""))
        entry = bundles.setdefault(digest, {"digest": digest, "first_seen": record["time"], "runs": 0, "repos": set()})
        entry["last_seen"], entry["runs"] = record["time"], entry["runs"] + 1
        entry["repos"].add(repo)
        if repo in previous and previous[repo] != digest:
            changes.append({"time": record["time"], "repo": repo, "from": previous[repo], "to": digest,
                            "record": record.get("seq"), "chain": record.get("_chain")})
        previous[repo] = digest
    return {
        "repos": sorted({str(r.get("ci", {}).get("repo", "")) for r in sampled}),
        "branches": sorted({str(r.get("ci", {}).get("branch", "")) for r in sampled}),
        "paths": [{"repo": k[0], "kind": k[1], "path": k[2], "runs": n} for k, n in sorted(paths.items())],
        "categories": sorted({c for r in sampled for c in r.get("scope", {}).get("categories", [])}),
        "bundles": [{**b, "repos": sorted(b["repos"])} for b in bundles.values()],
        "bundle_changes": changes,
    }


def register(sampled: list[dict[str, Any]], base: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``exceptions`` of the base report, each with the records (chain #seq) it applied to."""
    fields = ("policy", "resource", "file", "reason", "approved_by", "ticket", "expires", "origin")
    applied: dict[tuple, list[str]] = {}
    for record in sampled:
        for waiver in record.get("waivers", {}).get("applied", []):
            key = tuple(str(waiver.get(f, "")) for f in fields)
            applied.setdefault(key, []).append(f"{record.get('_chain', '')}#{record.get('seq')}")
    return [{**e, "kind": "baseline" if e.get("origin") == "baseline" else "waiver",
             "applied_to": applied.get(tuple(str(e.get(f, "")) for f in fields), []) if e["state"] == "applied" else []}
            for e in base]


def change_summary(sampled: list[dict[str, Any]]) -> dict[str, Any]:
    rows = [c for r in sampled for c in r.get("changes", [])]
    keep = ("id", "author", "merged_at", "approvers_before_merge", "tickets", "emergency", "cc81")
    not_passed = [{**{k: c.get(k) for k in keep}, "record": f"{r.get('_chain', '')}#{r.get('seq')}"}
                  for r in sampled for c in r.get("changes", []) if c.get("cc81") != "passed"]
    return {"changes": len(rows), "records": sum(1 for r in sampled if r.get("changes")), "not_passed": not_passed,
            "by_verdict": dict(sorted(Counter(str(c.get("cc81")) for c in rows).items())),
            "emergency": sum(1 for c in rows if c.get("emergency")),
            "without_approval_before_merge": sum(1 for c in rows if not c.get("approvers_before_merge")),
            "without_ticket": sum(1 for c in rows if not c.get("tickets")),
            "by_repository": dict(sorted(Counter(str(c.get("repository")) for c in rows).items()))}


def coverage(sampled: list[dict[str, Any]], org: dict[str, Any], views: Statuses | None = None
             ) -> list[dict[str, Any]]:
    """Criteria in scope that no policy tested in any run, with the manual evidence declared for them."""
    statuses: dict[str, set[str]] = {}
    for controls, _ in by_identity(map((views or Statuses()).of, sampled)):
        for control_id, result in controls.items():
            statuses.setdefault(control_id, set()).add(str(result.get("status")))
    uncovered = [c for c, seen in statuses.items() if seen <= {"not tested"}]
    manual = org.get("manual_evidence", {})
    return [{"id": c, "manual_evidence": manual.get(c, []),
             "state": _manual_state(manual.get(c, []))} for c in uncovered]


def _manual_state(entries: list[dict[str, Any]]) -> str:
    if not entries:
        return "no evidence declared"
    return "current" if all(e["state"] == "current" for e in entries) else "overdue"


def full_report(records: list[dict[str, Any]], integrity: Any, location: str, period: Period,
                branch: str | None = None, repo: str | None = None, org: dict[str, Any] | None = None,
                chain_heads: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    org = org or {"controls_map": {}, "manual_evidence": {}}
    base = basis(records, period, branch, repo)
    report = build_report(records, location, period, integrity, branch, repo, base)
    sampled, found = base.sampled, base.found
    report["integrity"].update({"records": integrity.records, "key_id": integrity.key_id,
                                "signed": sum(v.signed for v in integrity.chains.values()),
                                "chains": chain_heads or []})
    report["scope"] = scope_statement(sampled)
    report["populations"] = populations(sampled, base.statuses)
    report["register"] = register(sampled, report["exceptions"])
    report["changes"] = change_summary(sampled)
    report["coverage"] = coverage(sampled, org, base.statuses)
    report["org_controls"] = org.get("controls_map", {})
    _per_criterion(report, sampled, found, period, base.statuses)
    return report


def _per_criterion(report: dict[str, Any], sampled: list[dict[str, Any]], found: list[Any], period: Period,
                   statuses: Statuses) -> None:
    """Each criterion gets its own controls, per-population rates with weekly series, failures and exceptions;
    the run-mixing ``pass_rate`` is kept only when one population tested it."""
    if not sampled:
        return
    first = period.start or when(sampled[0])
    last = when(sampled[-1]) if period.end is None else max(when(sampled[-1]), period.end - _SECOND)
    members: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for record in sampled:
        members.setdefault(population_key(record), []).append(record)
    weeks = {key: week_index(records, statuses) for key, records in members.items()}
    failures_of: dict[str, list[dict[str, Any]]] = {}
    for failure in report["failures"]:
        for cid in dict.fromkeys(failure["controls"]):
            failures_of.setdefault(cid, []).append(failure)
    waived_controls = {(w.get("policy"), w.get("resource")): w.get("controls", [])
                       for r in sampled for w in r.get("waivers", {}).get("applied", [])}
    for control in report["controls"]:
        cid = control["id"]
        control["org_controls"] = report["org_controls"].get(cid, [])
        control["populations"] = [
            {"repo": p["repo"], "branch": p["branch"], "scope_fingerprint": p["scope_fingerprint"],
             **p["controls"][cid],
             "weekly": weekly(weeks[(p["repo"], p["branch"], p["scope_fingerprint"])],
                              [e for e in found if e.key[0] == p["repo"]], cid, first, last)}
            for p in report["populations"] if cid in p["controls"]]
        if len(control["populations"]) != 1:
            control["pass_rate"] = None
        control["failure_list"] = failures_of.get(cid, [])
        control["exceptions"] = [e for e in report["register"]
                                 if cid in waived_controls.get((e["policy"], e["resource"]), [])]
