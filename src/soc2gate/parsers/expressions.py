"""Resolve Terraform expressions that python-hcl2 leaves as ``${...}`` strings.

Only what is certain is resolved: variables with values, locals, string templates
made of those, literals.  Everything else becomes :class:`Unknown` carrying the
expression, so policies can call the outcome inconclusive instead of guessing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterator

_REF = re.compile(r"^(var|local)\.([A-Za-z_][\w-]*)((?:\.[A-Za-z_][\w-]*|\[\d+\]|\[\"[^\"]*\"\])*)$")
_STEP = re.compile(r"\.([A-Za-z_][\w-]*)|\[(\d+)\]|\[\"([^\"]*)\"\]")
_LITERALS = {"true": True, "false": False, "null": None}


@dataclass(frozen=True)
class Unknown:
    """A value that cannot be known before apply (or without more input)."""

    expression: str


Lookup = Callable[[str, str], Any]


def template_parts(text: str) -> Iterator[tuple[bool, str]]:
    """Split a string into (is_expression, text) parts, honouring nested braces and quotes."""
    index, start = 0, 0
    while True:
        found = text.find("${", index)
        if found < 0:
            break
        if found > 0 and text[found - 1] == "$":
            index = found + 2
            continue
        end = _matching_brace(text, found + 2)
        if end < 0:
            break
        if found > start:
            yield False, text[start:found]
        yield True, text[found + 2:end].strip()
        index = start = end + 1
    if start < len(text):
        yield False, text[start:]


def _matching_brace(text: str, index: int) -> int:
    depth, quote = 1, False
    while index < len(text):
        char = text[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == '"':
                quote = False
        elif char == '"':
            quote = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return -1


def resolve_string(text: str, lookup: Lookup) -> Any:
    """Evaluate a string that may hold interpolations."""
    if "${" not in text:
        return text
    parts = list(template_parts(text))
    if len(parts) == 1 and parts[0][0]:
        return evaluate(parts[0][1], lookup)
    pieces = []
    for is_expr, part in parts:
        value = evaluate(part, lookup) if is_expr else part
        if isinstance(value, Unknown) or isinstance(value, (dict, list)):
            return Unknown(text)
        pieces.append(_to_string(value))
    return "".join(pieces)


def _to_string(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return ""
    return str(value)


def evaluate(expr: str, lookup: Lookup) -> Any:
    """Evaluate one expression: literals and var/local references; else Unknown."""
    expr = expr.strip()
    while expr.startswith("(") and expr.endswith(")") and _matching_paren(expr) == len(expr) - 1:
        expr = expr[1:-1].strip()
    if expr in _LITERALS:
        return _LITERALS[expr]
    literal = _number_or_string(expr)
    if literal is not _MISSING:
        return literal
    match = _REF.match(expr)
    if not match:
        return Unknown(expr)
    value = lookup(match.group(1), match.group(2))
    for step in _STEP.finditer(match.group(3) or ""):
        value = _step(value, step, expr)
    return Unknown(expr) if isinstance(value, Unknown) else value


_MISSING = object()


def _number_or_string(expr: str) -> Any:
    if re.fullmatch(r"-?\d+(\.\d+)?", expr):
        return float(expr) if "." in expr else int(expr)
    if expr.startswith('"') and expr.endswith('"') and "${" not in expr:
        try:
            return json.loads(expr)
        except json.JSONDecodeError:
            return _MISSING
    return _MISSING


def _matching_paren(expr: str) -> int:
    depth = 0
    for index, char in enumerate(expr):
        depth += char == "("
        depth -= char == ")"
        if depth == 0:
            return index
    return -1


def _step(value: Any, step: re.Match[str], expr: str) -> Any:
    if isinstance(value, Unknown):
        return value
    key = step.group(1) if step.group(1) is not None else step.group(3)
    if key is not None and isinstance(value, dict) and key in value:
        return value[key]
    if step.group(2) is not None and isinstance(value, list) and int(step.group(2)) < len(value):
        return value[int(step.group(2))]
    return Unknown(expr)


def resolve_value(value: Any, lookup: Lookup, path: str, unknown: dict[str, str]) -> Any:
    """Resolve every string in a JSON value; record unknown paths (list indices dropped).

    Unknown values keep their original text so presence checks still see them set.
    """
    if isinstance(value, str):
        resolved = resolve_string(value, lookup)
        if isinstance(resolved, Unknown):
            unknown.setdefault(path, resolved.expression)
            return value
        return resolved
    if isinstance(value, dict):
        return {k: resolve_value(v, lookup, f"{path}.{k}" if path else k, unknown) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve_value(v, lookup, path, unknown) for v in value]
    return value


def references(value: Any) -> Iterator[str]:
    """Every ``${...}`` expression inside a JSON value (used to resolve links)."""
    if isinstance(value, str):
        for is_expr, part in template_parts(value):
            if is_expr:
                yield part
    elif isinstance(value, dict):
        for item in value.values():
            yield from references(item)
    elif isinstance(value, list):
        for item in value:
            yield from references(item)
