"""Detect change-record documents and turn them into Resources of type ``change_record``."""

from __future__ import annotations

from typing import Any

from soc2gate.errors import InputError
from soc2gate.model import Resource, SourceSpan

API_VERSION = "soc2gate.io/v1"
KIND = "ChangeRecord"


def detect(document: Any) -> bool:
    """True for a generic change record (``apiVersion: soc2gate.io/v1``, ``kind: ChangeRecord``)."""
    return (isinstance(document, dict) and document.get("kind") == KIND
            and str(document.get("apiVersion", "")).startswith("soc2gate.io/"))


def to_resource(document: Any, path: str, line: int) -> Resource:
    if not detect(document):
        raise InputError(f"{path}: not a change record (expected apiVersion {API_VERSION}, kind {KIND})")
    spec = document.get("spec")
    if not isinstance(spec, dict):
        raise InputError(f"{path}: change record needs a `spec` mapping")
    record_id = str(spec.get("id") or "")
    if not record_id:
        raise InputError(f"{path}: change record needs `spec.id`")
    return Resource(
        surface="change",
        type="change_record",
        name=record_id,
        address=f"change/{record_id}",
        span=SourceSpan(path, line, line),
        attributes=spec,
        meta={"source": "generic"},
    )
