"""What an auditor samples: per control, over a period, the runs, pass rate, failures and how
long they took to fix, and the exceptions that were active.

A failure is identified by (repository, policy, resource, file).  It counts as fixed at the
first later run of the same repository that read the same file and no longer failed it; a
run in which it was waived does not fix it (the episode is marked ``waived``).  Episodes
are computed over the whole ledger up to the end of the period, and reported when they
overlap the period.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, Iterable

from soc2gate.errors import UsageError

TESTED = ("passed", "failed", "inconclusive")


@dataclass(frozen=True)
class Period:
    start: datetime | None = None
    end: datetime | None = None  # exclusive

    def contains(self, moment: datetime) -> bool:
        return (self.start is None or moment >= self.start) and (self.end is None or moment < self.end)


def parse_period(start: str | None, end: str | None) -> Period:
    """``--from``/``--to``: dates (whole UTC days, both inclusive) or ISO 8601 timestamps."""
    period = Period(_moment(start, "--from", False), _moment(end, "--to", True))
    if period.start and period.end and period.end <= period.start:
        raise UsageError("--to is before --from")
    return period


def _moment(text: str | None, option: str, end: bool) -> datetime | None:
    if not text:
        return None
    try:
        if len(text) == 10:
            day = date.fromisoformat(text) + timedelta(days=1 if end else 0)
            return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option} {text!r}: expected YYYY-MM-DD or an ISO 8601 timestamp") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def when(record: dict[str, Any]) -> datetime:
    moment = datetime.fromisoformat(record["time"])
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


@dataclass
class Episode:
    key: tuple[str, str, str, str]  # repo, policy, resource, file
    controls: list[str]
    first_failed: datetime
    first_run: str
    fixed_at: datetime | None = None
    fixed_run: str = ""
    waived: bool = False

    def as_dict(self) -> dict[str, Any]:
        repo, policy, resource, file = self.key
        seconds = int((self.fixed_at - self.first_failed).total_seconds()) if self.fixed_at else None
        state = "fixed" if self.fixed_at else ("waived" if self.waived else "open")
        return {"repo": repo, "policy": policy, "resource": resource, "file": file, "controls": self.controls,
                "first_failed": _text(self.first_failed), "first_run": self.first_run,
                "fixed_at": _text(self.fixed_at), "fixed_run": self.fixed_run, "time_to_fix_seconds": seconds,
                "state": state}


def _text(moment: datetime | None) -> str | None:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def episodes(history: list[dict[str, Any]]) -> list[Episode]:
    """Failure episodes over ``history`` (ledger order)."""
    active: dict[tuple[str, str, str, str], Episode] = {}
    finished: list[Episode] = []
    for record in history:
        repo, moment = str(record.get("ci", {}).get("repo", "")), when(record)
        failing = {(repo, f["policy"], f["resource"], f["file"]): f for f in record.get("failures", [])
                   if f.get("outcome") in ("fail", "error") and f.get("controls")}
        waived = {(repo, w["policy"], w["resource"], w["file"]) for w in record.get("waivers", {}).get("applied", [])}
        read = {i.get("path") for i in record.get("inputs", [])}
        for key, failure in failing.items():
            active.setdefault(key, Episode(key, list(failure["controls"]), moment, str(record.get("run_id", ""))))
        for key, episode in list(active.items()):
            if key[0] != repo or key in failing or key[3] not in read:
                continue
            if key in waived:
                episode.waived = True
                continue
            episode.fixed_at, episode.fixed_run = moment, str(record.get("run_id", ""))
            finished.append(active.pop(key))
    return finished + list(active.values())


@dataclass
class ControlStats:
    id: str
    runs: int = 0
    passed: int = 0
    failed: int = 0
    inconclusive: int = 0
    episodes: list[Episode] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        fixes = [int((e.fixed_at - e.first_failed).total_seconds()) for e in self.episodes if e.fixed_at]
        return {"id": self.id, "runs": self.runs, "passed": self.passed, "failed": self.failed,
                "inconclusive": self.inconclusive,
                "pass_rate": round(self.passed / self.runs, 4) if self.runs else None,
                "failures": len(self.episodes), "fixed": len(fixes),
                "open": sum(1 for e in self.episodes if not e.fixed_at and not e.waived),
                "waived": sum(1 for e in self.episodes if not e.fixed_at and e.waived),
                "median_time_to_fix_seconds": int(statistics.median(fixes)) if fixes else None,
                "max_time_to_fix_seconds": max(fixes) if fixes else None}


def build_report(all_records: Iterable[dict[str, Any]], location: str, period: Period, integrity: Any,
                 branch: str | None = None, repo: str | None = None) -> dict[str, Any]:
    """``all_records`` in time order (a store's ``records()``); ``integrity`` its verification.

    Admission-webhook batch records are not runs: they are reported apart (report_admission.py)."""
    from soc2gate.evidence.report_admission import admission_section, is_batch

    all_records = list(all_records)
    batches = [r for r in all_records if is_batch(r)]
    history = [r for r in all_records if not is_batch(r) and _selected(r, branch, repo)
               and (period.end is None or when(r) < period.end)]
    sampled = [r for r in history if period.contains(when(r))]
    found = [e for e in episodes(history) if period.start is None or e.fixed_at is None or e.fixed_at >= period.start]
    stats = _control_stats(sampled, found)
    return {
        "ledger": location,
        "period": {"from": _text(period.start), "to": _text(period.end - timedelta(seconds=1)) if period.end else None},
        "filters": {"branch": branch, "repo": repo},
        "integrity": {"ok": integrity.ok, "problems": [p.message for p in integrity.problems],
                      "warnings": list(integrity.warnings)},
        "runs": len(sampled),
        "passed_runs": sum(1 for r in sampled if r.get("verdict") == "passed"),
        "failed_runs": sum(1 for r in sampled if r.get("verdict") != "passed"),
        "first_run": sampled[0]["time"] if sampled else None,
        "last_run": sampled[-1]["time"] if sampled else None,
        "repos": sorted({str(r.get("ci", {}).get("repo", "")) for r in sampled}),
        "controls": [s.as_dict() for s in stats],
        "failures": [e.as_dict() for e in sorted(found, key=lambda e: (e.first_failed, e.key))],
        "exceptions": exceptions(sampled),
        "admission": admission_section(batches, period),
    }


def _selected(record: dict[str, Any], branch: str | None, repo: str | None) -> bool:
    ci = record.get("ci", {})
    return (branch is None or ci.get("branch") == branch) and (repo is None or ci.get("repo") == repo)


def _control_stats(sampled: list[dict[str, Any]], found: list[Episode]) -> list[ControlStats]:
    stats: dict[str, ControlStats] = {}
    for record in sampled:
        for control_id, result in record.get("controls", {}).items():
            entry = stats.setdefault(control_id, ControlStats(control_id))
            status = result.get("status")
            if status in TESTED:
                entry.runs += 1
                setattr(entry, status, getattr(entry, status) + 1)
    for episode in found:
        for control_id in episode.controls:
            stats.setdefault(control_id, ControlStats(control_id)).episodes.append(episode)
    return list(stats.values())


def exceptions(sampled: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Waivers applied during the period, one entry per (waiver, resource), and expired waivers seen."""
    seen: dict[tuple, dict[str, Any]] = {}
    fields = ("policy", "resource", "file", "reason", "approved_by", "ticket", "created", "expires", "origin")
    for record in sampled:
        waivers = record.get("waivers", {})
        rows = [{**w, "state": "applied"} for w in waivers.get("applied", [])]
        rows += [{**w, "resource": _target(w), "state": "expired"}
                 for w in waivers.get("declared", []) if w.get("state") == "expired"]
        for row in rows:
            key = tuple(str(row.get(f, "")) for f in fields) + (row["state"],)
            entry = seen.setdefault(key, {**{f: row.get(f, "") for f in fields}, "state": row["state"],
                                          "first_seen": record["time"], "runs": 0})
            entry["last_seen"], entry["runs"] = record["time"], entry["runs"] + 1
    return list(seen.values())


def _target(waiver: dict[str, Any]) -> str:
    selector = waiver.get("selector") or {}
    if waiver.get("origin") != "central":
        return str(selector.get("address", ""))
    return " ".join(f"{key}={value}" for key, value in selector.items())
