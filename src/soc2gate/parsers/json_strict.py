"""JSON as RFC 8259 defines it: no ``NaN``/``Infinity``, no number that overflows to infinity.

Python's ``json`` accepts ``NaN``, ``Infinity`` and ``-Infinity`` and turns ``1e999`` into
``inf``; none of them is JSON, none can be handed to the policy engine (it stops the whole
run), and none is a value a policy can judge.  ``loads`` refuses them with a
``json.JSONDecodeError`` that points at the offending token, so every reader that already
reports invalid JSON with its line (plans, ``.tf.json``, ``.tfvars.json``, change records,
Kubernetes JSON, AdmissionReviews) reports these the same way.  Integers longer than Python
converts (4,300 digits) are refused the same way instead of raising a bare ValueError.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

# A string (skipped whole, so a token inside it is never taken) or a bare number/constant token.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|-?(?:NaN|Infinity)|-?[0-9][0-9.eE+-]*')


class _Refused(ValueError):
    def __init__(self, token: str, why: str) -> None:
        super().__init__(why)
        self.token = token


def loads(text: str) -> Any:
    """``json.loads`` that raises JSONDecodeError (with line and column) on NaN, Infinity and overflow."""
    try:
        return json.loads(text, parse_constant=_constant, parse_float=_float, parse_int=_int)
    except _Refused as exc:
        raise json.JSONDecodeError(f"`{exc.token}` {exc}", text, _position(text, exc.token)) from None


def _constant(token: str) -> Any:
    raise _Refused(token, "is not a JSON number (NaN and Infinity cannot be evaluated)")


def _float(token: str) -> float:
    value = float(token)
    if not math.isfinite(value):
        raise _Refused(token, "is too large for a JSON number (it overflows to infinity)")
    return value


def _int(token: str) -> int:
    try:
        return int(token)
    except ValueError:
        raise _Refused(token[:20] + "...", "is an integer too long to read (over 4,300 digits)") from None


def _position(text: str, token: str) -> int:
    """Offset of the first bare ``token`` (outside strings) in ``text``; 0 when not found."""
    prefix = token[:-3] if token.endswith("...") else None
    for match in _TOKEN.finditer(text):
        found = match.group()
        if found.startswith('"'):
            continue
        if found == token or (prefix is not None and found.startswith(prefix) and len(found) > 4300):
            return match.start()
    return 0
