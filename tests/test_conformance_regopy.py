"""Conformance: every policy fixture gives identical deny/inconclusive sets on regorus and regopy.

regopy wraps Microsoft's rego-cpp, an implementation of Rego independent of regorus.  For
each fixture the same bundle and the same input document (built exactly as a scan builds
it) are evaluated by both; the items each policy produces must be equal as sets.
Fixtures are enumerated at collection time, so new policies are covered automatically.
Builtins known to differ are documented in docs/engines.md ("Conformance").
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import pytest
import regopy
from regopy import rego_shared as rs
from regopy.node import Node

from policy_fixtures import Fixture, all_fixtures
from soc2gate.api import Gate, ScanOptions, _collect
from soc2gate.engine.base import QUERY, split_by_package
from soc2gate.engine.input_doc import build_input
from soc2gate.engine.regorus_engine import RegorusEngine

FIXTURES = all_fixtures()
K = rs.NodeKind


@lru_cache(maxsize=None)
def _gate(config: str | None) -> Gate:
    return Gate.load(ScanOptions(config_path=config))


@lru_cache(maxsize=None)
def _regopy(config: str | None) -> tuple[regopy.Interpreter, dict[str, str]]:
    """An interpreter with every module rego-cpp accepts, and why it refused the others."""
    refused = {}
    for path, source in _gate(config).bundle.modules:
        try:  # a fresh interpreter per probe: rego-cpp is unusable after a failed add_module
            regopy.Interpreter().add_module(path, source)
        except regopy.RegoError as exc:
            refused[path] = " ".join(str(exc).split())[:400]
    interpreter = regopy.Interpreter()
    for path, source in _gate(config).bundle.modules:
        if path not in refused:
            interpreter.add_module(path, source)
    return interpreter, refused


def _python(node: Node) -> Any:
    """A rego-cpp result node as plain JSON values (walked, not re-parsed from its text)."""
    if node.kind in (K.Term, K.Scalar):
        return _python(node.at(0))
    children = [Node(rs.rego_node_get(node._impl, i)) for i in range(rs.rego_node_size(node._impl))]
    if node.kind == K.Object:
        return {_python(item.at(0)): _python(item.at(1)) for item in children}
    if node.kind in (K.Array, K.Set, K.Terms):
        return [_python(child) for child in children]
    if node.kind == K.String:
        raw = rs.rego_node_value(node._impl)
        try:
            return json.loads(f'"{raw}"')
        except ValueError:
            return raw  # rego-cpp produced an unescaped quote: keep it so the difference shows
    return node.value


def _evaluate_regopy(config: str | None, document: dict[str, Any]) -> Any:
    interpreter, _ = _regopy(config)
    interpreter.set_input_term(json.dumps(document, default=str))
    output = rs.rego_query(interpreter._impl, QUERY)
    try:
        text = rs.rego_output_string(output)
        if not rs.rego_output_ok(output):
            pytest.fail(f"regopy could not evaluate the bundle: {text[:2000]}")
        if text == "undefined":
            return {}
        return _python(Node(rs.rego_output_expressions_at_index(output, 0)))[0]
    finally:
        rs.rego_free_output(output)


def _items(verdicts: Any) -> dict[str, set[str]]:
    sets = {}
    for rule, per_policy in (("deny", verdicts.denies), ("inconclusive", verdicts.inconclusive)):
        for policy_id, items in per_policy.items():
            sets[f"{policy_id} {rule}"] = {json.dumps(i, sort_keys=True) for i in items}
    return sets


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.id for f in FIXTURES])
def test_regorus_and_regopy_agree(fixture: Fixture) -> None:
    config = str(fixture.config) if fixture.config else None
    gate = _gate(config)
    refused = _regopy(config)[1]
    mine_refused = {p: m for p, m in refused.items() if p == fixture.policy.path or "/lib/" in p or "-lib/" in p}
    assert not mine_refused, f"regopy (rego-cpp) does not accept: {mine_refused}"
    collected = _collect(ScanOptions(paths=(str(fixture.path),), use_cache=False), gate.config)
    document = build_input(collected.resources, gate.params())
    engine = RegorusEngine()
    engine.prepare(gate.bundle)
    native = engine.evaluate(document)
    assert not native.errors, f"regorus failed: {native.errors}"
    other = split_by_package(gate.bundle, _evaluate_regopy(config, document))
    skipped = {p.id for p in gate.bundle.policies if p.path in refused}
    native.denies = {k: v for k, v in native.denies.items() if k not in skipped}
    native.inconclusive = {k: v for k, v in native.inconclusive.items() if k not in skipped}
    mine, theirs = _items(native), _items(other)
    differences = {key: {"regorus only": sorted(mine[key] - theirs.get(key, set())),
                         "regopy only": sorted(theirs.get(key, set()) - mine[key])}
                   for key in mine if mine[key] != theirs.get(key, set())}
    assert not differences, json.dumps(differences, indent=1)[:4000]
    assert any(mine.values()) or fixture.kind == "pass", "the fixture produced no item at all"


def test_the_conformance_harness_sees_a_difference() -> None:
    """The comparison is not vacuous: a builtin regopy renders differently is caught."""
    interpreter = regopy.Interpreter()
    interpreter.add_module("probe.rego", 'package probe\nimport rego.v1\nmsg := sprintf("%q", ["x"])\n')
    output = rs.rego_query(interpreter._impl, "data.probe.msg")
    try:
        value = _python(Node(rs.rego_output_expressions_at_index(output, 0)))[0]
    finally:
        rs.rego_free_output(output)
    assert value != '"x"'  # OPA and regorus give "\"x\""; rego-cpp 1.5 leaves %q unformatted
