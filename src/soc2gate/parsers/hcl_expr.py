"""A small evaluator for the HCL expressions python-hcl2 leaves as text.

Covers what decides compliance in practice: literals, ``var.``/``local.`` references with
attribute and index steps, tuples and objects, ``!``, arithmetic, comparison and logic,
conditionals, and pure built-in functions.  Anything else (resource attributes, ``for``
expressions, splats, unknown functions) evaluates to :class:`Unknown`, never a guess.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Callable

from soc2gate.parsers.expressions import template_parts
from soc2gate.parsers.expressions_types import (
    UNBOUND,
    Failed,
    NotCovered,
    Partial,
    Unknown,
    partial_or,
)
from soc2gate.parsers.hcl_for import for_expression
from soc2gate.parsers.hcl_functions import FUNCTIONS
from soc2gate.parsers.hcl_partial import compare, join_template, opaque
from soc2gate.parsers.hcl_refs import reference

Lookup = Callable[[str, str], Any]
_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<name>[A-Za-z_][\w-]*)
  | (?P<op>==|!=|<=|>=|&&|\|\||=>|\.\.\.|[-+*/%<>!?:.,()\[\]{}=])
""", re.VERBOSE)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_BINARY = [("||",), ("&&",), ("==", "!="), ("<", ">", "<=", ">="), ("+", "-"), ("*", "/", "%")]
PRECEDENCE = {operator: level for level, operators in enumerate(_BINARY) for operator in operators}


_Fail = NotCovered


@lru_cache(maxsize=16384)
def tokenize(text: str) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    """The tokens of an expression and their texts, the texts followed by two "" (what ``peek`` reads
    past the end) (cached: the same text is evaluated once per module instance)."""
    tokens = tuple(_tokens(text))
    return tokens, tuple(token[1] for token in tokens) + ("", "")


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, index = [], 0
    while index < len(text):
        match = _TOKEN.match(text, index)
        if not match:
            raise _Fail(text[index:])
        index = match.end()
        if match.lastgroup != "ws":
            tokens.append((match.lastgroup or "", match.group()))
    return tokens


class Parser:
    def __init__(self, text: str, lookup: Lookup, template: Callable[[str], Any]) -> None:
        self.text = text
        self.tokens, self.texts = tokenize(text)
        self.position = 0
        self.lookup = lookup
        self.template = template
        self.bindings: dict[str, Any] = {}

    def peek(self, offset: int = 0) -> str:  # the position never passes the end, offset is 0 or 1
        return self.texts[self.position + offset]

    def take(self, expected: str | None = None) -> tuple[str, str]:
        position = self.position
        if position >= len(self.tokens):
            raise _Fail("end of expression")
        token = self.tokens[position]
        if expected is not None and token[1] != expected:
            raise _Fail(f"expected {expected}")
        self.position = position + 1
        return token

    def parse(self) -> Any:
        value = self.conditional()
        if self.position != len(self.tokens):
            raise _Fail("trailing tokens")
        return value

    def conditional(self) -> Any:
        condition = self.binary(0)
        if self.texts[self.position] != "?":
            return condition
        self.take("?")
        when_true = self.conditional()
        self.take(":")
        when_false = self.conditional()
        if isinstance(condition, str):  # Terraform converts "true"/"false" to bool
            condition = {"true": True, "false": False}.get(condition, condition)
        if isinstance(condition, Failed):  # an error in the condition is the conditional's error (try skips it)
            return condition
        if isinstance(condition, Unknown) or not isinstance(condition, bool):  # "true"/"false" convert, as in Terraform
            return Unknown(self.text)
        return when_true if condition else when_false

    def binary(self, level: int) -> Any:
        """Operators binding at least as tightly as ``level`` (precedence climbing: one call per operand, not
        one per level; left-associative like the level-by-level grammar it replaces)."""
        left = self.unary()
        while (precedence := PRECEDENCE.get(self.texts[self.position], -1)) >= level:
            operator = self.take()[1]
            right = self.binary(precedence + 1)
            left = apply_binary(operator, left, right, self.text)
        return left

    def unary(self) -> Any:
        if self.texts[self.position] in ("!", "-"):
            operator = self.take()[1]
            value = self.unary()
            if isinstance(value, Unknown):
                return opaque(value)
            if operator == "!" and isinstance(value, bool):
                return not value
            if operator == "-" and isinstance(value, (int, float)) and not isinstance(value, bool):
                return -value
            raise _Fail("bad operand")
        return self.postfix(self.primary())

    def postfix(self, value: Any) -> Any:
        while self.texts[self.position] in (".", "["):
            if self.take()[1] == ".":
                kind, name = self.take()
                if name == "*" or kind not in ("name", "number"):
                    raise _Fail("splat")
                value = step(value, name)
            else:
                if self.peek() == "*":
                    raise _Fail("splat")
                key = self.conditional()
                self.take("]")
                value = step(value, key)
        return value

    def primary(self) -> Any:
        kind, text = self.take()
        if kind == "number":
            return float(text) if "." in text or "e" in text.lower() else int(text)
        if kind == "string":
            return self.string(unescape(text[1:-1]))
        if text == "(":
            value = self.conditional()
            self.take(")")
            return value
        if text == "[":
            return self.sequence("]", lambda: self.conditional())
        if text == "{":
            return self.object()
        if kind == "name":
            return self.name(text)
        raise _Fail(text)

    def string(self, text: str) -> Any:
        """A quoted template; inside a ``for`` body its interpolations see the loop symbols."""
        if not self.bindings or "${" not in text:
            return self.template(text)
        parts = list(template_parts(text))
        if len(parts) == 1 and parts[0][0]:
            return self.nested(parts[0][1])
        return join_template(text, [self.nested(part) if is_expr else part for is_expr, part in parts])

    def nested(self, text: str) -> Any:
        parser = Parser(text, self.lookup, self.template)
        parser.bindings = dict(self.bindings)
        return parser.parse()

    def sequence(self, close: str, item: Callable[[], Any]) -> Any:
        values = []
        if self.peek() == "for":
            return for_expression(self, close)
        while self.peek() != close:
            values.append(item())
            if self.peek() == ",":
                self.take(",")
        self.take(close)
        return partial_or(self.text, values)

    def object(self) -> Any:
        if self.peek() == "for":
            return for_expression(self, "}")
        result: dict[str, Any] = {}
        while self.peek() != "}":
            kind, key = self.take()
            key = unescape(key[1:-1]) if kind == "string" else key
            if self.peek() not in ("=", ":"):
                raise _Fail("object key")
            self.take()
            result[key] = self.conditional()
            if self.peek() == ",":
                self.take(",")
        self.take("}")
        return partial_or(self.text, result)

    def name(self, text: str) -> Any:
        if text in ("true", "false"):
            return text == "true"
        if text == "null":
            return None
        if self.texts[self.position] == "(":
            return self.call(text)
        if text in self.bindings:
            return self.bindings[text]
        if self.texts[self.position] == "." and self.position + 1 < len(self.tokens) \
                and self.tokens[self.position + 1][0] == "name":
            value = self.lookup(text, self.tokens[self.position + 1][1])
            if value is not UNBOUND:
                self.position += 2
                return value
        return reference(self, text)

    def call(self, name: str) -> Any:
        self.take("(")
        arguments = []
        while self.peek() != ")":
            arguments.append(self.conditional())
            if self.peek() in (",", "..."):
                self.take()
        self.take(")")
        function = FUNCTIONS.get(name)
        if function is None:
            return Unknown(self.text)
        return function(arguments)


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text)


def step(value: Any, key: Any) -> Any:
    if isinstance(value, Partial) and not isinstance(key, Unknown):
        value = value.value
    if isinstance(value, Unknown) or isinstance(key, Unknown):
        return opaque(value) if isinstance(value, Unknown) else key
    if isinstance(value, dict) and str(key) in value:
        return value[str(key)]
    if isinstance(value, list) and isinstance(key, (int, str)) and str(key).isdigit() and int(key) < len(value):
        return value[int(key)]
    return Failed("missing attribute")


def apply_binary(operator: str, left: Any, right: Any, text: str) -> Any:
    if operator == "&&" and (left is False or right is False):
        return False
    if operator == "||" and (left is True or right is True):
        return True
    for value in (left, right):
        if isinstance(value, Failed):
            return value
    if operator in ("==", "!=") and None in (left, right) and isinstance(left if right is None else right, Partial):
        return operator == "!="  # a collection with unknown elements is still not null
    if isinstance(left, Unknown) or isinstance(right, Unknown):
        decided = compare(operator, left, right) if operator in ("==", "!=") else None
        return Unknown(text) if decided is None else decided
    try:
        return _OPERATORS[operator](left, right)
    except (TypeError, ZeroDivisionError):
        raise _Fail("operand types") from None


_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "||": lambda a, b: bool(a) or bool(b), "&&": lambda a, b: bool(a) and bool(b),
    "==": lambda a, b: a == b, "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b,
    "+": lambda a, b: a + b if not isinstance(a, str) else float(a) + float(b),
    "-": lambda a, b: a - b, "*": lambda a, b: a * b, "/": lambda a, b: a / b, "%": lambda a, b: a % b,
}


def evaluate_expression(text: str, lookup: Lookup, template: Callable[[str], Any]) -> Any:
    """Evaluate ``text``; Unknown(text) for anything not covered."""
    try:
        value = Parser(text, lookup, template).parse()
    except (_Fail, RecursionError):
        return Unknown(text)
    return Unknown(text) if isinstance(value, Failed) else value
