"""Resolve Terraform expressions that python-hcl2 leaves as ``${...}`` strings.

Only what is certain is resolved: variables with values, locals, string templates
made of those, literals.  Everything else becomes :class:`Unknown` carrying the
expression, so policies can call the outcome inconclusive instead of guessing.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable, Iterator

from soc2gate.parsers.expressions_types import Reference, Unknown, partial_or
from soc2gate.parsers.hcl_partial import join_template, record

__all__ = ["Unknown", "evaluate", "evaluate_value", "resolve_string", "resolve_value", "references", "template_parts"]


Lookup = Callable[[str, str], Any]


def template_parts(text: str) -> tuple[tuple[bool, str], ...]:
    """Split a string into (is_expression, text) parts, honouring nested braces and quotes (cached: module
    instances evaluate the same strings again and again)."""
    return _template_parts(text)


@lru_cache(maxsize=16384)
def _template_parts(text: str) -> tuple[tuple[bool, str], ...]:
    return tuple(_split_template(text))


def _split_template(text: str) -> Iterator[tuple[bool, str]]:
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
    return join_template(text, [evaluate(part, lookup) if is_expr else part for is_expr, part in parts])


def evaluate(expr: str, lookup: Lookup) -> Any:
    """Evaluate one expression (see hcl_expr, read once per text by hcl_compile); Unknown for anything not certain."""
    from soc2gate.parsers.hcl_compile import evaluate as evaluate_compiled

    return evaluate_compiled(expr, lookup, lambda text: resolve_string(text, lookup))


def evaluate_value(value: Any, lookup: Lookup) -> Any:
    """A JSON value with every string evaluated; Partial where some elements are unknown."""
    if isinstance(value, str):
        return resolve_string(value, lookup)
    if isinstance(value, dict):
        return partial_or("object", {k: evaluate_value(v, lookup) for k, v in value.items()})
    if isinstance(value, list):
        return partial_or("list", [evaluate_value(v, lookup) for v in value])
    return value


def resolve_value(value: Any, lookup: Lookup, path: str, unknown: dict[str, str],
                  refs: dict[str, str] | None = None, partial: dict[str, Any] | None = None) -> Any:
    """Resolve every string in a JSON value; record unknown paths (list indices dropped).

    Unknown values keep their original text so presence checks still see them set;
    values that come from another resource are recorded in ``refs`` (path -> address);
    what is known of an unknown string (hcl_partial.record) in ``partial`` (original text -> shape).
    """
    if isinstance(value, str):
        resolved = resolve_string(value, lookup)
        if isinstance(resolved, Unknown):
            unknown.setdefault(path, resolved.expression)
            if isinstance(resolved, Reference) and refs is not None:
                refs.setdefault(path, resolved.address)
            if partial is not None:
                record(partial, value, resolved)
            return value
        return resolved
    if isinstance(value, dict):
        return {k: resolve_value(v, lookup, f"{path}.{k}" if path else k, unknown, refs, partial)
                for k, v in value.items()}
    if isinstance(value, list):
        return [resolve_value(v, lookup, path, unknown, refs, partial) for v in value]
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
