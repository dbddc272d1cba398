"""References to other resources inside expressions: ``aws_s3_bucket.b``, ``data.x.y``, ``module.m``.

The value of another resource's attribute is not known before apply: a reference evaluates to
a :class:`Reference` (an Unknown that names the address, with the instance key when known:
``aws_s3_bucket.b[each.key].id`` in instance ``"a"`` refers to ``aws_s3_bucket.b["a"]``), so links
can attach it to the right instance.  A splat ``aws_x.this[*].arn`` is a list whose *length* is
known when the block's ``count`` is (the scope answers ``lookup("@instances", address)``): its
elements stay unknown, but ``length()``, ``flatten()`` of empty lists and conditions on them work.
"""

from __future__ import annotations

import json
from typing import Any

from soc2gate.parsers.expressions_types import Partial, Reference, Unknown

# Attributes that are strings on every resource or data source that has them: ``id`` (Terraform's own
# resource identifier), ``arn`` (every AWS provider ARN), ``json`` (aws_iam_policy_document).  A
# splat of one is a list of strings, so ``flatten`` keeps its length.
SCALAR_ATTRIBUTES = frozenset({"id", "arn", "json", "minified_json"})
NOT_RESOURCES = frozenset({"each", "count", "self", "path", "terraform", "var", "local"})
INSTANCES = "@instances"  # the lookup root that answers a block's instance count (None: unknown)


def reference(parser: Any, text: str) -> Any:
    """``TYPE.NAME``, ``data.TYPE.NAME`` or ``module.NAME`` at the parser's position."""
    parts = [text]
    wanted = 3 if text == "data" else 2
    while len(parts) < wanted and parser.peek() == "." and parser.position + 1 < len(parser.tokens) \
            and parser.tokens[parser.position + 1][0] == "name":
        parser.take(".")
        parts.append(parser.take()[1])
    if len(parts) < wanted or text in NOT_RESOURCES or parts[-1] in ("value", "key"):
        return Unknown(parser.text)
    address = ".".join(parts)
    if parser.peek() == "[" and parser.peek(1) == "*" and text != "module":
        return _splat(parser, address)
    return Reference(parser.text, address + _instance_key(parser))


def _instance_key(parser: Any) -> str:
    """``[0]`` / ``["a"]`` after a resource name, when the key is known."""
    if parser.peek() != "[" or parser.peek(1) == "*":
        return ""
    start = parser.position
    parser.take("[")
    key = parser.conditional()
    parser.take("]")
    if isinstance(key, bool) or not isinstance(key, (str, int)):
        parser.position = start
        return ""
    return f"[{key}]" if isinstance(key, int) else "[" + json.dumps(key) + "]"


def _splat(parser: Any, address: str) -> Any:
    """``aws_x.this[*].attr``: a list of unknown elements, as long as the block has instances."""
    for token in ("[", "*", "]"):
        parser.take(token)
    attributes = []
    while parser.peek() == "." and parser.position + 1 < len(parser.tokens) \
            and parser.tokens[parser.position + 1][0] == "name":
        attributes.append(parser.tokens[parser.position + 1][1])
        parser.position += 2
    count = parser.lookup(INSTANCES, address)
    if not isinstance(count, int) or isinstance(count, bool):
        return Unknown(parser.text)
    scalar = len(attributes) == 1 and attributes[0] in SCALAR_ATTRIBUTES
    elements = [Reference(parser.text, f"{address}[{i}]", scalar) for i in range(count)]
    return Partial(parser.text, elements) if elements else []
