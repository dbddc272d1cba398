"""The period report keeps admission-webhook batches apart from scan runs and lists coverage gaps.

Batch records are built by the webhook's own builder and appended through the real folder store.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from soc2gate.evidence import period_report
from soc2gate.evidence.admission import append_batch, build_batch_record
from soc2gate.evidence.report_markdown import render
from soc2gate.evidence.store import StoreOptions

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def batch(directory: Path, opened: datetime, minutes: int, denied: int, chain: str = "webhook/prod") -> None:
    summary = {"decisions": denied + 2, "dry_run": 0, "by_decision": {"allowed": 2, "denied": denied},
               "denied_policies": {"K8S-001": denied}, "warned_policies": {},
               "controls": {"CC6.1": {"denied": denied, "warned": 0}}, "failed_appends": 0}
    closed = opened + timedelta(minutes=minutes)
    body = build_batch_record(summary, f"b-{stamp(opened)}", stamp(opened), stamp(closed), interval_s=300,
                              chain=chain, source={"namespace": "soc2gate-system", "host": "pod-1"},
                              version="test", mode="enforce")
    append_batch(body, str(directory), StoreOptions(), None, chain)


def test_gaps_and_denials_per_control(tmp_path: Path) -> None:
    moment = T0
    for denied in (1, 0, 3):  # three contiguous 5-minute batches
        batch(tmp_path, moment, 5, denied)
        moment += timedelta(minutes=5)
    batch(tmp_path, moment + timedelta(minutes=9), 5, 2)  # 9 min uncovered: under 2 x 5 min, not a gap
    moment += timedelta(minutes=14)
    batch(tmp_path, moment + timedelta(hours=2), 5, 0)  # the webhook was down for two hours
    batch(tmp_path, T0, 5, 7, chain="webhook/staging")
    report = period_report(str(tmp_path), "2026-03-02", "2026-03-02")
    assert report["runs"] == 0 and report["controls"] == [] and report["failed_runs"] == 0
    admission = report["admission"]
    assert admission["batches"] == 6 and admission["decisions"] == 13 + 12
    assert admission["controls"] == [{"id": "CC6.1", "denied": 13, "warned": 0}]
    prod = next(c for c in admission["chains"] if c["chain"] == "webhook/prod")
    assert prod["gaps"] == [{"from": "2026-03-02T08:29:00Z", "to": "2026-03-02T10:29:00Z", "seconds": 7200}]
    assert prod["first"] == "2026-03-02T08:00:00Z" and prod["last"] == "2026-03-02T10:34:00Z"
    markdown = render(report)
    assert "| webhook/prod | 2026-03-02T08:29:00Z | 2026-03-02T10:29:00Z | 7200 |" in markdown
    later = period_report(str(tmp_path), "2026-03-03", None)
    assert later["admission"]["batches"] == 0 and "No admission webhook batch" in render(later)
