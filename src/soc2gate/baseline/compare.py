"""Fold a comparison into a Result: labels, fixed findings, notes, and the report summary.

``against_base`` takes the head result and the findings of the same gate on the base
revision; ``against_file`` takes a baseline file.  Both only label findings (``Finding.baseline``)
and list what was fixed: whether anything blocks is the verdict's decision alone.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from soc2gate.baseline.classify import EXISTING, NEW, classify
from soc2gate.baseline.gitbase import Base, changed_files
from soc2gate.baseline.governance import apply, review, settings_and_file, utc_day
from soc2gate.config import Config
from soc2gate.errors import UsageError
from soc2gate.model import GATE_MODES, Finding, Result, SourceSpan


def to_head(finding: Finding, base: Base) -> Finding:
    """A base finding named as the head run would name it (files, resources, messages)."""
    span = finding.span
    moved = SourceSpan(base.to_head(span.file), span.start_line, span.end_line) if span else None
    return replace(finding, span=moved, resource=base.to_head(finding.resource), message=base.to_head(finding.message))


def against_base(result: Result, base_findings: Sequence[Finding], base: Base) -> Result:
    """Label the head's findings new/existing against the base revision and list the fixed ones."""
    findings, fixed = classify(result.findings, [to_head(f, base) for f in base_findings])
    notes = list(result.notes)
    if not base.merge_base:
        notes.append(f"no merge base of {base.ref} and HEAD (a shallow clone?): compared with {base.ref} itself, "
                     "so changes made on the base branch since may show as new or fixed")
    notes += [f"base revision: not extracted: {name}" for name in base.skipped]
    if base.fetched:
        notes.append(f"fetched the base commit {base.ref} into this shallow clone")
    summary = {"diff_base": {**base.describe(), "changed_files": changed_files(base)}}
    timings = {**result.timings, "base_s": round(time.perf_counter() - base.started, 4)}
    return _done(replace(result, findings=tuple(findings), fixed=tuple(fixed), notes=tuple(notes), timings=timings),
                 summary)


def against_file(result: Result, config: Config, given: str | None, now: datetime, diffed: bool) -> Result:
    """Label the findings the baseline file in force holds as existing; govern its review date."""
    if result.verdict.gate not in GATE_MODES:
        raise UsageError(f"--gate must be one of {', '.join(GATE_MODES)}")
    settings, document = settings_and_file(config, given)
    if document is None:
        note = unclassified_note(result.verdict.gate, diffed)
        return replace(result, notes=result.notes + (note,)) if note else result
    findings, described = apply(result.findings, document, {i.path for i in result.inputs})
    notes, problems = review(document, settings, utc_day(now))
    if described["gone"]:
        notes.append(f"baseline {document.path}: {described['gone']} entries in the files read match no failure "
                     "any more (fixed or renamed): see `soc2gate baseline status`, and shrink the baseline")
    result = replace(result, findings=tuple(findings) + tuple(problems), notes=result.notes + tuple(notes))
    return _done(result, {"baseline_file": described})


def _done(result: Result, summary: dict[str, Any]) -> Result:
    previous = dict(result.extras.get("comparison", {}))
    previous.update(summary)
    previous["gate"] = result.verdict.gate
    previous["counts"] = counts(result)
    return replace(result, extras={**result.extras, "comparison": previous})


def counts(result: Result) -> dict[str, int]:
    return {"new": sum(1 for f in result.findings if f.baseline == NEW),
            "existing": sum(1 for f in result.findings if f.baseline == EXISTING),
            "fixed": len(result.fixed)}


def unclassified_note(gate: str, compared: bool) -> str | None:
    if gate == "new" and not compared:
        return ("gate: new without --diff-base or a baseline file: there is nothing to compare with, "
                "so every finding is new")
    return None
