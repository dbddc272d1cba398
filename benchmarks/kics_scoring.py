"""Score soc2gate policies against the KICS labeled fixtures of the queries they map.

* An expected finding (positive fixture, line) is a true positive when a policy mapping its
  query reports a *failure* on a resource whose span contains the line; an inconclusive
  outcome there is a miss, counted separately.
* Every failure of a mapping policy on a negative fixture of the query is a false positive.

Per policy, each policy is scored alone; per platform and in total, an expected finding
counts once (hit by any mapping policy).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

from kics_corpus import Expected, Query
from soc2gate.model import Finding, Outcome, Resource

# Miss reasons, most informative first (the first that applies is reported).
REASON_ORDER = ("policy error", "inconclusive", "disagreement", "not judged", "module", "no resource", "input", "missing")


@dataclass
class Tally:
    expected: int = 0
    tp: int = 0
    inconclusive: int = 0
    fp: int = 0

    @property
    def fn(self) -> int:
        return self.expected - self.tp

    @property
    def recall(self) -> float:
        return self.tp / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    def as_dict(self) -> dict[str, float | int]:
        return {"expected": self.expected, "tp": self.tp, "fn": self.fn, "inconclusive": self.inconclusive,
                "fp": self.fp, "precision": round(self.precision, 4), "recall": round(self.recall, 4)}


@dataclass(frozen=True)
class Miss:
    query: Query
    file: str
    line: int
    policies: tuple[str, ...]
    reason: str
    kind: str


@dataclass(frozen=True)
class FalsePositive:
    query: Query
    file: str
    line: int
    policy: str
    resource: str
    message: str


@dataclass
class Score:
    mapping: dict[str, tuple[str, ...]]
    queries: dict[str, Query] = field(default_factory=dict)
    by_policy: dict[str, Tally] = field(default_factory=dict)
    by_platform: dict[str, Tally] = field(default_factory=dict)
    total: Tally = field(default_factory=Tally)
    misses: list[Miss] = field(default_factory=list)
    false_positives: list[FalsePositive] = field(default_factory=list)


@dataclass(frozen=True)
class ScannedFile:
    resources: tuple[Resource, ...]
    findings: tuple[Finding, ...]
    errors: tuple[Finding, ...]


class Scanner:
    """Scans one fixture file at a time with one loaded Gate; results are memoized."""

    def __init__(self, gate) -> None:
        self.gate = gate
        self._seen: dict[Path, ScannedFile] = {}

    def scan(self, path: Path, var_files: tuple[Path, ...] = ()) -> ScannedFile:
        if path not in self._seen:
            from soc2gate.parsers.collect import CollectOptions, collect

            options = CollectOptions(var_files=tuple(str(v) for v in var_files), use_cache=False)
            collected = collect([str(path)], options)
            result = self.gate.evaluate(collected.resources, collected)
            errors = tuple(f for f in result.findings if f.outcome is Outcome.ERROR)
            self._seen[path] = ScannedFile(tuple(collected.resources), result.findings, errors)
        return self._seen[path]


def by_query(mapping: Mapping[str, Iterable[str]]) -> dict[str, tuple[str, ...]]:
    """Invert policy -> [query ids] into query id -> (policy ids)."""
    inverted: dict[str, list[str]] = {}
    for policy_id, query_ids in sorted(mapping.items()):
        for query_id in query_ids:
            inverted.setdefault(query_id, []).append(policy_id)
    return {q: tuple(p) for q, p in inverted.items()}


def score(queries: Mapping[str, Query], mapping: Mapping[str, Iterable[str]], scanner: Scanner,
          notes: Mapping[tuple[str, str, int], str] | None = None) -> Score:
    """Score every query that ``mapping`` (policy id -> query ids) names and the corpus holds."""
    result = Score({p: tuple(q) for p, q in mapping.items()})
    for policy_id in result.mapping:
        result.by_policy.setdefault(policy_id, Tally())
    for query_id, policies in sorted(by_query(mapping).items()):
        query = queries.get(query_id)
        if query is not None:
            _score_query(query, policies, scanner, result, notes or {})
    return result


def _score_query(query: Query, policies: tuple[str, ...], scanner: Scanner, result: Score,
                 notes: Mapping[tuple[str, str, int], str]) -> None:
    result.queries[query.id] = query
    platform = result.by_platform.setdefault(query.platform, Tally())
    for expected in query.expected:
        verdicts = {p: _verdict(expected, p, query, scanner) for p in policies}
        for policy_id, (hit, reason) in verdicts.items():
            _count(result.by_policy[policy_id], hit, reason)
        hit = any(h for h, _ in verdicts.values())
        reason = "" if hit else _best_reason([r for _, r in verdicts.values()])
        for tally in (platform, result.total):
            _count(tally, hit, reason)
        if not hit:
            file = expected.named or ", ".join(p.name for p in expected.files)
            note = notes.get((query.id, Path(file).name, expected.line))
            kind = reason.split(":", 1)[0]
            if note and kind.startswith(("KICS disagreement", "not judged", "no resource")):
                reason, kind = f"KICS disagreement: {note}", "KICS disagreement"
            result.misses.append(Miss(query, file, expected.line, policies, reason, kind))
    for negative in query.negatives:
        scanned = scanner.scan(negative, query.var_files)
        for finding in scanned.findings:
            if finding.policy_id in policies and finding.outcome is Outcome.FAIL:
                line = finding.span.start_line if finding.span else 0
                result.false_positives.append(
                    FalsePositive(query, negative.name, line, finding.policy_id, finding.resource, finding.message))
                for tally in (result.by_policy[finding.policy_id], platform, result.total):
                    tally.fp += 1


def _count(tally: Tally, hit: bool, reason: str) -> None:
    tally.expected += 1
    tally.tp += int(hit)
    tally.inconclusive += int(not hit and reason.startswith("inconclusive"))


def _verdict(expected: Expected, policy_id: str, query: Query, scanner: Scanner) -> tuple[bool, str]:
    reasons = []
    for path in expected.files:
        if not path.is_file():
            reasons.append(f"missing: expected file {path.name} is not in the corpus")
            continue
        scanned = scanner.scan(path, query.var_files)
        containing = [r for r in scanned.resources if r.span.start_line <= expected.line <= r.span.end_line]
        mine = [f for f in scanned.findings if f.policy_id == policy_id
                and any(f.resource == r.address for r in containing)]
        if any(f.outcome is Outcome.FAIL for f in mine):
            return True, ""
        reasons.append(_reason(policy_id, containing, mine, scanned))
    return False, _best_reason(reasons)


def _reason(policy_id: str, containing: list[Resource], mine: list[Finding], scanned: ScannedFile) -> str:
    crashed = [e for e in scanned.errors if e.policy_id == "SYS-003" and e.resource == policy_id]
    if crashed:
        return f"policy error: {crashed[0].message}"
    inconclusive = [f for f in mine if f.outcome is Outcome.INCONCLUSIVE]
    if inconclusive:
        return f"inconclusive: {inconclusive[0].message}"
    passed = [f for f in mine if f.outcome is Outcome.PASS]
    if passed:
        return f"KICS disagreement: {policy_id} passes {passed[0].resource}"
    calls = [r for r in containing if r.type == "module"]
    if calls and len(calls) == len(containing):
        source = calls[0].attributes.get("source", "?")
        return f"module source not available: {calls[0].address} (source {source})"
    if containing:
        types = sorted({r.type for r in containing})
        return f"not judged: {policy_id} does not evaluate {', '.join(types)}"
    if scanned.errors:
        return f"input error: {scanned.errors[0].policy_id} {scanned.errors[0].message}"
    return "no resource at this line"


def _best_reason(reasons: list[str]) -> str:
    if not reasons:
        return "no positive fixture"

    def rank(reason: str) -> int:
        lowered = reason.lower()
        return next((i for i, key in enumerate(REASON_ORDER) if key in lowered.split(":", 1)[0]), len(REASON_ORDER))

    return min(reasons, key=rank)
