"""The cluster's current objects, per resource type: what watch events change, what a cycle evaluates."""

from __future__ import annotations

import threading
import time
from typing import Any

from soc2gate.audit.kinds import ResourceType

Key = tuple[str, str]  # (namespace, name)


def key_of(obj: dict[str, Any]) -> Key:
    found = obj.get("metadata")
    metadata: dict[str, Any] = found if isinstance(found, dict) else {}
    return str(metadata.get("namespace") or ""), str(metadata.get("name") or "")


class ObjectCache:
    """Thread-safe; memory grows with objects, never with events. ``generation`` counts changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._objects: dict[str, dict[Key, dict[str, Any]]] = {}
        self._errors: dict[str, str] = {}
        self.generation = 0
        self._pending_since: float | None = None  # monotonic time of the oldest change no snapshot holds yet

    def _changed(self) -> None:
        self.generation += 1
        if self._pending_since is None:
            self._pending_since = time.monotonic()

    def replace(self, rtype: ResourceType, items: list[dict[str, Any]]) -> None:
        """A fresh list of ``rtype`` (after the first list, a 410 or a resync)."""
        with self._lock:
            self._objects[rtype.kind] = {key_of(o): o for o in items}
            self._errors.pop(rtype.kind, None)
            self._changed()

    def apply(self, rtype: ResourceType, event: str, obj: dict[str, Any]) -> bool:
        """One watch event; True when it changed what is stored."""
        with self._lock:
            objects = self._objects.setdefault(rtype.kind, {})
            key = key_of(obj)
            if event == "DELETED":
                changed = objects.pop(key, None) is not None
            elif event in ("ADDED", "MODIFIED"):
                changed = objects.get(key) != obj
                objects[key] = obj
            else:
                return False
            if changed:
                self._changed()
            return changed

    def fail(self, rtype: ResourceType, error: str) -> None:
        with self._lock:
            self._errors[rtype.kind] = error
            self._changed()

    def snapshot(self) -> tuple[dict[str, list[dict[str, Any]]], dict[str, str], int]:
        """(objects per kind, list errors per kind, generation) at one moment."""
        with self._lock:
            self._pending_since = None
            return ({kind: list(objects.values()) for kind, objects in self._objects.items()},
                    dict(self._errors), self.generation)

    def pending_since(self) -> float | None:
        """When the oldest change not in any snapshot yet happened (``time.monotonic``), or None."""
        with self._lock:
            return self._pending_since

    def known(self) -> set[str]:
        """Kinds listed (or failed to list) at least once."""
        with self._lock:
            return set(self._objects) | set(self._errors)

    def size(self) -> int:
        with self._lock:
            return sum(len(objects) for objects in self._objects.values())
