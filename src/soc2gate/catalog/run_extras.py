"""What a run carries beyond its findings, for the reporters and the evidence record: the
organisation's control ids per criterion (``controls_map``) and the facts of each evaluated change
record (``change.facts``).  Both are omitted when empty, so reports without them are unchanged."""

from __future__ import annotations

from typing import Any, Sequence

from soc2gate.catalog.org_controls import controls_map
from soc2gate.change.facts import change_facts
from soc2gate.model import Resource


def run_extras(config: Any, resources: Sequence[Resource]) -> dict[str, Any]:
    extras: dict[str, Any] = {}
    mapped = controls_map(config)
    if mapped:
        extras["controls_map"] = mapped
    changes = change_facts(resources)
    if changes:
        extras["changes"] = changes
    return extras
