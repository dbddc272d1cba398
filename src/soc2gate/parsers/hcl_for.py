"""HCL ``for`` expressions: ``[for k, v in coll : expr if cond]`` and ``{for ... : key => value...}``.

The body is re-read once per element with the loop symbols bound (the parser keeps the
tokens); a dry pass with unknown symbols finds where the expression ends.  An unknown
collection, condition or element makes the whole result unknown.
"""

from __future__ import annotations

from typing import Any

from soc2gate.parsers.expressions_types import NotCovered, Unknown, partial_or, shape


def for_expression(parser: Any, close: str) -> Any:
    parser.take("for")
    names = [parser.take()[1]]
    if parser.peek() == ",":
        parser.take(",")
        names.append(parser.take()[1])
    parser.take("in")
    collection = parser.conditional()
    parser.take(":")
    start = parser.position
    dry = Unknown("for")
    _element(parser, start, names, dry, dry, close)
    end = parser.position
    pairs = _pairs(collection)
    if pairs is None:
        return Unknown(parser.text)
    results = [_element(parser, start, names, key, value, close) for key, value in pairs]
    parser.position = end
    return _collect(results, close == "}", parser.text)


def _pairs(collection: Any) -> list[tuple[Any, Any]] | None:
    collection = shape(collection)
    if collection is None:
        return None
    if isinstance(collection, list):
        return list(enumerate(collection))
    if isinstance(collection, dict):
        return [(key, collection[key]) for key in sorted(collection)]
    raise NotCovered("for over a non-collection")


def _element(parser: Any, start: int, names: list[str], key: Any, value: Any, close: str) -> tuple[Any, ...]:
    saved = dict(parser.bindings)
    parser.bindings.update({names[0]: value} if len(names) == 1 else {names[0]: key, names[1]: value})
    parser.position = start
    try:
        out_key, group = None, False
        out_value = parser.conditional()
        if close == "}":
            parser.take("=>")
            out_key, out_value = out_value, parser.conditional()
            if parser.peek() == "...":
                parser.take("...")
                group = True
        condition: Any = True
        if parser.peek() == "if":
            parser.take("if")
            condition = parser.conditional()
        parser.take(close)
    finally:
        parser.bindings = saved
    return out_key, out_value, group, condition


def _collect(results: list[tuple[Any, ...]], is_object: bool, text: str) -> Any:
    values: list[Any] = []
    mapping: dict[str, Any] = {}
    for key, value, group, condition in results:
        if isinstance(condition, Unknown) or isinstance(key, Unknown):
            return Unknown(text)
        if condition is not True:
            if condition is False:
                continue
            raise NotCovered("for condition is not a bool")
        if not is_object:
            values.append(value)
        elif group:
            mapping.setdefault(str(key), []).append(value)
        elif str(key) in mapping:
            raise NotCovered("duplicate key in for expression")
        else:
            mapping[str(key)] = value
    if is_object and any(group for _, _, group, _ in results):
        mapping = {key: partial_or(text, items) for key, items in mapping.items()}
    return partial_or(text, mapping if is_object else values)
