"""The tamper-evident evidence ledger: one hash-chained (optionally Ed25519-signed) record per
run, verification that names every modified, reordered, inserted or deleted record, and the
period report an auditor samples.  See docs/evidence.md.

Settings come from the ``evidence`` configuration section, overridden by the command line.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Mapping

from soc2gate.config import Config
from soc2gate.evidence.ci import ci_context
from soc2gate.evidence.ledger import LedgerPaths, append
from soc2gate.evidence.record import build_record
from soc2gate.evidence.report import build_report, parse_period
from soc2gate.evidence.report_markdown import render as period_markdown
from soc2gate.evidence.signing import Checker, Signer
from soc2gate.evidence.verify import Verification, render_text, verify
from soc2gate.model import Result

DEFAULT_LOCK_TIMEOUT = 60.0


@dataclass(frozen=True)
class EvidenceSettings:
    directory: str
    key: str | None = None
    public_key: str | None = None
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT


def settings(config: Config, directory: str | None = None, key: str | None = None,
             public_key: str | None = None) -> EvidenceSettings | None:
    """Command-line values win over ``evidence.*``; None when no ledger directory is set."""
    section = config.section("evidence")
    directory = directory or (config.relative(section["dir"]) if section.get("dir") else None)
    if not directory:
        return None
    return EvidenceSettings(
        directory=directory,
        key=key or (config.relative(section["key"]) if section.get("key") else None),
        public_key=public_key or (config.relative(section["public_key"]) if section.get("public_key") else None),
        lock_timeout=float(section.get("lock_timeout", DEFAULT_LOCK_TIMEOUT)),
    )


def record_run(result: Result, chosen: EvidenceSettings, now: datetime, env: Mapping[str, str],
               run_id: str | None = None) -> Any:
    """Append this run's record; returns the ledger Receipt."""
    signer = Signer(chosen.key) if chosen.key else None
    body = build_record(result, run_id or str(uuid.uuid4()), now, ci_context(env))
    return append(chosen.directory, body, signer, chosen.lock_timeout)


def verify_ledger(directory: str, public_key: str | None = None) -> Verification:
    return verify(directory, Checker(public_key) if public_key else None)


def period_report(directory: str, start: str | None, end: str | None, public_key: str | None = None,
                  branch: str | None = None, repo: str | None = None) -> dict[str, Any]:
    period = parse_period(start, end)
    integrity = verify_ledger(directory, public_key)
    return build_report(LedgerPaths(Path(directory)).ledger, period, integrity, branch, repo)


def verification_text(report: Verification) -> str:
    return render_text(report)


__all__ = ["EvidenceSettings", "period_markdown", "period_report", "record_run", "settings", "verification_text",
           "verify_ledger"]
