"""Reading many ledger lines fast: each record's members are decoded once per distinct content.

Runs of one repository record the same controls, failures, inputs and scope again and again, so a
period report over 100,000 records mostly re-reads identical members. ``LineDecoder`` splits a
line into its top-level members without decoding them (msgspec ``Raw``), decodes each distinct
member once and hands later records the same (read-only) value. Members that differ in every
record (``seq``, ``hash``, ``time``, the CI run, …) are decoded directly.

The result is exactly what ``chain.parse_line`` gives, including its nesting bound; whatever msgspec
does not read as stdlib ``json`` would (a lone surrogate escape, a number out of range, a line that is
not an object) is handed to ``parse_line`` itself, so the two never disagree.
"""

from __future__ import annotations

import json
from typing import Any

import msgspec

from soc2gate.evidence.chain import MAX_RECORD_DEPTH, parse_line

UNIQUE = frozenset({"seq", "hash", "prev_hash", "time", "run_id", "signature", "ci"})
_MEMBERS = msgspec.json.Decoder(dict[str, msgspec.Raw])
_VALUE = msgspec.json.Decoder()


class _Fallback(Exception):
    """This line is read by ``parse_line``."""


class LineDecoder:
    """Decodes the lines of one pass (verification, a report); values of shared members are shared,
    so callers must not modify what they get below the top level."""

    def __init__(self) -> None:
        self._memo: dict[bytes, Any] = {}

    def record(self, text: bytes) -> Any:
        """``parse_line(text)``, faster."""
        try:
            return self._record(text)
        except (msgspec.MsgspecError, RecursionError, _Fallback):
            return parse_line(text)

    def _record(self, text: bytes) -> dict[str, Any]:
        memo, record = self._memo, {}
        for key, raw in _MEMBERS.decode(text).items():
            if key in UNIQUE:
                record[key] = _checked(_VALUE.decode(raw), raw)
                continue
            data = bytes(raw)
            value = memo.get(data, _MISSING)
            if value is _MISSING:
                value = memo[data] = _checked(_VALUE.decode(data), data)
            record[key] = value
        return record


_MISSING = object()


def _checked(value: Any, raw: bytes | msgspec.Raw) -> Any:
    """``value`` (a member, so at depth 2) when it keeps within ``MAX_RECORD_DEPTH``."""
    if not isinstance(value, (dict, list)):
        return value
    data = bytes(raw)
    if data.count(b"[") + data.count(b"{") <= MAX_RECORD_DEPTH - 2:  # too few brackets to nest that deep
        return value
    stack = [(value, 2)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_RECORD_DEPTH:
            raise _Fallback  # parse_line raises the error that names the bound
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return value


def members(text: str | bytes, names: tuple[str, ...]) -> dict[str, Any] | None:
    """The named top-level members of a line that are present (None when it is not a JSON object)."""
    try:
        raw = _MEMBERS.decode(text)
        return {name: _VALUE.decode(raw[name]) for name in names if name in raw}
    except (msgspec.MsgspecError, RecursionError):
        pass
    try:
        record = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return {name: record[name] for name in names if name in record} if isinstance(record, dict) else None
