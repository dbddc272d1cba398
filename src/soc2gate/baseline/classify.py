"""Classify a run's findings against a base: new, existing, and fixed.

Only findings that are a problem are compared (fail, error, inconclusive, and waived, which is
a failure under an exception).  Within one fingerprint the head's occurrences are paired with
the base's, same-file pairs first; a head occurrence is *existing* when it is paired with a
base occurrence at least as bad (an inconclusive outcome that became a failure is new),
otherwise *new*.  A base occurrence left unpaired is *fixed*, except as many as the head has
unpaired occurrences of the same fingerprint (that problem changed, it did not go away).
Passing findings are not classified.  The base is either a run on the base revision or the
entries of a baseline file (``Mark``: fingerprint, file, rank).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from soc2gate.baseline.fingerprint import fingerprint
from soc2gate.model import Finding, Outcome

NEW, EXISTING, FIXED = "new", "existing", "fixed"
RANK = {Outcome.INCONCLUSIVE: 1, Outcome.FAIL: 2, Outcome.WAIVED: 2, Outcome.ERROR: 2}


@dataclass(frozen=True)
class Mark:
    """What a comparison needs of one finding."""

    fingerprint: str
    file: str
    rank: int


def problem(finding: Finding) -> bool:
    return finding.outcome in RANK


def mark(finding: Finding) -> Mark:
    return Mark(fingerprint(finding), finding.span.file if finding.span else "", RANK[finding.outcome])


def _groups(marks: Sequence[Mark | None]) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {}
    for position, item in enumerate(marks):
        if item is not None:
            groups.setdefault(item.fingerprint, []).append(position)
    return groups


def _pair(head: Sequence[Mark], base: Sequence[Mark], ours: list[int], theirs: list[int]) -> set[int]:
    """Head positions paired with a base occurrence; paired base positions are removed from ``theirs``."""
    paired: set[int] = set()
    ordered = sorted(ours, key=lambda i: -head[i].rank)
    for same_file in (True, False):
        for i in ordered:
            match = next((j for j in theirs if i not in paired and base[j].rank >= head[i].rank
                          and (not same_file or base[j].file == head[i].file)), None)
            if match is not None:
                paired.add(i)
                theirs.remove(match)
    return paired


def compare(head: Sequence[Mark | None], base: Sequence[Mark]) -> tuple[dict[int, str], list[int]]:
    """(head position -> new/existing, positions of the base fixed by the head)."""
    head_groups, base_groups = _groups(head), _groups(base)
    labels: dict[int, str] = {}
    fixed: list[int] = []
    for key, ours in head_groups.items():
        theirs = list(base_groups.get(key, []))
        paired = _pair(head, base, ours, theirs)  # type: ignore[arg-type]
        labels.update({i: EXISTING if i in paired else NEW for i in ours})
        fixed.extend(theirs[len(ours) - len(paired):])
    for key, theirs in base_groups.items():
        if key not in head_groups:
            fixed.extend(theirs)
    return labels, sorted(fixed)


def classify(head: Sequence[Finding], base: Sequence[Finding]) -> tuple[list[Finding], list[Finding]]:
    """(head findings with ``baseline`` set on every problem finding, base findings the head fixed)."""
    problems = [f for f in base if problem(f)]
    labels, fixed = compare([mark(f) if problem(f) else None for f in head], [mark(f) for f in problems])
    out = [replace(f, baseline=labels[i]) if i in labels else f for i, f in enumerate(head)]
    return out, [replace(problems[j], baseline=FIXED) for j in fixed]


def against_marks(findings: Sequence[Finding], known: Sequence[Mark]) -> tuple[list[Finding], list[int]]:
    """Mark ``existing`` every problem finding matched by ``known`` (a baseline file's entries),
    keeping ``existing`` labels already given; the rest become ``new``.  Also: unmatched entries."""
    labels, unmatched = compare([mark(f) if problem(f) else None for f in findings], known)
    out = [f if i not in labels or f.baseline == EXISTING else replace(f, baseline=labels[i])
           for i, f in enumerate(findings)]
    return out, unmatched
