"""Comparable populations of runs: pass rates are never computed across different scan scopes.

A run's *scan scope* is what it was asked to test: the files it read (by path and kind; change
records count by kind only, since each run reads the record of a different change), the SOC 2
categories, the lowest failing severity (``fail_on``) and ``strict``.  Its fingerprint is
``sha256:`` + the SHA-256 of that canonical JSON.  A *population* is every run with the same
repository, branch and scope fingerprint (docs/evidence.md, "Figures").
"""

from __future__ import annotations

import hashlib
import json
from bisect import bisect_left
from datetime import datetime, timedelta
from typing import Any, Iterable

from soc2gate.evidence.report import _EMPTY, TESTED, Statuses, by_identity, when


def scope_of(inputs: Iterable[dict[str, Any]], scope: dict[str, Any]) -> dict[str, Any]:
    read = sorted({(str(i.get("kind", "")), "" if i.get("kind") == "change" else str(i.get("path", "")))
                   for i in inputs})
    return {"inputs": [list(entry) for entry in read], "categories": sorted(scope.get("categories") or []),
            "fail_on": scope.get("fail_on"), "strict": bool(scope.get("strict"))}


def fingerprint(scope: dict[str, Any]) -> str:
    text = json.dumps(scope, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return "sha256:" + hashlib.sha256(text.encode("ascii")).hexdigest()


def record_fingerprint(record: dict[str, Any]) -> str:
    """The recorded fingerprint, or (for records written before it existed) the same computation."""
    stored = record.get("scope_fingerprint")
    return str(stored) if stored else fingerprint(scope_of(record.get("inputs", []), record.get("scope", {})))


def population_key(record: dict[str, Any]) -> tuple[str, str, str]:
    ci = record.get("ci", {})
    return str(ci.get("repo", "")), str(ci.get("branch", "")), record_fingerprint(record)


def _describe(record: dict[str, Any]) -> dict[str, Any]:
    scope = scope_of(record.get("inputs", []), record.get("scope", {}))
    paths = [p for kind, p in scope["inputs"] if p]
    kinds = sorted({kind for kind, _ in scope["inputs"]})
    return {"paths": paths, "kinds": kinds, "categories": scope["categories"], "fail_on": scope["fail_on"],
            "strict": scope["strict"]}


def populations(sampled: list[dict[str, Any]], statuses: Statuses | None = None) -> list[dict[str, Any]]:
    """Per population: its scope, runs, and per criterion the runs that tested it, passed and failed."""
    found: dict[tuple[str, str, str], dict[str, Any]] = {}
    members: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for record in sampled:
        key = population_key(record)
        if key not in found:
            found[key] = {"repo": key[0], "branch": key[1], "scope_fingerprint": key[2], "scope": _describe(record),
                          "runs": 0, "first_run": record["time"], "controls": {}}
        found[key]["runs"] += 1
        found[key]["last_run"] = record["time"]
        members.setdefault(key, []).append(record)
    for key, entry in found.items():
        for controls, count in by_identity(map((statuses or Statuses()).of, members[key])):
            _tally(entry["controls"], controls, count)
        for tally in entry["controls"].values():
            tally["pass_rate"] = round(tally["passed"] / tally["runs"], 4)
    return sorted(found.values(), key=lambda e: (e["repo"], e["branch"], -e["runs"], e["scope_fingerprint"]))


def _tally(tallies: dict[str, dict[str, Any]], controls: dict[str, Any], count: int) -> None:
    for control_id, result in controls.items():
        status = result.get("status")
        if status not in TESTED:
            continue
        tally = tallies.setdefault(control_id, {"runs": 0, "passed": 0, "failed": 0, "inconclusive": 0})
        tally["runs"] += count
        tally[status] += count


def week_start(moment: datetime) -> datetime:
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(days=day.weekday())


WeekIndex = dict[datetime, list[tuple[dict[str, Any], int]]]


def week_index(records: list[dict[str, Any]], statuses: Statuses | None = None) -> WeekIndex:
    """Per ISO week (Monday, UTC): the distinct per-criterion statuses of ``records`` and how many records had each."""
    views = statuses or Statuses()
    weeks: dict[datetime, list[dict[str, Any]]] = {}
    for record in records:
        weeks.setdefault(week_start(when(record)), []).append(views.of(record))
    return {week: by_identity(controls) for week, controls in weeks.items()}


def weekly(index: WeekIndex, found: list[Any], control_id: str, first: datetime,
           last: datetime) -> list[dict[str, Any]]:
    """Per ISO week (Monday, UTC) from ``first`` to ``last``: runs of one population (``index``, its
    ``week_index``) that tested the criterion, how many passed, and the failures open at the week's end
    (episodes of the criterion in ``found`` first seen before then and not fixed by then)."""
    mine = [e for e in found if control_id in e.controls]
    failed = sorted(e.first_failed for e in mine)
    fixed = sorted(e.fixed_at for e in mine if e.fixed_at is not None)
    series = []
    cursor = week_start(first)
    while cursor <= week_start(last):
        bucket = {"runs": 0, "passed": 0}
        for controls, count in index.get(cursor, ()):
            status = controls.get(control_id, _EMPTY).get("status")
            if status in TESTED:
                bucket["runs"] += count
                bucket["passed"] += count if status == "passed" else 0
        close = cursor + timedelta(days=7)
        # first seen before the close, minus fixed before it (an episode is fixed after it is first seen)
        still = bisect_left(failed, close) - bisect_left(fixed, close)
        rate = round(bucket["passed"] / bucket["runs"], 4) if bucket["runs"] else None
        series.append({"week": cursor.strftime("%Y-%m-%d"), **bucket, "pass_rate": rate, "open_failures": still})
        cursor = close
    return series
