"""The generic change record: JSON Schema validation and timestamp normalization.

Every record, whether a user wrote it or an adapter produced it, passes ``validate``
before it becomes a Resource, so policies can rely on the types of present fields.
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from soc2gate.errors import InputError
from soc2gate.parsers.change.timestamps import TimestampError, normalize_timestamp

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schemas" / "change-record.schema.json"
API_VERSION = "soc2gate.io/v1"
KIND = "ChangeRecord"
TIME_FIELDS = ("merged_at", "created_at", "deployed_at")


def required(mapping: dict[str, Any], key: str, where: str) -> Any:
    """``mapping[key]``; an InputError naming ``where`` (e.g. "GitHub event field `repository`")
    when it is absent or empty."""
    value = mapping.get(key)
    if value is None or value == "":
        raise InputError(f"{where} has no `{key}`: cannot build a change record")
    return value


@lru_cache(maxsize=1)
def record_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def wrap(spec: dict[str, Any]) -> dict[str, Any]:
    """A full record document around ``spec``."""
    return {"apiVersion": API_VERSION, "kind": KIND, "spec": spec}


def validate(document: Any) -> dict[str, Any]:
    """The record with timestamps normalized; InputError naming the first bad field."""
    import jsonschema
    from jsonschema.exceptions import best_match

    validator = jsonschema.Draft202012Validator(record_schema())
    error = best_match(validator.iter_errors(document), key=_depth_first)
    if error is not None:
        raise InputError(f"invalid change record at `{_field(error)}`: {_explain(error)}")
    record = copy.deepcopy(document)
    _normalize_times(record["spec"])
    return record  # type: ignore[no-any-return]


def _depth_first(error: Any) -> tuple[int, int]:
    return (-len(error.absolute_path), 0)


def _field(error: Any) -> str:
    parts: list[str] = []
    for part in error.absolute_path:
        parts.append(f"[{part}]" if isinstance(part, int) else ("." if parts else "") + str(part))
    if error.validator == "required":
        missing = str(error.message).split("'")[1] if "'" in str(error.message) else ""
        parts.append(("." if parts else "") + missing)
    return "".join(parts) or "(top level)"


def _explain(error: Any) -> str:
    if error.validator == "required":
        return "required field is missing"
    if error.validator == "additionalProperties":
        return f"unknown field ({str(error.message).split('(')[-1].rstrip(')')})"
    if error.validator == "const":
        return f"must be {json.dumps(error.validator_value)}"
    if error.validator in ("anyOf", "oneOf"):
        types = [sub.validator_value for sub in error.context if sub.validator == "type"]
        expected = sorted({str(t) for value in types for t in (value if isinstance(value, list) else [value])})
        return f"{json.dumps(error.instance)} is not allowed here (expected {' or '.join(expected) or 'another value'})"
    return str(error.message)


def _normalize_times(spec: dict[str, Any]) -> None:
    for name in TIME_FIELDS:
        if spec.get(name) is not None:
            spec[name] = _time(spec[name], f"spec.{name}")
    for index, approval in enumerate(spec.get("approvals") or []):
        if approval.get("submitted_at") is not None:
            approval["submitted_at"] = _time(approval["submitted_at"], f"spec.approvals[{index}].submitted_at")


def _time(value: Any, field: str) -> str:
    try:
        return normalize_timestamp(value)
    except TimestampError as exc:
        raise InputError(f"invalid change record at `{field}`: {exc}") from None
