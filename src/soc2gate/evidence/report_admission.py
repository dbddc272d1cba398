"""The period report's admission-control section: what the webhook's batch records show.

Batch records (``kind: admission-batch``, evidence/admission.py) are not scan runs: they never
count as runs, pass or fail.  Over the period (by each batch's close time) the section gives the
batches, the decisions by outcome, the denials and warnings per SOC 2 control and per policy,
and, per chain (one webhook deployment), the stretches of time no batch covers that are longer
than twice the batch interval: gaps, where admission control left no evidence of operating.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone
from typing import Any, Iterable

KIND = "admission-batch"


def is_batch(record: dict[str, Any]) -> bool:
    return record.get("kind") == KIND


def _moment(text: Any) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _counts(value: Any) -> dict[str, int]:
    return {str(k): v for k, v in value.items() if isinstance(v, int)} if isinstance(value, dict) else {}


def admission_section(batches: Iterable[dict[str, Any]], period: Any) -> dict[str, Any]:
    """``batches``: every batch record (time order); ``period``: report.Period."""
    sampled = [b for b in batches if (m := _moment(b.get("time"))) is not None and period.contains(m)]
    by_decision: Counter[str] = Counter()
    denied: Counter[str] = Counter()
    warned: Counter[str] = Counter()
    controls: dict[str, Counter[str]] = {}
    decisions = dry_run = failed = 0
    for batch in sampled:
        admission = _mapping(batch.get("admission"))
        decisions += admission.get("decisions", 0) if isinstance(admission.get("decisions"), int) else 0
        dry_run += admission.get("dry_run", 0) if isinstance(admission.get("dry_run"), int) else 0
        failed += 1 if admission.get("failed_appends") else 0
        by_decision.update(_counts(admission.get("by_decision")))
        denied.update(_counts(admission.get("denied_policies")))
        warned.update(_counts(admission.get("warned_policies")))
        for control, outcomes in _mapping(admission.get("controls")).items():
            controls.setdefault(str(control), Counter()).update(_counts(outcomes))
    return {
        "batches": len(sampled),
        "decisions": decisions,
        "dry_run": dry_run,
        "by_decision": dict(sorted(by_decision.items())),
        "controls": [{"id": c, "denied": o.get("denied", 0), "warned": o.get("warned", 0)}
                     for c, o in sorted(controls.items(), key=_control_order)],
        "denied_policies": dict(sorted(denied.items())),
        "warned_policies": dict(sorted(warned.items())),
        "retried_batches": failed,
        "chains": [_chain(name, members) for name, members in sorted(_by_chain(sampled).items())],
    }


def _control_order(item: tuple[str, Any]) -> Any:
    from soc2gate.catalog.controls import sort_key

    return sort_key(item[0])


def _by_chain(sampled: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    chains: dict[str, list[dict[str, Any]]] = {}
    for batch in sampled:
        webhook = _mapping(batch.get("webhook"))
        chains.setdefault(str(webhook.get("chain", "")), []).append(batch)
    return chains


def _window(batch: dict[str, Any]) -> tuple[datetime, datetime, float] | None:
    window = _mapping(batch.get("window"))
    opened, closed = _moment(window.get("from")), _moment(window.get("to"))
    interval = _mapping(batch.get("webhook")).get("interval_ms")
    if opened is None or closed is None or not isinstance(interval, int):
        return None
    return opened, closed, interval / 1000


def _chain(name: str, batches: list[dict[str, Any]]) -> dict[str, Any]:
    """One chain's coverage: from its first batch's start to its last batch's end, and the gaps between."""
    windows = sorted(w for w in map(_window, batches) if w is not None)
    gaps: list[dict[str, Any]] = []
    covered = windows[0][1] if windows else None
    for opened, closed, interval in windows[1:]:
        assert covered is not None
        if (opened - covered).total_seconds() > 2 * interval:
            gaps.append({"from": _text(covered), "to": _text(opened), "seconds": int((opened - covered).total_seconds())})
        covered = max(covered, closed)
    decisions = sum(_mapping(b.get("admission")).get("decisions", 0) for b in batches
                    if isinstance(_mapping(b.get("admission")).get("decisions", 0), int))
    return {"chain": name, "batches": len(batches), "decisions": decisions,
            "interval_s": windows[-1][2] if windows else None,
            "first": _text(windows[0][0]) if windows else None, "last": _text(covered) if covered else None,
            "gaps": gaps}


def _text(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def render_markdown(section: dict[str, Any] | None) -> list[str]:
    """The Markdown lines of the section (report_markdown.render appends them)."""
    if not section or not section["batches"]:
        return ["## Admission control", "", "No admission webhook batch in this period.", ""]
    outcomes = ", ".join(f"{k or '-'} {v}" for k, v in section["by_decision"].items())
    lines = ["## Admission control", "",
             f"- Batches: {section['batches']}, decisions: {section['decisions']} ({outcomes}); "
             f"dry runs: {section['dry_run']}; batches appended after a failed append: {section['retried_batches']}", ""]
    lines += _rows(("Criterion", "Decisions denying", "Decisions warning"),
                   [(c["id"], c["denied"], c["warned"]) for c in section["controls"]])
    lines += _rows(("Chain", "Batches", "Decisions", "Interval (s)", "First", "Last", "Gaps"),
                   [(c["chain"], c["batches"], c["decisions"], c["interval_s"], c["first"], c["last"], len(c["gaps"]))
                    for c in section["chains"]])
    gaps = [(c["chain"], g["from"], g["to"], g["seconds"]) for c in section["chains"] for g in c["gaps"]]
    lines += ["### Gaps (no batch for more than twice the interval)", ""]
    lines += _rows(("Chain", "From", "To", "Seconds"), gaps) if gaps else ["None.", ""]
    return lines


def _rows(header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> list[str]:
    cell = lambda value: "-" if value in (None, "") else str(value).replace("|", "\\|").replace("\n", " ")  # noqa: E731
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return lines + ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows] + [""]
