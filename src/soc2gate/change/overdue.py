"""Emergency changes whose retroactive review is overdue, across many change records.

The decision is CHG-008's (the same Rego the gate runs): ``api.find_overdue`` scans the
records with the review deadline optionally overridden; this module only selects and words it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from soc2gate.model import Finding, Outcome, Result

POLICY_ID = "CHG-008"


@dataclass(frozen=True)
class OverdueReport:
    as_of: str
    hours: float
    checked: int
    overdue: tuple[Finding, ...] = ()
    pending: tuple[Finding, ...] = ()
    errors: tuple[Finding, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, Any]:
        def item(f: Finding) -> dict[str, Any]:
            return {"change": f.resource, "file": f.span.file if f.span else "", "message": f.message}

        return {"as_of": self.as_of, "review_within_hours": self.hours, "records_checked": self.checked,
                "overdue": [item(f) for f in self.overdue], "pending": [item(f) for f in self.pending],
                "errors": [item(f) for f in self.errors]}


def overdue_report(result: Result, as_of: str, hours: float) -> OverdueReport:
    """CHG-008's findings of ``result``, sorted into overdue and pending, with the run's errors."""
    mine = [f for f in result.findings if f.policy_id == POLICY_ID]
    return OverdueReport(
        as_of=as_of,
        hours=hours,
        checked=len({f.resource for f in mine}),
        overdue=tuple(f for f in mine if f.outcome is Outcome.FAIL),
        pending=tuple(f for f in mine if f.outcome is Outcome.INCONCLUSIVE),
        errors=tuple(f for f in result.findings if f.outcome is Outcome.ERROR),
    )
