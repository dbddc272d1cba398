"""Emergency changes whose retroactive review is overdue, across many change records.

The decision is CHG-008's (the same Rego the gate runs), evaluated through ``api.scan``
with the review deadline optionally overridden; this module only selects and words it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from soc2gate.errors import UsageError
from soc2gate.model import Finding, Outcome

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


def find_overdue(paths: tuple[str, ...], config_path: str | None, hours: float | None,
                 now: datetime) -> OverdueReport:
    """Evaluate CHG-008 over every record under ``paths`` (files or directories)."""
    from soc2gate import api

    files = tuple(p for p in paths if Path(p).is_file())
    dirs = tuple(p for p in paths if p not in files)
    overrides = {"emergency": {"review_within_hours": hours}} if hours is not None else {}
    options = api.ScanOptions(paths=dirs, change_records=files, config_path=config_path, controls=("CC8.1",),
                              now=now, extras={"change_management": overrides})
    gate = api.Gate.load(options)
    if POLICY_ID not in {p.id for p in gate.policies}:
        raise UsageError(f"{POLICY_ID} (emergency review) is disabled in the configuration: nothing to evaluate")
    result = api.scan(options, gate=gate)
    mine = [f for f in result.findings if f.policy_id == POLICY_ID]
    effective = gate.params(now)["change_management"]["emergency"]["review_within_hours"]
    return OverdueReport(
        as_of=gate.params(now)["now"],
        hours=effective,
        checked=len({f.resource for f in mine}),
        overdue=tuple(f for f in mine if f.outcome is Outcome.FAIL),
        pending=tuple(f for f in mine if f.outcome is Outcome.INCONCLUSIVE),
        errors=tuple(f for f in result.findings if f.outcome is Outcome.ERROR),
    )
