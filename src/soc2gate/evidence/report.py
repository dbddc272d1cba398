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
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, Iterable

from soc2gate.errors import UsageError
from soc2gate.evidence.report_admission import admission_section, is_batch

TESTED = ("passed", "failed", "inconclusive")
_EMPTY: dict[str, Any] = {}


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
    return _moment_of(record["time"])


@lru_cache(maxsize=1 << 18)  # a report asks for each record's time many times
def _moment_of(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def by_identity(values: Iterable[Any]) -> list[tuple[Any, int]]:
    """The distinct objects among ``values`` (by identity, in order of first appearance) and how often each
    occurs. Records read in one pass share the decoded value of identical members (evidence/decoding.py),
    and ``Statuses`` shares equal per-criterion statuses, so figures are computed once per distinct value
    and weighted by its count."""
    values = list(values)
    objects = dict(zip(map(id, values), values, strict=True))
    counts = Counter(map(id, values))
    return [(value, counts[key]) for key, value in objects.items()]


class Statuses:
    """Each record's per-criterion results reduced to what the figures read (``{criterion: {"status": …}}``),
    one shared object per distinct set of statuses: runs differ in their counts far more often than in
    which criteria passed or failed."""

    def __init__(self) -> None:
        self._seen: dict[int, tuple[Any, dict[str, dict[str, Any]]]] = {}
        self._interned: dict[tuple[tuple[str, Any], ...], dict[str, dict[str, Any]]] = {}

    def of(self, record: dict[str, Any]) -> dict[str, dict[str, Any]]:
        controls = record.get("controls") or _EMPTY
        seen = self._seen.get(id(controls))
        if seen is None:
            key = tuple((cid, result.get("status")) for cid, result in controls.items())
            view = self._interned.setdefault(key, {cid: {"status": status} for cid, status in key})
            seen = self._seen[id(controls)] = (controls, view)  # holding ``controls`` keeps its id unique
        return seen[1]


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


Key = tuple[str, str, str, str]
_NONE: tuple[()] = ()


def episodes(history: list[dict[str, Any]]) -> list[Episode]:
    """Failure episodes over ``history`` (ledger order)."""
    active: dict[str, dict[Key, Episode]] = {}  # per repository
    finished: list[Episode] = []
    facts: dict[tuple[str, int, int, int], tuple[dict[Key, Any], set[Key], set[Any]]] = {}
    for record in history:
        repo, moment, run = str(record.get("ci", {}).get("repo", "")), when(record), str(record.get("run_id", ""))
        failing, waived, read = _facts(record, repo, facts)
        mine = active.setdefault(repo, {})
        for key, failure in failing.items():
            if key not in mine:
                mine[key] = Episode(key, list(failure["controls"]), moment, run)
        for key in sorted(k for k in mine.keys() - failing.keys() if k[3] in read):
            if key in waived:
                mine[key].waived = True
                continue
            episode = mine.pop(key)
            episode.fixed_at, episode.fixed_run = moment, run
            finished.append(episode)
    return finished + [e for mine in active.values() for e in mine.values()]


def _facts(record: dict[str, Any], repo: str, cache: dict[tuple[str, int, int, int], Any]
           ) -> tuple[dict[Key, Any], set[Key], set[Any]]:
    """What failed, what was waived and which files were read in ``record``: computed once per distinct
    (repository, failures, waivers, inputs), since records share identical members."""
    failures, applied = record.get("failures") or _NONE, (record.get("waivers") or {}).get("applied") or _NONE
    inputs = record.get("inputs") or _NONE
    key = (repo, id(failures), id(applied), id(inputs))
    if key not in cache:
        cache[key] = ({(repo, f["policy"], f["resource"], f["file"]): f for f in failures
                       if f.get("outcome") in ("fail", "error") and f.get("controls")},
                      {(repo, w["policy"], w["resource"], w["file"]) for w in applied},
                      {i.get("path") for i in inputs})
    return cache[key]  # type: ignore[no-any-return]


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


@dataclass(frozen=True)
class Basis:
    """The records a report is about: runs up to the period's end (``history``), those in it (``sampled``),
    the failure episodes that overlap it (``found``) and the admission-webhook batches (not runs)."""

    history: list[dict[str, Any]]
    sampled: list[dict[str, Any]]
    found: list[Episode]
    batches: list[dict[str, Any]]
    statuses: Statuses


def basis(all_records: Iterable[dict[str, Any]], period: Period, branch: str | None = None,
          repo: str | None = None) -> Basis:
    all_records = list(all_records)
    batches = [r for r in all_records if is_batch(r)]
    history = [r for r in all_records if not is_batch(r) and _selected(r, branch, repo)
               and (period.end is None or when(r) < period.end)]
    sampled = [r for r in history if period.contains(when(r))]
    found = [e for e in episodes(history) if period.start is None or e.fixed_at is None or e.fixed_at >= period.start]
    return Basis(history, sampled, found, batches, Statuses())


def build_report(all_records: Iterable[dict[str, Any]], location: str, period: Period, integrity: Any,
                 branch: str | None = None, repo: str | None = None, base: Basis | None = None) -> dict[str, Any]:
    """``all_records`` in time order (a store's ``records()``); ``integrity`` its verification.

    Admission-webhook batch records are not runs: they are reported apart (report_admission.py)."""
    base = base or basis(all_records, period, branch, repo)
    sampled, found, batches = base.sampled, base.found, base.batches
    stats = _control_stats(sampled, found, base.statuses)
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


def _control_stats(sampled: list[dict[str, Any]], found: list[Episode], statuses: Statuses) -> list[ControlStats]:
    stats: dict[str, ControlStats] = {}
    for controls, count in by_identity(map(statuses.of, sampled)):
        for control_id, result in controls.items():
            entry = stats.get(control_id) or stats.setdefault(control_id, ControlStats(control_id))
            status = result.get("status")
            if status in TESTED:
                entry.runs += count
                setattr(entry, status, getattr(entry, status) + count)
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
