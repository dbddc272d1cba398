"""The facts of each evaluated change record that an auditor samples (the CC8.1 population).

``change_facts`` reduces every ``change_record`` Resource to its id, repository, author, the
approvals submitted before the merge (only those), the CI checks and their conclusions, the
tickets and the emergency flag.  The evidence record stores these beside the run's verdict so the
population can be exported from the ledger alone (docs/evidence.md).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable, Mapping

from soc2gate.model import Resource


def _moment(text: Any) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def approvers_before_merge(spec: Mapping[str, Any]) -> list[str]:
    """Users whose approving review was submitted no later than the merge (all approvals if unmerged)."""
    merged = _moment(spec.get("merged_at"))
    users = set()
    for approval in spec.get("approvals") or []:
        if not isinstance(approval, dict) or approval.get("state") != "approved":
            continue
        submitted = _moment(approval.get("submitted_at"))
        if merged is not None and (submitted is None or submitted > merged):
            continue
        users.add(str(approval.get("user", "")))
    return sorted(u for u in users if u)


def facts_of(resource: Resource) -> dict[str, Any]:
    spec = resource.attributes
    return {
        "address": resource.address,
        "id": str(spec.get("id", resource.name)),
        "repository": str(spec.get("repository", "")),
        "number": spec.get("number"),
        "title": str(spec.get("title", "")),
        "author": str(spec.get("author", "")),
        "target_branch": str(spec.get("target_branch", "")),
        "merged_at": spec.get("merged_at"),
        "approvers_before_merge": approvers_before_merge(spec),
        "checks": sorted(({"name": str(c.get("name", "")), "conclusion": str(c.get("conclusion", ""))}
                          for c in spec.get("checks") or [] if isinstance(c, dict)),
                         key=lambda c: (c["name"], c["conclusion"])),
        "tickets": [str(t) for t in spec.get("tickets") or []],
        "emergency": bool(spec.get("emergency", False)),
    }


def change_facts(resources: Iterable[Resource]) -> list[dict[str, Any]]:
    """One entry per change record among ``resources`` (in input order)."""
    return [facts_of(r) for r in resources if r.type == "change_record"]
