"""``count`` and ``for_each``: the instances a resource, data source or module call creates.

Addresses follow Terraform: ``aws_instance.web[0]``, ``aws_instance.web["a"]``.  A known
``count = 0`` or empty collection creates nothing.  An unknown collection gives one
instance with the block's plain address whose ``count.index``/``each.*`` are unknown, and
the expression that decides whether (and how often) the block exists.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable

from soc2gate.parsers.expressions import evaluate_value
from soc2gate.parsers.expressions_types import Unknown, shape

Lookup = Callable[[str, str], Any]
MAX_INSTANCES = 1000  # per block: beyond, the block is judged once, as every instance shares it
BOTH_SET = "count and for_each are both set (Terraform rejects the block)"


_UNKNOWN_SYMBOLS = {"count": {"index": Unknown("count.index")},
                    "each": {"key": Unknown("each.key"), "value": Unknown("each.value")}}


@dataclass(frozen=True)
class Instance:
    """One instance: the address suffix and the symbols (``each``, ``count``) it binds."""

    suffix: str = ""
    key: Any = None
    symbols: dict[str, dict[str, Any]] = field(default_factory=dict)


def expand(body: dict[str, Any], lookup: Lookup) -> tuple[list[Instance], str]:
    """The instances of a block, and the deciding expression when the collection is unknown."""
    if "count" in body and "for_each" in body:
        return [Instance(symbols=_UNKNOWN_SYMBOLS)], BOTH_SET
    if "count" in body:
        return _count(body["count"], lookup)
    if "for_each" in body:
        return _for_each(body["for_each"], lookup)
    return [Instance()], ""


def _count(raw: Any, lookup: Lookup) -> tuple[list[Instance], str]:
    value = evaluate_value(raw, lookup)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        unknown = Instance(symbols={"count": {"index": Unknown("count.index")}})
        return [unknown], f"count = {_text(raw)}"
    if value > MAX_INSTANCES:
        return [Instance(symbols={"count": {"index": Unknown("count.index")}})], \
            f"count = {_text(raw)} ({int(value)} instances: more than soc2gate expands)"
    return [Instance(f"[{i}]", i, {"count": {"index": i}}) for i in range(int(value))], ""


def _for_each(raw: Any, lookup: Lookup) -> tuple[list[Instance], str]:
    value = shape(evaluate_value(raw, lookup))
    if isinstance(value, (dict, list)) and len(value) > MAX_INSTANCES:
        value = None
    if isinstance(value, dict):
        return [_each(key, value[key]) for key in sorted(value)], ""
    if isinstance(value, list) and all(_scalar(v) for v in value):
        keys = sorted({_key(v) for v in value})
        return [_each(key, key) for key in keys], ""
    unknown = Instance(symbols={"each": {"key": Unknown("each.key"), "value": Unknown("each.value")}})
    return [unknown], f"for_each = {_text(raw)}"


def _each(key: str, value: Any) -> Instance:
    return Instance(f"[{json.dumps(str(key))}]", str(key), {"each": {"key": str(key), "value": value}})


def _scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def _key(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _text(raw: Any) -> str:
    if isinstance(raw, str) and raw.startswith("${") and raw.endswith("}"):
        return raw[2:-1].strip()
    return raw if isinstance(raw, str) else json.dumps(raw, default=str)


def bind(lookup: Lookup, symbols: dict[str, dict[str, Any]]) -> Lookup:
    """A lookup that answers ``each.*``/``count.*`` (or a dynamic iterator) from ``symbols``."""
    if not symbols:
        return lookup

    def scoped(root: str, name: str) -> Any:
        table = symbols.get(root)
        if table is not None:
            return table.get(name, Unknown(f"{root}.{name}"))
        return lookup(root, name)

    return scoped

