"""Expressions read once (parsers/hcl_compile.py): the compiled form evaluates exactly as the reading
evaluator (hcl_expr.Parser) does, and a text the compiler leaves alone is read as before."""

from __future__ import annotations

from typing import Any

import pytest

from soc2gate.parsers.expressions import resolve_string
from soc2gate.parsers.expressions_types import UNBOUND, Partial, Reference, Unknown
from soc2gate.parsers.hcl_compile import compiled, evaluate
from soc2gate.parsers.hcl_expr import evaluate_expression
from soc2gate.parsers.hcl_types import convert, parse_type
from soc2gate.parsers.instances import bind

TABLES: dict[str, dict[str, Any]] = {
    "var": {"name": "logs", "n": 3, "on": True, "tags": {"env": "prod", "team": "a"}, "list": ["a", "b"],
            "text_bool": "true", "nothing": None, "partial": Partial("var.partial", ["x", Unknown("y")])},
    "local": {"prefix": "app", "cidrs": ["10.0.0.0/8"], "unknown": Unknown("aws_vpc.x.id")},
}


def scope(root: str, name: str) -> Any:
    if root in TABLES:
        return TABLES[root].get(name, Unknown(f"{root}.{name}"))
    return UNBOUND


def both(text: str, lookup: Any = scope) -> tuple[Any, Any]:
    template = lambda t: resolve_string(t, lookup)  # noqa: E731
    return evaluate(text, lookup, template), evaluate_expression(text, lookup, template)


COMPILED = [
    'var.name', 'var.n + 2 * 3', '-var.n', '!var.on', '!var.name', 'var.n / 0', 'var.tags.env', 'var.tags["team"]',
    'var.tags.missing', 'var.list[1]', 'var.list.0', 'var.list[5]', '"${var.name}-${local.prefix}"', '"plain"',
    'var.on ? "yes" : "no"', 'var.text_bool ? 1 : 2', 'var.name ? 1 : 2', 'local.unknown ? 1 : 2',
    'local.unknown == null', 'var.nothing == null', 'var.partial != null', 'local.unknown != "*"',
    '[var.name, local.prefix, 1.5, 2e3, null, true]', '{a = var.n, "b:c" = var.name, d: [1, 2]}', '{a = 1, a = 2}',
    'length(var.list)', 'merge(var.tags, {x = 1})', 'nosuchfunction(var.n)', 'lookup(var.tags, "env", null)',
    'coalesce(local.unknown, "x")', 'try(var.tags.missing, "fallback")', 'upper(local.unknown)', 'var.n > 2 && var.on',
    'var.nothing == null || var.n', '(var.n + 1) * 2', 'format("%s-%d", var.name, var.n)', 'var.list[var.n - 2]',
    'max([1, var.n]...)', 'concat(var.list, local.cidrs)', 'var.missing', 'each.key', 'count.index', 'var.n == "3"',
]
READ_BY_THE_PARSER = [
    'aws_s3_bucket.b.id', 'module.m.out', '[for x in var.list : upper(x)]', 'var.list[*]', 'data.aws_x.y.z',
    'var.list.*', 'path.module', 'var', 'var.', 'var.n +', '(var.n', '[var.n', 'var.n var.n', '@', 'local[0]',
]


@pytest.mark.parametrize("text", COMPILED)
def test_the_compiled_form_evaluates_as_the_reader(text: str) -> None:
    assert compiled(text) is not None
    compiled_value, read_value = both(text)
    assert compiled_value == read_value
    assert type(compiled_value) is type(read_value)


@pytest.mark.parametrize("text", READ_BY_THE_PARSER)
def test_texts_the_compiler_does_not_take_are_read_as_before(text: str) -> None:
    assert compiled(text) is None
    compiled_value, read_value = both(text)
    assert compiled_value == read_value


def test_a_reference_the_lookup_does_not_bind_is_read_by_the_parser() -> None:
    """``each.key`` outside an instance: the scope does not bind it, so the reader's answer (unknown) counts."""
    assert compiled("each.key") is not None
    assert both("each.key") == (Unknown("each.key"), Unknown("each.key"))
    bound = bind(scope, {"each": {"key": "a", "value": {"port": 22}}})
    assert both("each.value.port + 1", bound) == (23, 23)


def test_one_parse_serves_every_context() -> None:
    """The cache holds the parse of a text, never a value: two scopes give their own answers."""
    other = {"var": {"name": "audit"}, "local": {"prefix": "x"}}
    assert evaluate('"${var.name}"', scope, lambda t: resolve_string(t, scope)) == "logs"

    def second(root: str, name: str) -> Any:
        return other[root].get(name, Unknown(f"{root}.{name}")) if root in other else UNBOUND

    assert evaluate('"${var.name}"', second, lambda t: resolve_string(t, second)) == "audit"
    assert isinstance(both("aws_s3_bucket.b.id")[0], Reference)


def test_an_unknown_condition_keeps_the_expression_text() -> None:
    value, _ = both("local.unknown ? var.name : local.prefix")
    assert value == Unknown("local.unknown ? var.name : local.prefix")


def test_a_type_with_a_collection_default_is_converted_into_separate_values() -> None:
    text = "${object({a = optional(list(string), []), b = optional(string, \"x\")})}"
    first, second = convert({}, parse_type(text)), convert({}, parse_type(text))
    assert first == second == {"a": [], "b": "x"}
    first["a"].append("changed")
    assert convert({}, parse_type(text))["a"] == []
    assert parse_type("${map(string)}") is parse_type("${map(string)}")  # a tree without defaults is shared
