"""Drift in a ``terraform show -json`` plan: objects changed outside Terraform (``resource_drift``).

A drifted object is a change that went around review, so each one becomes two resources:
a ``terraform_drift`` change record (surface ``change``, judged by CHG-009 for CC8.1: what
changed, attribute by attribute) and the object's drifted state as a Terraform resource
(surface ``terraform``, address suffixed `` (drifted)``, ``meta.drift``), so the resource
policies judge what someone set by hand, not only what the configuration says.
``terraform plan -refresh-only -out=… && terraform show -json …`` yields exactly these.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any, Callable, Iterator

from soc2gate.model import Resource, SourceSpan

MAX_CHANGED = 50  # attribute paths listed per drifted object
DRIFTED = " (drifted)"


def drift_entries(document: dict[str, Any]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(position, entry) of the managed objects of ``resource_drift`` whose state differs from what
    Terraform last recorded."""
    drift = document.get("resource_drift") or []
    if not isinstance(drift, list):
        raise ValueError("key `resource_drift` must be an array")
    for position, entry in enumerate(drift):
        if not isinstance(entry, dict) or entry.get("mode", "managed") != "managed" or not address_of(entry):
            continue
        change = entry.get("change")
        if isinstance(change, dict) and [a for a in change.get("actions") or [] if a != "no-op"]:
            yield position, entry


def address_of(entry: dict[str, Any]) -> str:
    """The entry's address; Terraform 1.0 wrote none in resource_drift, so it is built as Terraform
    spells it: ``[module_address.]type.name[index]``."""
    if isinstance(entry.get("address"), str) and entry["address"]:
        return str(entry["address"])
    if not (isinstance(entry.get("type"), str) and isinstance(entry.get("name"), str)):
        return ""
    address = f"{entry['type']}.{entry['name']}"
    if isinstance(entry.get("module_address"), str) and entry["module_address"]:
        address = f"{entry['module_address']}.{address}"
    index = entry.get("index")
    if isinstance(index, (int, str)) and not isinstance(index, bool):
        address += f"[{json.dumps(index)}]"
    return address


def entry_lines(text: str, count: int) -> list[int]:
    """The line of each resource_drift entry in the plan's text (where its ``"mode"`` key stands)."""
    start = text.find('"resource_drift"')
    found, position = [], max(start, 0)
    for match in re.finditer(r'"mode"\s*:', text[position:]) if start >= 0 else ():
        found.append(text.count("\n", 0, position + match.start()) + 1)
        if len(found) == count:
            break
    return found + [1] * (count - len(found))


def changed_paths(before: Any, after: Any, prefix: str = "") -> list[str]:
    """Dotted paths (list indices dropped) whose values differ between two states, sorted."""
    if isinstance(before, dict) and isinstance(after, dict):
        found: list[str] = []
        for key in sorted(set(before) | set(after)):
            found += changed_paths(before.get(key), after.get(key), f"{prefix}.{key}" if prefix else str(key))
        return found
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        found = []
        for old, new in zip(before, after):
            found += changed_paths(old, new, prefix)
        return sorted(set(found))
    return [] if before == after else [prefix or "(object)"]


def drift_record(entry: dict[str, Any], path: str, line: int) -> Resource:
    """The CC8.1 side: one change record per drifted object."""
    change = entry["change"]
    actions = [a for a in change.get("actions") or [] if isinstance(a, str)]
    deleted = actions == ["delete"]
    changed = [] if deleted else changed_paths(change.get("before"), change.get("after"))
    address = address_of(entry)
    attributes = {"address": address, "resource_type": str(entry.get("type", "")), "actions": actions,
                  "deleted": deleted, "changed": changed[:MAX_CHANGED], "changed_count": len(changed)}
    return Resource(surface="change", type="terraform_drift", name=address, address=f"drift:{address}",
                    span=SourceSpan(path, line, line), attributes=attributes,
                    meta={"kind": "drift", "source": "resource_drift"})


def drift_resources(document: dict[str, Any], path: str, text: str,
                    as_resource: Callable[[dict[str, Any]], Resource]) -> list[Resource]:
    """The change records and the drifted states (``as_resource`` reads a state like a planned value)."""
    found: list[Resource] = []
    lines = entry_lines(text, len(document.get("resource_drift") or []))
    for position, entry in drift_entries(document):
        address = address_of(entry)
        record = drift_record(entry, path, lines[position])
        found.append(record)
        after = entry["change"].get("after")
        if record.attributes["deleted"] or not isinstance(after, dict):
            continue
        state = as_resource({"address": address, "type": entry.get("type"), "name": entry.get("name"),
                             "mode": "managed", "values": after})
        found.append(replace(state, address=address + DRIFTED,
                             meta={**state.meta, "drift": True, "changed": record.attributes["changed"]}))
    return found
