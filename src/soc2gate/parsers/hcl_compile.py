"""Expressions read once per run: the parse of an expression text kept as Python closures.

``hcl_expr.Parser`` evaluates while it reads the tokens, so the 286 module instances of a large
scan re-read the same texts thousands of times.  Here an expression is read once (per text, in a
cache) into closures that evaluate exactly as the reading evaluator would: the same operands in
the same order (both branches of a conditional, every argument of a call), the same errors, the
same ``Unknown(text)``.  A closure holds no file, line or module: only the text, what is read
from it, and the ``lookup``/``template`` it is called with, so one parse serves every instance.

Only what reads the same in every context is compiled: literals, templates, ``var.``/``local.``/
``each.``/``count.`` references (their lookups have no effects beyond memoising), steps, tuples,
objects, operators, conditionals and calls.  Everything else (``for``, splats, other resources,
``module.``, a name the lookup does not bind, deep nesting, any text that does not read) is left
to ``hcl_expr.Parser``, which then reads the whole expression as before.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable

from soc2gate.parsers.expressions_types import UNBOUND, Failed, NotCovered, Unknown, partial_or
from soc2gate.parsers.hcl_expr import (
    PRECEDENCE,
    Lookup,
    apply_binary,
    evaluate_expression,
    step,
    tokenize,
    unescape,
)
from soc2gate.parsers.hcl_functions import FUNCTIONS
from soc2gate.parsers.hcl_partial import opaque

Template = Callable[[str], Any]
Node = Callable[[Lookup, Template], Any]
ROOTS = frozenset({"var", "local", "each", "count"})  # lookups that only read or memoise
MAX_NESTING = 32  # deeper expressions are read by hcl_expr (its recursion limit decides them)


class _Unsupported(Exception):
    """Not compiled: hcl_expr.Parser reads this text."""


class _Unbound(Exception):
    """A compiled reference the lookup does not bind: hcl_expr.Parser reads the text instead."""


def evaluate(text: str, lookup: Lookup, template: Template) -> Any:
    """``hcl_expr.evaluate_expression(text, lookup, template)``, from the compiled form when there is one."""
    node = compiled(text)
    if node is not None:
        try:
            value = node(lookup, template)
        except (NotCovered, RecursionError):
            return Unknown(text)
        except _Unbound:
            pass
        else:
            return Unknown(text) if isinstance(value, Failed) else value
    return evaluate_expression(text, lookup, template)


@lru_cache(maxsize=16384)
def compiled(text: str) -> Node | None:
    try:
        return _Compiler(text).expression()
    except (NotCovered, _Unsupported, RecursionError):
        return None


def _constant(value: Any) -> Node:
    return lambda lookup, template: value


class _Compiler:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens, self.texts = tokenize(text)
        self.position = 0
        self.nesting = 0

    def take(self, expected: str | None = None) -> tuple[str, str]:
        if self.position >= len(self.tokens):
            raise _Unsupported("end of expression")
        token = self.tokens[self.position]
        if expected is not None and token[1] != expected:
            raise _Unsupported(f"expected {expected}")
        self.position += 1
        return token

    def peek(self) -> str:
        return self.texts[self.position]

    def expression(self) -> Node:
        node = self.conditional()
        if self.position != len(self.tokens):
            raise _Unsupported("trailing tokens")
        return node

    def conditional(self) -> Node:
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            raise _Unsupported("nesting")
        condition = self.binary(0)
        if self.peek() == "?":
            self.take("?")
            when_true = self.conditional()
            self.take(":")
            condition = _choice(condition, when_true, self.conditional(), self.text)
        self.nesting -= 1
        return condition

    def binary(self, level: int) -> Node:
        left = self.unary()
        while (precedence := PRECEDENCE.get(self.peek(), -1)) >= level:
            operator = self.take()[1]
            left = _binary(operator, left, self.binary(precedence + 1), self.text)
        return left

    def unary(self) -> Node:
        if self.peek() in ("!", "-"):
            return _unary(self.take()[1], self.unary())
        node = self.primary()
        while self.peek() in (".", "["):
            if self.take()[1] == ".":
                kind, name = self.take()
                if name == "*" or kind not in ("name", "number"):
                    raise _Unsupported("splat")
                node = _step(node, _constant(name))
            else:
                if self.peek() == "*":
                    raise _Unsupported("splat")
                key = self.conditional()
                self.take("]")
                node = _step(node, key)
        return node

    def primary(self) -> Node:
        kind, text = self.take()
        if kind == "number":
            return _constant(float(text) if "." in text or "e" in text.lower() else int(text))
        if kind == "string":
            unescaped = unescape(text[1:-1])
            return lambda lookup, template: template(unescaped)
        if text == "(":
            node = self.conditional()
            self.take(")")
            return node
        if text in ("[", "{") and self.peek() != "for":
            return self.sequence() if text == "[" else self.object()
        if kind == "name":
            return self.name(text)
        raise _Unsupported(text)

    def sequence(self) -> Node:
        items = []
        while self.peek() != "]":
            items.append(self.conditional())
            if self.peek() == ",":
                self.take(",")
        self.take("]")
        text = self.text
        return lambda lookup, template: partial_or(text, [item(lookup, template) for item in items])

    def object(self) -> Node:
        pairs = []
        while self.peek() != "}":
            kind, key = self.take()
            key = unescape(key[1:-1]) if kind == "string" else key
            if self.peek() not in ("=", ":"):
                raise _Unsupported("object key")
            self.take()
            pairs.append((key, self.conditional()))
            if self.peek() == ",":
                self.take(",")
        self.take("}")
        return _object(pairs, self.text)

    def name(self, text: str) -> Node:
        if text in ("true", "false"):
            return _constant(text == "true")
        if text == "null":
            return _constant(None)
        if self.peek() == "(":
            return self.call(text)
        if text in ROOTS and self.peek() == "." and self.position + 1 < len(self.tokens) \
                and self.tokens[self.position + 1][0] == "name":
            name = self.tokens[self.position + 1][1]
            self.position += 2
            return _reference(text, name)
        raise _Unsupported(text)

    def call(self, name: str) -> Node:
        self.take("(")
        arguments = []
        while self.peek() != ")":
            arguments.append(self.conditional())
            if self.peek() in (",", "..."):
                self.take()
        self.take(")")
        text = self.text

        def run(lookup: Lookup, template: Template) -> Any:
            values = [argument(lookup, template) for argument in arguments]
            function = FUNCTIONS.get(name)
            return Unknown(text) if function is None else function(values)

        return run


def _reference(root: str, name: str) -> Node:
    def run(lookup: Lookup, template: Template) -> Any:
        value = lookup(root, name)
        if value is UNBOUND:
            raise _Unbound(root)
        return value

    return run


def _choice(condition: Node, when_true: Node, when_false: Node, text: str) -> Node:
    def run(lookup: Lookup, template: Template) -> Any:
        decided = condition(lookup, template)
        yes, no = when_true(lookup, template), when_false(lookup, template)  # both, as the reader does
        if isinstance(decided, str):  # Terraform converts "true"/"false" to bool
            decided = {"true": True, "false": False}.get(decided, decided)
        if isinstance(decided, Failed):
            return decided
        if isinstance(decided, Unknown) or not isinstance(decided, bool):
            return Unknown(text)
        return yes if decided else no

    return run


def _binary(operator: str, left: Node, right: Node, text: str) -> Node:
    return lambda lookup, template: apply_binary(operator, left(lookup, template), right(lookup, template), text)


def _unary(operator: str, operand: Node) -> Node:
    def run(lookup: Lookup, template: Template) -> Any:
        value = operand(lookup, template)
        if isinstance(value, Unknown):
            return opaque(value)
        if operator == "!" and isinstance(value, bool):
            return not value
        if operator == "-" and isinstance(value, (int, float)) and not isinstance(value, bool):
            return -value
        raise NotCovered("bad operand")

    return run


def _step(value: Node, key: Node) -> Node:
    return lambda lookup, template: step(value(lookup, template), key(lookup, template))


def _object(pairs: list[tuple[str, Node]], text: str) -> Node:
    def run(lookup: Lookup, template: Template) -> Any:
        result: dict[str, Any] = {}
        for key, node in pairs:
            result[key] = node(lookup, template)
        return partial_or(text, result)

    return run
