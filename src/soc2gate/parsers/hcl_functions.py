"""Pure Terraform built-in functions the expression evaluator can compute.

Each takes the evaluated argument list; an Unknown argument makes the result Unknown
(except ``try`` and ``coalesce``, which pick the first usable value).
"""

from __future__ import annotations

import ipaddress
import json
import re
from typing import Any, Callable

from soc2gate.parsers.expressions_types import Failed, Partial, Reference, Unknown, partial_or
from soc2gate.parsers.hcl_partial import encode, opaque

Function = Callable[[list[Any]], Any]
MAX_RANGE = 10_000


def _strict(function: Callable[..., Any]) -> Function:
    def call(arguments: list[Any]) -> Any:
        for argument in arguments:
            if isinstance(argument, Partial):  # the result is unknown, not the argument's known part
                return Unknown(argument.expression)
            if isinstance(argument, Unknown):
                return opaque(argument)
        try:
            return function(*arguments)
        except (TypeError, ValueError, KeyError, IndexError, AttributeError, ZeroDivisionError):
            return Failed("function call")
    return call


def _text(function: Callable[..., Any]) -> Function:
    """Like _strict, for functions whose arguments are strings: a collection, even one with unknown
    elements, is a type error (so ``try(jsondecode(var.list), var.list)`` falls through)."""
    strict = _strict(function)

    def call(arguments: list[Any]) -> Any:
        if any(isinstance(a, (Partial, dict, list)) for a in arguments):
            return Failed("function call")
        return strict(arguments)
    return call


def _shaped(function: Callable[..., Any]) -> Function:
    """Like _strict, but a Partial argument (known shape) counts: ``length``, ``keys``, ``merge``..."""
    strict = _strict(function)

    def call(arguments: list[Any]) -> Any:
        result = strict([a.value if isinstance(a, Partial) else a for a in arguments])
        return partial_or("function call", result) if isinstance(result, (dict, list)) else result
    return call


def _first_usable(arguments: list[Any]) -> Any:
    for argument in arguments:
        if isinstance(argument, Unknown):
            return opaque(argument)
        if argument is not None and argument != "":
            return argument
    return Unknown("coalesce()")


def _try(arguments: list[Any]) -> Any:
    """``try(a, b)``: the first argument that evaluated without error (an unknown one stays unknown)."""
    for argument in arguments:
        if not isinstance(argument, Failed):
            return argument
    return Failed("try()")


def _can(arguments: list[Any]) -> Any:
    if not arguments or isinstance(arguments[0], Failed):
        return False
    return Unknown("can()") if isinstance(arguments[0], Unknown) else True


def _range(*bounds: Any) -> list:
    if len(bounds) == 1:
        bounds = (0, bounds[0])
    start, end, step = (list(bounds) + [1 if bounds[1] >= bounds[0] else -1])[:3]
    values: list[Any] = []
    value = start
    while value < end if step > 0 else value > end:
        if len(values) >= MAX_RANGE:
            raise ValueError("range() too long to evaluate")
        values.append(value)
        value += step
    return values


def _cidrsubnet(prefix: str, newbits: int, netnum: int) -> str:
    """The ``netnum``-th range of ``newbits`` more bits in ``prefix``, by arithmetic (not by listing them)."""
    network = ipaddress.ip_network(prefix, strict=False)
    newbits, netnum = int(newbits), int(netnum)
    length = network.prefixlen + newbits
    if newbits < 0 or length > network.max_prefixlen or not 0 <= netnum < 2 ** newbits:
        raise ValueError(f"prefix extension of {newbits} does not accommodate a subnet numbered {netnum}")
    address = int(network.network_address) + (netnum << (network.max_prefixlen - length))
    return str(ipaddress.ip_network((address, length)))


def _cidrsubnets(arguments: list[Any]) -> Any:
    """``cidrsubnets(prefix, newbits...)``: consecutive ranges, one per newbits argument; of an unknown
    prefix, a list of that many unknown ranges."""
    if len(arguments) > 1 and isinstance(arguments[0], Unknown) and not isinstance(arguments[0], Partial):
        count = len(arguments) - 1
        return Partial(arguments[0].expression, [Unknown(f"cidrsubnets()[{i}]") for i in range(count)])
    return _strict(_consecutive)(arguments)


def _consecutive(prefix: str, *newbits: int) -> list[str]:
    network = ipaddress.ip_network(prefix, strict=False)
    start, out = int(network.network_address), []
    for bits in newbits:
        length = network.prefixlen + int(bits)
        size = 2 ** (network.max_prefixlen - length)
        start = -(-start // size) * size  # aligned to the range's own size
        subnet = ipaddress.ip_network((start, length))
        if not subnet.subnet_of(network):  # type: ignore[arg-type]
            raise ValueError("not enough address space")
        out.append(str(subnet))
        start += size
    return out


def _jsonencode(arguments: list[Any]) -> Any:
    """JSON text; of a collection with unknown elements, an Encoded value of known structure."""
    encoded = encode(arguments[0]) if len(arguments) == 1 else None
    return encoded if encoded is not None else _strict(lambda v: json.dumps(v, separators=(",", ":")))(arguments)


def _one(items: list) -> Any:
    if len(items) > 1:
        raise ValueError("more than one element")
    return items[0] if items else None


def _lookup(mapping: dict, key: str, *default: Any) -> Any:
    return mapping[key] if key in mapping else default[0]


def _merge(*maps: dict) -> dict:
    merged: dict = {}
    for item in maps:
        merged.update(item or {})
    return merged


def _flatten(items: list) -> list:
    """Nested lists flattened; a Partial list counts by its elements, an unknown item may be a list."""
    flat: list = []
    for item in items:
        item = item.value if isinstance(item, Partial) and isinstance(item.value, list) else item
        if isinstance(item, Unknown) and not isinstance(item, Partial) and not getattr(item, "scalar", False):
            raise ValueError("flatten() of an unknown element")
        flat.extend(_flatten(item) if isinstance(item, list) else [item])
    return flat


def _slice(arguments: list[Any]) -> Any:
    """``slice(list, start, end)``: of an unknown list with known bounds, a list of ``end - start``
    unknown elements (Terraform rejects a list too short, so a valid one has exactly that many)."""
    if len(arguments) == 3 and type(arguments[0]) in (Unknown, Reference) \
            and all(type(a) is int and a >= 0 for a in arguments[1:]) and arguments[1] <= arguments[2]:
        items, start, end = arguments
        if end - start <= MAX_RANGE:
            return Partial(items.expression, [Unknown(f"{items.expression}[{i}]") for i in range(start, end)])
    return _shaped(lambda items, start, end: items[int(start):int(end)])(arguments)


def _tobool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise ValueError(value)


def _tostring(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        raise TypeError(value)
    return str(value)


FUNCTIONS: dict[str, Function] = {
    "length": _shaped(len),
    "lower": _text(str.lower),
    "upper": _text(str.upper),
    "title": _text(lambda text: re.sub(r"\b\w", lambda m: m.group().upper(), text)),
    "trimspace": _text(str.strip),
    "tostring": _strict(_tostring),
    "tonumber": _strict(lambda v: v if isinstance(v, (int, float)) else float(v) if "." in str(v) else int(v)),
    "tobool": _strict(_tobool),
    "tolist": _shaped(list),
    "toset": _strict(lambda v: sorted(set(v), key=str)),
    "tomap": _shaped(dict),
    "concat": _shaped(lambda *lists: [x for item in lists for x in item]),
    "merge": _shaped(_merge),
    "lookup": _shaped(_lookup),
    "contains": _strict(lambda items, value: value in items),
    "keys": _shaped(lambda m: sorted(m)),
    "values": _shaped(lambda m: [m[k] for k in sorted(m)]),
    "compact": _strict(lambda items: [i for i in items if i not in (None, "")]),
    "flatten": _shaped(_flatten),
    "distinct": _strict(lambda items: [x for i, x in enumerate(items) if x not in items[:i]]),
    "join": _strict(lambda sep, items: sep.join(_tostring(i) for i in items)),
    "split": _strict(lambda sep, text: text.split(sep)),
    "replace": _strict(lambda text, old, new: text.replace(old, new)),
    "element": _shaped(lambda items, index: items[int(index) % len(items)]),
    "min": _strict(min),
    "max": _strict(max),
    "abs": _strict(abs),
    "jsonencode": _jsonencode,
    "jsondecode": _text(json.loads),
    "coalesce": _first_usable,
    "try": _try,
    "can": _can,
    "range": _strict(_range),
    "zipmap": _strict(lambda keys, values: dict(zip(keys, values, strict=True))),
    "setunion": _strict(lambda *sets: sorted({x for item in sets for x in item}, key=str)),
    "one": _shaped(_one),
    "sum": _strict(sum),
    "reverse": _strict(lambda items: list(reversed(items))),
    "sort": _strict(lambda items: sorted(items, key=str)),
    "slice": _slice,
    "startswith": _strict(lambda text, prefix: text.startswith(prefix)),
    "endswith": _strict(lambda text, suffix: text.endswith(suffix)),
    "alltrue": _strict(lambda items: all(i is True for i in items)),
    "anytrue": _strict(lambda items: any(i is True for i in items)),
    "cidrsubnet": _strict(_cidrsubnet),
    "cidrsubnets": _cidrsubnets,
}
