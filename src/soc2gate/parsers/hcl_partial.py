"""Partial knowledge of unknown values: what a template or ``jsonencode`` still tells when a part is unknown.

Terraform (>= 1.6) refines the result of a string template with an unknown interpolation as a known,
non-null string with a known prefix (developer.hashicorp.com/terraform/language/expressions/strings:
an unknown interpolation makes the result unknown; hcl's TemplateExpr refines it ``NotNull`` and
``StringPrefix``).  The literal text after the first unknown part is as certain as the prefix:
``"arn:${data.aws_partition.current.partition}:s3:::${var.bucket}/*"`` is some string of the shape
``arn:…:s3:::…/*``, never ``"*"``.  ``jsonencode`` of a collection with unknown elements is a JSON
text of a known structure.  Here that knowledge is built (:func:`join_template`, :func:`encode`),
compared (:func:`may_equal`) and handed to policies (:func:`record`, read as ``r.partial`` by
policies/lib/partial.rego).  Nothing is guessed: an unknown part may be any string.
"""

from __future__ import annotations

import re
from typing import Any

from soc2gate.parsers.expressions_types import Encoded, Failed, Partial, Template, Unknown

# Regex metacharacters every engine reads escaped the same way (regorus, OPA, rego-cpp, Python).
_META = re.compile(r"[\\.+*?()|\[\]{}^$]")
_ANY = r"[\s\S]*"  # any text, newlines included (rego-cpp has no (?s) flag)


def to_text(value: Any) -> str:
    """A known primitive as a template renders it."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def join_template(text: str, values: list[Any]) -> Any:
    """The value of template ``text`` whose parts (literal text and interpolations, in order) are
    ``values``: a string when all are known, a :class:`Template` when some interpolations are
    unknown, ``Unknown(text)`` when one is an error or a collection (Terraform rejects it)."""
    parts: list[Any] = []
    for value in values:
        if isinstance(value, Template):
            parts.extend(value.parts)
        elif isinstance(value, (Failed, Partial, dict, list)):
            return Unknown(text)
        elif isinstance(value, Unknown):
            parts.append(Unknown(value.expression))  # an Encoded text counts as any string
        else:
            parts.append(to_text(value))
    merged: list[Any] = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        elif part != "":
            merged.append(part)
    if all(isinstance(part, str) for part in merged):
        return "".join(merged)
    return Template(text, tuple(merged))


def opaque(value: Any) -> Any:
    """A function's result of a partly known string: nothing of the input's shape is kept."""
    return Unknown(value.expression) if isinstance(value, (Template, Encoded)) else value


def _regex(parts: tuple[Any, ...]) -> str:
    """A regex body (Rust, Go, rego-cpp and Python syntax) matching every value the template can take."""
    return "".join(_ANY if not isinstance(p, str) else _META.sub(r"\\\g<0>", p) for p in parts)


def may_equal(value: Template, text: str) -> bool:
    """Can the template turn out to be exactly ``text``?"""
    return re.fullmatch(_regex(value.parts), text) is not None


def compare(operator: str, left: Any, right: Any) -> Any:
    """``==``/``!=`` decided on partial knowledge, or None: a template is never null and never
    equals a string it cannot take; an encoded JSON text is never null."""
    for one, other in ((left, right), (right, left)):
        if isinstance(one, (Template, Encoded)) and other is None:
            return operator == "!="
        if isinstance(one, Template) and isinstance(other, str) and not may_equal(one, other):
            return operator == "!="
    return None


def encode(argument: Any) -> Any:
    """``jsonencode`` of a partly known collection: its JSON text, whose structure is known."""
    if isinstance(argument, Partial) and isinstance(argument.value, (dict, list)):
        return Encoded(argument.expression, argument.value)
    return None


def marker(value: Template) -> str:
    """The text that stands for a template in a policy's input (its unknown parts as ``${...}``)."""
    return "".join(p if isinstance(p, str) else "${" + p.expression + "}" for p in value.parts)


def record(partial: dict[str, Any], key: str, value: Any) -> None:
    """Note what is known of the unknown string ``key``: ``{"segments": [text | null, ...], "pattern":
    <regex of every value it can take>}`` for a template, ``{"json": <document, unknown leaves as
    ${...} markers>}`` for an encoded value, None when nothing is known.  A text is described only
    if every evaluation of it in the resource agrees (``dynamic`` block iterations may not): else None.
    """
    if isinstance(value, Template):
        shape: Any = {"segments": [p if isinstance(p, str) else None for p in value.parts],
                      "pattern": "^" + _regex(value.parts) + "$"}
    elif isinstance(value, Encoded):
        shape = {"json": _document(value.value, partial)}
    else:  # nothing known: the same text must not borrow another evaluation's description
        shape = None
    if key in partial and partial[key] != shape:
        shape = None
    partial[key] = shape


def _document(value: Any, partial: dict[str, Any]) -> Any:
    if isinstance(value, Partial):
        value = value.value
    if isinstance(value, dict):
        return {key: _document(item, partial) for key, item in value.items()}
    if isinstance(value, list):
        return [_document(item, partial) for item in value]
    if isinstance(value, Template):
        text = marker(value)
        record(partial, text, value)
        return text
    if isinstance(value, Unknown):  # a marker no attribute text or template can be: never described
        return "${unknown(" + value.expression + ")}"
    return value
