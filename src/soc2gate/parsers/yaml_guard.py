"""Refuse YAML whose aliases expand into an enormous document (the "billion laughs" attack).

PyYAML's safe loader shares aliased nodes, but everything downstream (JSON for the policy
engine, reports) expands them.  The expanded size is computed on the composed node graph,
once per distinct node, before anything is constructed.
"""

from __future__ import annotations

from typing import Any

import yaml

from soc2gate.parsers.yaml_scalars import SafeLoader

MAX_EXPANDED_NODES = 1_000_000


class YamlTooLarge(yaml.YAMLError):
    """The document would expand past the limit; ``line`` is where the document starts."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def check_expansion(node: Any, limit: int = MAX_EXPANDED_NODES) -> None:
    sizes: dict[int, int] = {}
    total = _expanded(node, sizes, limit)
    if total > limit:
        raise YamlTooLarge(f"YAML aliases expand to more than {limit:,} nodes (an alias bomb?): refused",
                           node.start_mark.line + 1)


def _expanded(node: Any, sizes: dict[int, int], limit: int) -> int:
    """Expanded node count, iteratively (no recursion limit), memoised per node, capped at limit+1."""
    stack = [(node, False)]
    while stack:
        current, children_done = stack.pop()
        if id(current) in sizes:
            continue
        children = _children(current)
        if children_done or not children:
            sizes[id(current)] = min(limit + 1, 1 + sum(sizes.get(id(c), 0) for c in children))
            continue
        stack.append((current, True))
        stack.extend((child, False) for child in children if id(child) not in sizes)
    return sizes[id(node)]


def _children(node: Any) -> list[Any]:
    if node.id == "sequence":
        return list(node.value)
    if node.id == "mapping":
        return [part for pair in node.value for part in pair]
    return []


def load_yaml(text: str) -> Any:
    """``yaml.safe_load`` of one document, refusing alias bombs (YamlTooLarge) before constructing,
    and NaN/Infinity (a YAML error at their line: ``yaml_scalars.SafeLoader``)."""
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        check_expansion(node)
        return construct(loader, node)
    finally:
        loader.dispose()


def construct(loader: Any, node: Any) -> Any:
    """``loader.construct_document(node)``; a value no constructor can build (``!!int 0xZZ``, a 13th
    month in a timestamp) is a YAMLError with its line, like every other YAML problem, not a ValueError."""
    try:
        return loader.construct_document(node)
    except (ValueError, TypeError, OverflowError, RecursionError, IndexError, KeyError) as exc:  # `!!int` empty
        problem = f"invalid value: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"[:200]
        raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark) from None
