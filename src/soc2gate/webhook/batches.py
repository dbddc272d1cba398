"""Admission decisions aggregated in memory into one evidence batch (docs/webhook.md, "Evidence").

A batch holds counts, never individual requests: decisions per outcome, operation, kind and
namespace; denied and warned policy ids; the SOC 2 controls whose policies denied or warned;
dry runs; the first and last decision time; and the bundle/config digests and generations that
decided.  Each dimension keeps at most ``max_keys`` distinct values (the rest are counted under
``(other)``), so a batch stays bounded however long appends keep failing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Mapping

OTHER = "(other)"
DIMENSIONS = ("decision", "operation", "kind", "namespace")


@dataclass
class Batch:
    opened: str  # when the batch began (server start, or the previous append's close)
    max_keys: int = 1000
    decisions: int = 0
    dry_run: int = 0
    counts: dict[str, Counter] = field(default_factory=lambda: {d: Counter() for d in DIMENSIONS})
    denied: Counter = field(default_factory=Counter)
    warned: Counter = field(default_factory=Counter)
    controls: dict[str, Counter] = field(default_factory=dict)  # control -> {denied: n, warned: n}
    first: str = ""
    last: str = ""
    bundles: set[str] = field(default_factory=set)
    configs: set[str] = field(default_factory=set)
    generations: set[int] = field(default_factory=set)
    failed_appends: int = 0

    def add(self, line: Mapping[str, Any], policy_controls: Mapping[str, tuple[str, ...]]) -> None:
        """Count one decision log line (app.decision_record, or an invalid request's line)."""
        self.decisions += 1
        self.dry_run += bool(line.get("dry_run"))
        for dimension in DIMENSIONS:
            self._bump(self.counts[dimension], str(line.get(dimension) or ""))
        for outcome, counter in (("denied", self.denied), ("warned", self.warned)):
            ids = [str(p) for p in line.get(outcome) or ()]
            for policy_id in ids:
                self._bump(counter, policy_id)
            for control in sorted({c for p in ids for c in policy_controls.get(p, ())}):
                self._bump_control(control, outcome)
        moment = str(line.get("ts") or "")
        self.first = min(self.first, moment) if self.first else moment
        self.last = max(self.last, moment)
        for name, values in (("bundle_digest", self.bundles), ("config_digest", self.configs)):
            if line.get(name):
                values.add(str(line[name]))
        if isinstance(line.get("generation"), int):
            self.generations.add(line["generation"])

    def _bump(self, counter: Counter, key: str) -> None:
        counter[key if key in counter or len(counter) < self.max_keys else OTHER] += 1

    def _bump_control(self, control: str, outcome: str) -> None:
        key = control if control in self.controls or len(self.controls) < self.max_keys else OTHER
        self.controls.setdefault(key, Counter())[outcome] += 1

    def merge(self, later: "Batch") -> "Batch":
        """This batch (whose append failed) and the one collected since, as one batch."""
        self.decisions += later.decisions
        self.dry_run += later.dry_run
        for dimension in DIMENSIONS:
            for key, count in later.counts[dimension].items():
                self._bump_by(self.counts[dimension], key, count)
        for mine, theirs in ((self.denied, later.denied), (self.warned, later.warned)):
            for key, count in theirs.items():
                self._bump_by(mine, key, count)
        for control, outcomes in later.controls.items():
            key = control if control in self.controls or len(self.controls) < self.max_keys else OTHER
            self.controls.setdefault(key, Counter()).update(outcomes)
        self.first = min(filter(None, (self.first, later.first)), default="")
        self.last = max(self.last, later.last)
        self.bundles |= later.bundles
        self.configs |= later.configs
        self.generations |= later.generations
        return self

    def _bump_by(self, counter: Counter, key: str, count: int) -> None:
        counter[key if key in counter or len(counter) < self.max_keys else OTHER] += count

    def summary(self) -> dict[str, Any]:
        """The ``admission`` member of the batch record (sorted, so it hashes the same everywhere)."""
        return {
            "decisions": self.decisions,
            "dry_run": self.dry_run,
            **{f"by_{d}": dict(sorted(self.counts[d].items())) for d in DIMENSIONS},
            "denied_policies": dict(sorted(self.denied.items())),
            "warned_policies": dict(sorted(self.warned.items())),
            "controls": {c: {"denied": o["denied"], "warned": o["warned"]} for c, o in sorted(self.controls.items())},
            "first_decision": self.first or None,
            "last_decision": self.last or None,
            "bundle_digests": sorted(self.bundles),
            "config_digests": sorted(self.configs),
            "generations": sorted(self.generations),
            "failed_appends": self.failed_appends,
        }
