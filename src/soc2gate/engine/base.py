"""The engine seam: evaluate a policy bundle over one input document."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from soc2gate.catalog.policies import QUERY, PolicyBundle
from soc2gate.model import Policy

__all__ = ["QUERY", "Engine", "RawVerdicts", "split_by_package"]


@dataclass
class RawVerdicts:
    """Per policy id: the ``deny`` and ``inconclusive`` items its Rego produced.

    ``errors`` maps a policy id (or "" for the whole bundle) to an error message.
    """

    denies: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    inconclusive: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    applicable: dict[str, list[str]] = field(default_factory=dict)  # scoped policies: ids of their resources


class Engine(Protocol):
    name: str

    def prepare(self, bundle: PolicyBundle) -> None:
        """Load (and compile) the bundle once; raise PolicyLoadError on a bad policy."""

    def evaluate(self, document: dict[str, Any]) -> RawVerdicts:
        """Evaluate every policy over the document in one batch."""

    def warm(self, document: dict[str, Any]) -> None:
        """Make later evaluations fast (a no-op where there is nothing to prepare)."""


def split_by_package(bundle: PolicyBundle, value: Any) -> RawVerdicts:
    """Turn the value of ``data.soc2gate.policies`` into per-policy verdicts."""
    verdicts = RawVerdicts()
    for policy in bundle.policies:
        node = value
        for part in policy.package.split(".")[2:]:
            node = node.get(part, {}) if isinstance(node, dict) else {}
        verdicts.denies[policy.id] = _items(node.get("deny") if isinstance(node, dict) else None)
        verdicts.inconclusive[policy.id] = _items(node.get("inconclusive") if isinstance(node, dict) else None)
        if policy.scoped:
            verdicts.applicable[policy.id] = resource_ids(node.get("applicable") if isinstance(node, dict) else None)
    return verdicts


def rules(policy: Policy) -> tuple[str, ...]:
    """The rules queried for ``policy``."""
    return ("deny", "inconclusive", "applicable") if policy.scoped else ("deny", "inconclusive")


def resource_ids(value: Any) -> list[str]:
    """An ``applicable`` set's resource ids (anything else in it is ignored)."""
    return [str(item) for item in value if isinstance(item, (str, int))] if isinstance(value, list) else []


def _items(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, dict)]
