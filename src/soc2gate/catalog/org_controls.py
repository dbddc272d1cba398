"""The organisation's own control catalogue: ``controls_map`` (criterion -> your control ids and
names) and ``manual_evidence`` (criterion -> the document or system that evidences it, its owner,
review interval and last review), from ``.soc2gate.yaml`` (docs/controls.md).

A manual evidence entry is *current* when ``last_reviewed + review_interval_days`` is on or after
the day it is assessed, *overdue* otherwise, and *never reviewed* without ``last_reviewed``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any, Mapping


def controls_map(config: Any) -> dict[str, list[dict[str, str]]]:
    """criterion -> [{id, name}] (validated by schemas/config/controls_map.json)."""
    return {k: [{"id": str(c["id"]), "name": str(c.get("name", ""))} for c in v]
            for k, v in config.section("controls_map").items()}


def review_state(entry: Mapping[str, Any], today: date) -> dict[str, Any]:
    last = entry.get("last_reviewed")
    interval = int(entry["review_interval_days"])
    due = date.fromisoformat(str(last)) + timedelta(days=interval) if last else None
    state = "never reviewed" if due is None else ("current" if due >= today else "overdue")
    return {"evidence": str(entry["evidence"]), "owner": str(entry["owner"]), "review_interval_days": interval,
            "last_reviewed": str(last) if last else None, "next_review_due": due.isoformat() if due else None,
            "state": state}


def manual_evidence(config: Any, today: date | None = None) -> dict[str, list[dict[str, Any]]]:
    """criterion -> entries with their review state as of ``today`` (UTC today by default)."""
    day = today or datetime.now(timezone.utc).date()
    return {k: [review_state(e, day) for e in v] for k, v in config.section("manual_evidence").items()}


def org_catalogue(config: Any, today: date | None = None) -> dict[str, Any]:
    """Both sections, plain data for the reports: ``{"controls_map": …, "manual_evidence": …}``."""
    return {"controls_map": controls_map(config), "manual_evidence": manual_evidence(config, today)}


def label(mapped: list[dict[str, str]]) -> str:
    """``CM-02 Changes are approved; CM-03 …`` for text cells."""
    return "; ".join(f"{c['id']} {c['name']}".strip() for c in mapped)


def coverage_matrix(controls: Mapping[str, Any], policies: Any, config: Any, today: date | None = None
                    ) -> list[dict[str, Any]]:
    """criterion × policies × your controls × manual evidence, in TSC order; ``coverage`` is ``policies``,
    ``manual (current|overdue|never reviewed)`` or ``not covered``."""
    from soc2gate.catalog.controls import sort_key

    mapped, manual = controls_map(config), manual_evidence(config, today)
    rows = []
    for control in sorted(controls.values(), key=lambda c: sort_key(c.id)):
        ids = sorted(p.id for p in policies if control.id in p.controls)
        entries = manual.get(control.id, [])
        worst = next((s for s in ("never reviewed", "overdue", "current") if any(e["state"] == s for e in entries)), "")
        coverage = "policies" if ids else (f"manual ({worst})" if entries else "not covered")
        rows.append({"criterion": control.id, "title": control.title, "category": control.category,
                     "policies": ids, "your_controls": mapped.get(control.id, []), "manual_evidence": entries,
                     "coverage": coverage})
    return rows
