"""Server-side apply as the loopback Kubernetes API server (kube_watch_server.py) answers it: the
checks the apiserver makes on an apply patch, its conflicts, and the object it stores (create-or-replace,
with the applying manager recorded in ``managedFields``; field-level merging is not modelled)."""

from __future__ import annotations

import json
import time
from typing import Any

import yaml

APPLY = "application/apply-patch+yaml"


def apply_body(raw: bytes) -> Any:
    """An apply patch is YAML; clients send JSON (a subset), which the apiserver reads with a JSON parser:
    so does this one (PyYAML takes seconds over a 1 MB report, and the soak would measure the harness)."""
    try:
        return json.loads(raw)
    except ValueError:
        return yaml.safe_load(raw)


def apply_problem(body: Any, parts: dict[str, str]) -> str:
    if not isinstance(body, dict) or not isinstance(body.get("metadata"), dict):
        return "the apply patch is not an object with metadata"
    if body.get("apiVersion") != parts["gv"] or not body.get("kind"):
        return f"apiVersion must be {parts['gv']} and kind must be set in an apply patch"
    if body["metadata"].get("name") != parts["name"]:
        return "the name of the object does not match the name on the URL"
    return ""


def apply_conflict(body: dict[str, Any], current: dict[str, Any] | None, manager: str, force: bool) -> str:
    """409 for a resourceVersion precondition that fails, or fields another manager applied (without force)."""
    if current is None:
        return ""
    wanted = body["metadata"].get("resourceVersion")
    if wanted and wanted != current["metadata"]["resourceVersion"]:
        return "Operation cannot be fulfilled: the object has been modified"
    others = sorted({m["manager"] for m in current["metadata"].get("managedFields") or []
                     if m.get("operation") == "Apply" and m.get("manager") != manager})
    if others and not force:
        return f'Apply failed with 1 conflict: conflict with "{others[0]}": .spec'
    return ""


def applied(body: dict[str, Any], current: dict[str, Any] | None, manager: str, parts: dict[str, str]) -> dict:
    """Create-or-replace: the applied fields become the object, owned by ``manager`` alone (``body`` is taken
    over: the caller parsed it for this request)."""
    stored = dict(body)
    metadata = stored["metadata"] = dict(body["metadata"])
    metadata.pop("resourceVersion", None)
    if parts["ns"]:
        metadata["namespace"] = parts["ns"]
    if current is not None:
        metadata["uid"] = current["metadata"]["uid"]
    fields = {f"f:{key}": {} for key in sorted(stored) if key not in ("apiVersion", "kind")}
    metadata["managedFields"] = [{"manager": manager, "operation": "Apply", "apiVersion": parts["gv"],
                                  "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                                  "fieldsType": "FieldsV1", "fieldsV1": fields}]
    return stored
