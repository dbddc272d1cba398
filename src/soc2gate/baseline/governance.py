"""A baseline is a governed exception: it has an owner and a review date.

Before the review date it applies (a warning ``warn_days`` ahead); for ``grace_days`` after it,
it still applies with a warning; after that it still classifies findings (so reports keep
saying what is new) but a SYS-004 error at the baseline file fails the gate until the baseline
is reviewed (a new ``review_by``) or removed.  ``status`` says, per entry, whether the finding
is still open, fixed since (the resource is still evaluated and now passes) or no longer
matched (the resource or the policy is gone, or it was renamed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from soc2gate.baseline.classify import EXISTING, against_marks, problem
from soc2gate.baseline.document import Document, load
from soc2gate.config import Config
from soc2gate.diagnostics import sys_finding
from soc2gate.errors import UsageError
from soc2gate.model import Finding, Outcome, Result


@dataclass(frozen=True)
class Settings:
    """The ``baseline`` section of ``.soc2gate.yaml``."""

    file: str = ""
    warn_days: int = 14
    grace_days: int = 14
    max_days: int = 180
    today: date = field(default_factory=lambda: datetime.now(UTC).date())

    @classmethod
    def from_config(cls, config: Config, now: datetime | None = None) -> Settings:
        section = config.section("baseline")
        given = {k: section[k] for k in ("warn_days", "grace_days", "max_days") if k in section}
        if now is not None:
            given["today"] = utc_day(now)
        return cls(file=config.relative(section["file"]) if section.get("file") else "", **given)


def utc_day(moment: datetime) -> date:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC).date()


def settings_and_file(config: Config, given: str | None) -> tuple[Settings, Document | None]:
    """The baseline settings and the baseline file in force (``--baseline``, else ``baseline.file``;
    an empty ``given`` means none)."""
    settings = Settings.from_config(config)
    chosen = settings.file if given is None else given
    return settings, (load(chosen, settings.max_days) if chosen else None)


def review(document: Document, settings: Settings, today: date) -> tuple[list[str], list[Finding]]:
    """(warnings, SYS-004 problems) for the baseline's review date on ``today`` (UTC)."""
    owner, due = document.data["owner"], document.review_by
    label = f"baseline {document.path} (owner {owner}, {len(document.entries)} entries)"
    left = (due - today).days
    if left >= 0:
        if left > settings.warn_days:
            return [], []
        return [f"{label}: review due {due} ({'today' if left == 0 else f'in {left} days'})"], []
    grace_end = due + timedelta(days=settings.grace_days)
    if today <= grace_end:
        return [(f"{label}: review was due {due}; it still applies until {grace_end} (baseline.grace_days), "
                 "then the gate fails: review it and record a new review_by")], []
    message = (f"{label}: review was due {due} and the grace period ended {grace_end}: the gate fails until "
               "the baseline is reviewed (new review_by, `soc2gate baseline create`) or removed")
    return [], [sys_finding("SYS-004", document.path, 0, message)]


def apply(findings: Sequence[Finding], document: Document, read: set[str]) -> tuple[list[Finding], dict[str, Any]]:
    """Findings matched by the baseline become ``existing``; and a summary for the report, where
    ``gone`` counts unmatched entries of files this run read (fixed or renamed, not out of scope)."""
    labelled, unmatched = against_marks(findings, document.marks())
    gone = sum(1 for i in unmatched if document.entries[i].get("file") in read)
    return labelled, {**document.describe(), "matched": len(document.entries) - len(unmatched),
                      "unmatched": len(unmatched), "gone": gone}


def status(findings: Sequence[Finding], document: Document) -> dict[str, list[dict[str, Any]]]:
    """Every entry as open, fixed or unmatched, and the problem findings the baseline does not hold."""
    labelled, unmatched = against_marks(findings, document.marks())
    entries = document.entries
    passing = {(f.policy_id, f.resource) for f in findings if f.outcome is Outcome.PASS}
    loose = set(unmatched)
    passes = {i for i in unmatched if (entries[i]["policy"], entries[i].get("resource")) in passing}
    fixed = [dict(entries[i]) for i in unmatched if i in passes]
    gone = [dict(entries[i]) for i in unmatched if i not in passes]
    open_ = [dict(e) for i, e in enumerate(entries) if i not in loose]
    new = [_brief(f) for f in labelled if problem(f) and f.baseline != EXISTING]
    return {"open": open_, "fixed": fixed, "unmatched": gone, "new": new}


def _brief(finding: Finding) -> dict[str, Any]:
    span = finding.span
    return {"policy": finding.policy_id, "outcome": finding.outcome.value, "severity": finding.severity,
            "resource": finding.resource, "file": span.file if span else "", "line": span.start_line if span else 0,
            "message": finding.message}


def listing(result: Result, settings: Settings, given: str | None) -> dict[str, Any]:
    """``soc2gate baseline status``: the file's governance, its entries' state, the new problems."""
    chosen = given or settings.file
    if not chosen:
        raise UsageError("no baseline file: give --baseline FILE or set baseline.file in .soc2gate.yaml")
    document = load(chosen, settings.max_days)
    notes, problems = review(document, settings, settings.today)
    return {**document.describe(), **status(result.findings, document),
            "review": notes + [p.message for p in problems], "expired": bool(problems)}
