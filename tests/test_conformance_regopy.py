"""Conformance: every policy fixture gives identical deny/inconclusive sets on regorus and regopy.

regopy wraps Microsoft's rego-cpp, an implementation of Rego independent of regorus.  For
each fixture the input document is built exactly as a scan builds it; regorus evaluates it
with the whole bundle, regopy with the Rego libraries plus the fixture's policy, and the
items the policy produces (``deny`` and ``inconclusive``) must be equal as sets.

rego-cpp 1.5 can crash (SIGSEGV) on some constructs, so regopy runs in a child process, one
per policy: a crash fails that policy's fixtures with a clear message instead of killing
the test run.  Fixtures are enumerated at collection time, so new policies are covered
automatically.  Known builtin differences: docs/engines.md ("Conformance").
"""

from __future__ import annotations

import json
import re
import select
import subprocess
import sys
import time
from functools import cache
from typing import Any

import pytest

from policy_fixtures import Fixture, all_fixtures
from soc2gate.api import Gate, ScanOptions
from soc2gate.api.gate import _collect
from soc2gate.engine.input_doc import build_input
from soc2gate.engine.regorus_engine import RegorusEngine

FIXTURES = all_fixtures()
BY_ID = {f.id: f for f in FIXTURES}
CHILD_TIMEOUT = 300
LIB_REFERENCE = re.compile(r"data\.soc2gate\.lib\.(\w+)")

# Runs in a long-lived child process.  Each stdin line is a job
# {"modules": [[path, source]], "package": "...", "documents": {key: doc}}; each answer is one
# stdout line "@@ " + {key: {"deny": [...], "inconclusive": [...]}} (or {"error": "..."}).
CHILD = r"""
import json, sys
import regopy
from regopy import rego_shared as rs
from regopy.node import Node
K = rs.NodeKind

def value(node):
    if node.kind in (K.Term, K.Scalar):
        return value(node.at(0))
    children = [Node(rs.rego_node_get(node._impl, i)) for i in range(rs.rego_node_size(node._impl))]
    if node.kind == K.Object:
        return {value(item.at(0)): value(item.at(1)) for item in children}
    if node.kind in (K.Array, K.Set, K.Terms):
        return [value(child) for child in children]
    if node.kind == K.String:
        try:
            return json.loads(rs.rego_node_json(node._impl))
        except ValueError:  # rego-cpp built a string with unescaped quotes: keep it, the difference shows
            return rs.rego_node_value(node._impl)
    return node.value

def query(interpreter, text):
    output = rs.rego_query(interpreter._impl, text)
    try:
        if not rs.rego_output_ok(output):
            raise RuntimeError(" ".join(rs.rego_output_string(output).split())[:600])
        if rs.rego_output_string(output) == "undefined":
            return []
        return value(Node(rs.rego_output_expressions_at_index(output, 0)))[0]
    finally:
        rs.rego_free_output(output)

def run(job):
    interpreter = regopy.Interpreter()
    try:
        for path, source in job["modules"]:
            interpreter.add_module(path, source)
    except regopy.RegoError as exc:
        return {"error": "rego-cpp does not accept the policy: " + " ".join(str(exc).split())[:600]}
    answers = {}
    for key, document in job["documents"].items():
        interpreter.set_input_term(json.dumps(document))
        try:
            answers[key] = {r: query(interpreter, "data." + job["package"] + "." + r) for r in ("deny", "inconclusive")}
        except RuntimeError as exc:
            answers[key] = {"error": str(exc)}
    return answers

for line in sys.stdin:
    sys.stdout.write("@@ " + json.dumps(run(json.loads(line))) + "\n")
    sys.stdout.flush()
"""


class _Worker:
    """The regopy child: restarted after a crash, which fails only the job that caused it."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen[str] | None = None

    def ask(self, job: dict[str, Any], what: str) -> dict[str, Any]:
        if self.proc is None or self.proc.poll() is not None:
            self.proc = subprocess.Popen([sys.executable, "-c", CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=subprocess.DEVNULL, text=True)
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(job) + "\n")
        self.proc.stdin.flush()
        deadline = time.monotonic() + CHILD_TIMEOUT
        while time.monotonic() < deadline:
            if not select.select([self.proc.stdout], [], [], 1)[0]:
                if self.proc.poll() is not None:
                    break
                continue
            line = self.proc.stdout.readline()
            if line.startswith("@@ "):
                return json.loads(line[3:])
            if not line:
                break
        self.proc.kill()
        code = self.proc.wait()
        self.proc = None
        return {"error": f"rego-cpp crashed or hung evaluating {what} (exit {code})"}


WORKER = _Worker()


@cache
def _gate(config: str | None) -> Gate:
    return Gate.load(ScanOptions(config_path=config))


def _config(fixture: Fixture) -> str | None:
    return str(fixture.config) if fixture.config else None


@cache
def _document(fixture_id: str) -> str:
    fixture = BY_ID[fixture_id]
    gate = _gate(_config(fixture))
    collected = _collect(ScanOptions(paths=(str(fixture.path),), use_cache=False), gate.config)
    return json.dumps(build_input(collected.resources, gate.params()), default=str)


@cache
def _regopy_answers(policy_id: str) -> dict[str, Any]:
    """regopy's deny/inconclusive for every fixture of one policy, from one child process."""
    mine = [f for f in FIXTURES if f.policy.id == policy_id]
    policy = mine[0].policy
    modules = _needed(_gate(_config(mine[0])).bundle.modules, policy.path)
    job = {"modules": modules, "package": policy.package,
           "documents": {f.id: json.loads(_document(f.id)) for f in mine}}
    return WORKER.ask(job, policy.path)


def _needed(modules: list[tuple[str, str]], policy_path: str) -> list[tuple[str, str]]:
    """The policy and the library modules it refers to (``data.soc2gate.lib.<name>``), transitively: rego-cpp
    compiles every module it is given on each query, and unused libraries only cost time."""
    libraries = {_package(source): (path, source) for path, source in modules if not path.endswith("/policy.rego")}
    wanted = [next(m for m in modules if m[0] == policy_path)]
    seen: set[str] = set()
    for _path, source in wanted:
        for name in sorted(set(LIB_REFERENCE.findall(source)) - seen):
            seen.add(name)
            assert f"soc2gate.lib.{name}" in libraries, f"{_path} refers to an unknown library soc2gate.lib.{name}"
            wanted.append(libraries[f"soc2gate.lib.{name}"])
    return wanted


def _package(source: str) -> str:
    found = re.search(r"^package\s+(\S+)", source, re.M)
    return found.group(1) if found else ""


@cache
def _engine(config: str | None) -> RegorusEngine:
    engine = RegorusEngine()
    engine.prepare(_gate(config).bundle)
    return engine


def _regorus(fixture: Fixture) -> dict[str, list[Any]]:
    verdicts = _engine(_config(fixture)).evaluate(json.loads(_document(fixture.id)))
    assert fixture.policy.id not in verdicts.errors, f"regorus failed: {verdicts.errors[fixture.policy.id]}"
    return {"deny": verdicts.denies.get(fixture.policy.id, []),
            "inconclusive": verdicts.inconclusive.get(fixture.policy.id, [])}


def _as_set(items: Any) -> set[str]:
    """The items as comparable text.  Messages are compared without double quotes and backslashes:
    rego-cpp's sprintf prints a string computed by concat/lower/... (or a literal argument) inside
    quotes and keeps the backslash of an escaped quote, a difference of wording, not of decision,
    that policies need not work around."""
    if not isinstance(items, list):
        return set()
    return {json.dumps(_unquoted(i), sort_keys=True) for i in items if isinstance(i, dict)}


def _unquoted(item: dict) -> dict:
    message = item.get("message")
    return {**item, "message": message.replace("\\", "").replace('"', "")} if isinstance(message, str) else item


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.id for f in FIXTURES])
def test_regorus_and_regopy_agree(fixture: Fixture) -> None:
    answers = _regopy_answers(fixture.policy.id)
    assert "error" not in answers, answers.get("error")
    theirs = answers[fixture.id]
    assert "error" not in theirs, f"regopy failed on {fixture.path}: {theirs['error']}"
    native = _regorus(fixture)
    differences = {}
    for rule in ("deny", "inconclusive"):
        a, b = _as_set(native[rule]), _as_set(theirs[rule])
        if a != b:
            differences[rule] = {"regorus only": sorted(a - b), "regopy only": sorted(b - a)}
    assert not differences, json.dumps(differences, indent=1)[:4000]
    if fixture.kind == "fail":
        assert native["deny"], "a fail fixture produced no deny item: the comparison would be vacuous"


def test_the_harness_reports_a_builtin_difference() -> None:
    """Not vacuous: a builtin rego-cpp 1.5 formats differently (``sprintf %q``) is caught.

    This pins a documented difference (docs/engines.md, "Conformance"): when a regopy release
    fixes ``%q`` this test fails, and the table there must be updated.
    """
    job = {"modules": [["probe.rego", 'package probe\nimport rego.v1\ndeny contains {"m": sprintf("%q", ["x"])} if true\n']],
           "package": "probe", "documents": {"one": {}}}
    answer = WORKER.ask(job, "probe.rego")["one"]["deny"]
    assert _as_set(answer) != _as_set([{"m": '"x"'}])  # OPA and regorus give "\"x\""
