"""Variable type constraints: a value converted to its declared type, as Terraform does.

developer.hashicorp.com/terraform/language/expressions/type-constraints: converting to
``object({...})`` keeps only the declared attributes; an ``optional(T, default)`` attribute that is
missing or null takes the default (``optional(T)`` without one: null), also inside ``map(...)``,
``list(...)``, ``set(...)`` and ``tuple([...])``; primitive values convert (``5`` to ``"5"`` for
``string``, ``"true"`` to ``true`` for ``bool``).  A value that does not fit the type is left as
given (Terraform would reject it; soc2gate does not guess), and so is anything not understood.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from soc2gate.parsers.expressions import resolve_string
from soc2gate.parsers.expressions_types import NotCovered, Partial, Unknown, partial_or
from soc2gate.parsers.hcl_expr import Parser

PRIMITIVES = ("string", "number", "bool", "any")
COLLECTIONS = ("list", "set", "map")


def parse_type(text: Any) -> Any:
    """The type tree of a ``type = ...`` argument (None when absent or not understood).

    ``("string",)``, ``("list", T)``, ``("object", {name: (T, optional, default)})``, ``("tuple", [T])``.
    """
    if not isinstance(text, str):
        return None
    tree, shared = _parsed(text)
    return tree if shared else _parse(text)


@lru_cache(maxsize=4096)
def _parsed(text: str) -> tuple[Any, bool]:
    """The tree of ``text``, and whether it may be handed out again (cached: every module instance converts
    its variables): only when its defaults are primitives (a dict or list default goes into the
    converted values, so each conversion gets its own)."""
    tree = _parse(text)
    return tree, _shareable(tree)


def _shareable(tree: Any) -> bool:
    if tree is None or len(tree) == 1:
        return True
    if tree[0] == "object":
        return all(_shareable(sub) and isinstance(default, (str, int, float, bool, type(None)))
                   for sub, _, default in tree[1].values())
    return all(_shareable(sub) for sub in tree[1]) if tree[0] == "tuple" else _shareable(tree[1])


def _parse(text: str) -> Any:
    text = text[2:-1] if text.startswith("${") and text.endswith("}") else text

    def nothing(root: str, name: str) -> Any:  # a default is a literal: it refers to nothing
        return Unknown(f"{root}.{name}")

    try:
        parser = Parser(text, nothing, lambda template: resolve_string(template, nothing))
        tree = _type(parser)
        return tree if parser.position == len(parser.tokens) else None
    except (NotCovered, RecursionError):
        return None


def _type(parser: Any) -> Any:
    kind, name = parser.take()
    if name in PRIMITIVES and parser.peek() != "(":
        return (name,)
    parser.take("(")
    if name in COLLECTIONS:
        tree: Any = (name, _type(parser))
    elif name == "object":
        tree = ("object", _attributes(parser))
    elif name == "tuple":
        parser.take("[")
        items = []
        while parser.peek() != "]":
            items.append(_type(parser))
            if parser.peek() == ",":
                parser.take(",")
        parser.take("]")
        tree = ("tuple", items)
    else:
        raise NotCovered(f"type {name}")
    parser.take(")")
    return tree


def _attributes(parser: Any) -> dict[str, tuple[Any, bool, Any]]:
    parser.take("{")
    attributes: dict[str, tuple[Any, bool, Any]] = {}
    while parser.peek() != "}":
        kind, key = parser.take()
        key = key[1:-1] if kind == "string" else key
        parser.take("=" if parser.peek() == "=" else ":")
        if parser.peek() == "optional" and parser.peek(1) == "(":
            parser.take()
            parser.take("(")
            inner, default = _type(parser), None
            if parser.peek() == ",":
                parser.take(",")
                default = parser.conditional()
            parser.take(")")
            attributes[key] = (inner, True, default)
        else:
            attributes[key] = (_type(parser), False, None)
        if parser.peek() == ",":
            parser.take(",")
    parser.take("}")
    return attributes


def convert(value: Any, tree: Any) -> Any:
    """``value`` converted to the type ``tree`` (unchanged where it does not fit)."""
    if tree is None or value is None or tree == ("any",):
        return value
    if isinstance(value, Partial):
        converted = convert(value.value, tree)
        return partial_or(value.expression, converted) if isinstance(converted, (dict, list)) else value
    if isinstance(value, Unknown):
        return value
    kind = tree[0]
    if kind in PRIMITIVES:
        return _primitive(value, kind)
    if kind == "map" and isinstance(value, dict):
        return {key: convert(item, tree[1]) for key, item in value.items()}
    if kind in ("list", "set") and isinstance(value, list):
        return [convert(item, tree[1]) for item in value]
    if kind == "tuple" and isinstance(value, list) and len(value) == len(tree[1]):
        return [convert(item, sub) for item, sub in zip(value, tree[1], strict=True)]
    if kind == "object" and isinstance(value, dict):
        return _object(value, tree[1])
    return value


def _object(value: dict[str, Any], attributes: dict[str, tuple[Any, bool, Any]]) -> dict[str, Any]:
    if any(name not in value and not optional for name, (_, optional, _) in attributes.items()):
        return value  # a required attribute is missing: Terraform rejects the value
    out: dict[str, Any] = {}
    for name, (sub, optional, default) in attributes.items():
        item = value.get(name)
        if item is None and optional:
            item = default
        out[name] = convert(item, sub)
    return out


def _primitive(value: Any, kind: str) -> Any:
    if kind == "string" and isinstance(value, (int, float)):
        return ("true" if value else "false") if isinstance(value, bool) else _number_text(value)
    if kind == "bool" and value in ("true", "false"):
        return value == "true"
    if kind == "number" and isinstance(value, str):
        try:
            return float(value) if any(c in value for c in ".eE") else int(value)
        except ValueError:
            return value
    return value


def _number_text(value: int | float) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
