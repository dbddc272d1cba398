"""How plain YAML scalars become values: one loader for every YAML soc2gate reads, one for Kubernetes.

* ``SafeLoader``: PyYAML's safe loader (the C one when built) that refuses ``.nan``/``.inf`` and
  floats that overflow (``1.0e999``), and integers too long to convert, as a YAML error at the
  scalar's line.  Used for configuration, waiver files and change records.
* ``KubernetesLoader``: the scalar resolution ``kubectl`` and the API server apply.  They read
  YAML through sigs.k8s.io/yaml over go-yaml v2, whose resolve table is YAML 1.1's: ``y``/``Y``/
  ``yes``/``on``/``true`` (every case variant it lists) are ``true``, ``n``/``N``/``no``/``off``/
  ``false`` are ``false``.  PyYAML reads ``y`` and ``n`` as strings, so ``privileged: y`` would
  pass a policy while Kubernetes runs the container privileged.  Numbers follow go-yaml v2 too
  (Go ``ParseInt`` base 0 after removing ``_``, then its float syntax; ``1:20`` is a string, not
  sexagesimal), and timestamps stay strings, as go-yaml v2 decodes them into ``interface{}``
  (a timestamp is neither a Go integer nor a Go float, so it is left as the text).
"""

from __future__ import annotations

import math
import re
from typing import Any, ClassVar

import yaml
from yaml.constructor import ConstructorError

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

GO_BOOLS = {
    True: ("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"),
    False: ("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"),
}
_BOOL_OF = {text: value for value, texts in GO_BOOLS.items() for text in texts}
_GO_INT = re.compile(r"[-+]?(?:0[bB][01]+|0[oO][0-7]+|0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)")
_GO_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_INT64 = (-(2 ** 63), 2 ** 63 - 1)
GO_NUMBER_TAG = "tag:soc2gate,2026:go-number"


def _refuse(node: Any, why: str) -> ConstructorError:
    shown = node.value if len(node.value) <= 40 else node.value[:40] + "..."
    return ConstructorError(None, None, f"`{shown}` {why}", node.start_mark)


def _finite_float(loader: Any, node: Any) -> float:
    value = yaml.constructor.SafeConstructor.construct_yaml_float(loader, node)
    if not math.isfinite(value):
        raise _refuse(node, "is not a finite number (NaN and Infinity cannot be evaluated)")
    return value


def _int(loader: Any, node: Any) -> int:
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)
    except ValueError:
        raise _refuse(node, "is an integer too long to read (over 4,300 digits)") from None


class SafeLoader(_Base):  # type: ignore[misc, valid-type]
    """PyYAML's safe loader, refusing numbers the policy engine cannot carry."""


SafeLoader.add_constructor("tag:yaml.org,2002:float", _finite_float)
SafeLoader.add_constructor("tag:yaml.org,2002:int", _int)


def go_number(text: str) -> int | float | str:
    """A plain scalar starting with a digit, a sign or a dot, as go-yaml v2 resolves it."""
    if text.startswith("."):
        return float(text) if re.fullmatch(r"\.[0-9]+(?:[eE][-+]?[0-9]+)?", text) else text
    plain = text.replace("_", "")
    if _GO_INT.fullmatch(plain):
        value = _go_int(plain)
        if _INT64[0] <= value <= _INT64[1] or (0 <= value < 2 ** 64 and plain[0] not in "+-"):
            return value
    if _GO_FLOAT.fullmatch(plain):
        number = float(plain)
        return number if math.isfinite(number) else text  # Go's ParseFloat fails on overflow: a string
    return text


def _go_int(plain: str) -> int:
    sign = -1 if plain.startswith("-") else 1
    digits = plain.lstrip("+-")
    base = {"b": 2, "o": 8, "x": 16}.get(digits[1:2].lower(), 8) if len(digits) > 1 and digits[0] == "0" else 10
    body = digits[2:] if base != 10 and digits[1:2].isalpha() else digits
    return sign * int(body or "0", base)


def _go_number(loader: Any, node: Any) -> int | float | str:
    if len(node.value) > 4300:
        raise _refuse(node, "is a number too long to read (over 4,300 characters)")
    return go_number(node.value)


def _go_bool(loader: Any, node: Any) -> bool:
    value = _BOOL_OF.get(node.value)
    if value is None:  # an explicit !!bool on something go-yaml would not read as one
        raise _refuse(node, "is not a boolean")
    return value


class KubernetesLoader(SafeLoader):
    """Plain scalars resolved as go-yaml v2 (kubectl, the API server) resolves them."""

    yaml_implicit_resolvers: ClassVar[dict[Any, list[tuple[str, Any]]]] = {}


def _resolver(tag: str, pattern: str, first: str | list[str]) -> None:
    KubernetesLoader.add_implicit_resolver(tag, re.compile(pattern), list(first))


_resolver("tag:yaml.org,2002:bool", "^(?:" + "|".join(_BOOL_OF) + ")$", "yYnNtTfFoO")
_resolver("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""])
_resolver("tag:yaml.org,2002:merge", r"^(?:<<)$", "<")
_resolver("tag:yaml.org,2002:float", r"^(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", "-+.")
_resolver(GO_NUMBER_TAG, r"^[-+0-9.]", "-+0123456789.")
KubernetesLoader.add_constructor("tag:yaml.org,2002:bool", _go_bool)
KubernetesLoader.add_constructor(GO_NUMBER_TAG, _go_number)
