"""The policy sandbox (checked on the parsed policy) and the evaluation deadline (a killable child)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from soc2gate.catalog.controls import load_controls
from soc2gate.catalog.locate import policies_dir
from soc2gate.catalog.policies import load_bundle
from soc2gate.catalog.sandbox import check_sandbox
from soc2gate.engine import deadline
from soc2gate.errors import PolicyLoadError

REPO = Path(__file__).resolve().parent.parent
HEADER = '''# METADATA
# title: T
# description: D
# custom:
#   id: TF-900
#   severity: low
#   resource_types: [aws_s3_bucket]
#   controls:
#     CC6.1: because
#   remediation: fix it
package soc2gate.policies.terraform.sandboxed

import rego.v1

'''
DENY_EACH_BUCKET = '''deny contains {"resource": r.id, "message": "bucket"} if {
	some r in input.resources.aws_s3_bucket
	CONDITION
}
'''


def _policy_dir(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "pack" / "terraform" / "sandboxed"
    folder.mkdir(parents=True)
    (folder / "policy.rego").write_text(HEADER + body)
    return tmp_path / "pack"


def _load(tmp_path: Path, body: str) -> None:
    load_bundle([policies_dir(), _policy_dir(tmp_path, body)], load_controls())


# (body, denied name, line of the offence in the file; the body starts on line 15)
BYPASSES = [
    ('s := `a\nb # "`\nx := time.now_ns()\n', "time.now_ns", 17),  # a call after a multi-line raw string
    ('f(x) := x\ny if {\n\tf(1) with f as http.send\n}\n', "http.send", 17),  # `with` replacement
    ('s := "# not a comment"\nr := opa.runtime()\n', "opa.runtime", 16),
    ('x := rand.intn("seed", 10)\n', "rand.intn", 15),
    ('x := uuid.rfc4122("seed")\n', "uuid.rfc4122", 15),
    ('x if {\n\ttrace("a")\n}\n', "trace", 16),
    ('x := net.lookup_ip_addr("example.com")\n', "net.lookup_ip_addr", 15),
    ('x := io.jwt.decode_verify("t", {"cert": "https://keys.example/jwks"})\n', "io.jwt.decode_verify", 15),
    ('x := [y | some y in [1]; y < count([z | z := http.send({"method": "get", "url": "u"})])]\n', "http.send", 15),
    ('x if {\n\tevery i in [1] {\n\t\ti < time.now_ns()\n\t}\n}\n', "time.now_ns", 17),
    ('g(x) := sprintf("%v", [uuid.rfc4122(x)])\n', "uuid.rfc4122", 15),
]


@pytest.mark.parametrize("body, name, line", BYPASSES)
def test_denied_builtins_are_load_errors_naming_file_and_line(tmp_path: Path, body: str, name: str, line: int) -> None:
    with pytest.raises(PolicyLoadError) as info:
        _load(tmp_path, body)
    message = str(info.value)
    assert f"policy.rego:{line}: policies are sandboxed: `{name}`" in message, message


@pytest.mark.parametrize("body", [
    'x := "http.send(1) and time.now_ns()" # opa.runtime()\ny := `trace("a")`\n',  # names in strings/comments
    'f(x) := x\ny if {\n\tf(1) == 1 with time.now_ns as 5\n}\n',  # a denied builtin *replaced by* a mock
    'x := time.parse_rfc3339_ns("2024-01-01T00:00:00Z")\n',  # deterministic relatives stay allowed
    'x := io.jwt.decode("a.b.c")\n',
])
def test_allowed_constructs_load(tmp_path: Path, body: str) -> None:
    _load(tmp_path, body)


def test_imports_other_than_data_and_input_are_refused(tmp_path: Path) -> None:
    with pytest.raises(PolicyLoadError) as info:
        _load(tmp_path, "import http\n\nx := 1\n")
    assert "policy.rego:15: " in str(info.value) and "import" in str(info.value)


def test_rego_that_does_not_parse_names_the_line_without_a_backtrace(tmp_path: Path) -> None:
    with pytest.raises(PolicyLoadError) as info:
        _load(tmp_path, "x := ====\n")
    assert "policy.rego:15: Rego does not compile" in str(info.value)
    assert "backtrace" not in str(info.value).lower()


def test_the_built_in_pack_is_inside_the_sandbox() -> None:
    """The built-in pack is not re-checked at every load (it ships with the code): this test holds it."""
    for path in sorted(policies_dir().rglob("*.rego")):
        if "fixtures" not in path.parts and not path.name.endswith("_test.rego"):
            check_sandbox(path.read_text(encoding="utf-8"), str(path))


def _scan(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    return subprocess.run([sys.executable, "-c", "from soc2gate.cli import main; main()", "scan", *args], capture_output=True, text=True,
                          env=env, timeout=timeout, check=False)


def _bucket(tmp_path: Path) -> Path:
    folder = tmp_path / "tf"
    folder.mkdir()
    (folder / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n')
    return folder


def test_cli_refuses_a_hidden_call_with_exit_2(tmp_path: Path) -> None:
    pack = _policy_dir(tmp_path, 's := `\n"`\n' + DENY_EACH_BUCKET.replace("CONDITION", "time.now_ns() > 0"))
    done = _scan(str(_bucket(tmp_path)), "--policy-dir", str(pack))
    assert done.returncode == 2, done.stdout + done.stderr
    assert "policy.rego:19: policies are sandboxed: `time.now_ns`" in done.stderr


def test_an_overrunning_policy_is_a_sys_003_finding_and_the_gate_fails(tmp_path: Path) -> None:
    slow = "count([i | some i in numbers.range(1, 30000); some j in numbers.range(1, 30000); i == j]) > 0"
    pack = _policy_dir(tmp_path, DENY_EACH_BUCKET.replace("CONDITION", slow))
    config = tmp_path / "soc2gate.yaml"
    config.write_text("limits:\n  eval_timeout_s: 1\n")
    report = tmp_path / "report.json"
    done = _scan(str(_bucket(tmp_path)), "--policy-dir", str(pack), "--config", str(config),
                 "--format", "json", "--output", str(report), timeout=90)
    assert done.returncode == 1, done.stdout + done.stderr
    findings = json.loads(report.read_text())["findings"]
    errors = [f for f in findings if f["policy"] == "SYS-003"]
    assert len(errors) == 1 and "TF-900" in errors[0]["message"] and "eval_timeout_s" in errors[0]["message"]
    assert errors[0]["file"].endswith("sandboxed/policy.rego")
    assert any(f["policy"].startswith("TF-0") and f["outcome"] == "fail" for f in findings), "other verdicts kept"


def test_an_evaluation_past_the_memory_bound_is_a_sys_003_finding(tmp_path: Path) -> None:
    huge = "count([x | some x in numbers.range(1, 300000000)]) > 0"  # the reproducer: 7.2 GB at once
    pack = _policy_dir(tmp_path, DENY_EACH_BUCKET.replace("CONDITION", huge))
    config = tmp_path / "soc2gate.yaml"
    config.write_text("limits:\n  eval_timeout_s: 60\n  eval_memory_mb: 256\n")
    report = tmp_path / "report.json"
    done = _scan(str(_bucket(tmp_path)), "--policy-dir", str(pack), "--config", str(config),
                 "--format", "json", "--output", str(report), timeout=90)
    assert done.returncode == 1, done.stdout + done.stderr
    errors = [f for f in json.loads(report.read_text())["findings"] if f["policy"] == "SYS-003"]
    assert len(errors) == 1 and "TF-900" in errors[0]["message"] and "eval_memory_mb" in errors[0]["message"]


def test_the_deadline_is_validated_configuration(tmp_path: Path) -> None:
    config = tmp_path / "soc2gate.yaml"
    config.write_text("limits:\n  eval_timeout_s: -1\n")
    done = _scan(str(_bucket(tmp_path)), "--config", str(config))
    assert done.returncode == 2 and "limits.eval_timeout_s" in done.stderr


def test_a_child_that_overruns_is_killed() -> None:
    def work(emit: deadline.Emit) -> None:
        emit(b"first")
        emit(str(os.getpid()).encode())
        while True:
            pass

    child = deadline.start(work)
    received: list[bytes] = []
    with pytest.raises(deadline.Overrun):
        received.extend(deadline.records(child, 0.5))
    assert received[0] == b"first"
    pid = int(received[1])
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, 0)  # already reaped: killed, not left running


def test_records_survive_large_payloads_and_a_failing_child() -> None:
    big = b"x" * (3 << 20)

    def work(emit: deadline.Emit) -> None:
        emit(big)
        emit(b"\n2\nnot-a-frame")
        raise RuntimeError("stops here")

    assert list(deadline.records(deadline.start(work), 10)) == [big, b"\n2\nnot-a-frame"]


@pytest.mark.parametrize("timeout_s", [5.0, 0.0], ids=["forked", "in-process"])
def test_a_failing_policy_is_isolated_and_the_others_keep_their_verdicts(tmp_path: Path, timeout_s: float) -> None:
    from soc2gate.engine.input_doc import build_input
    from soc2gate.engine.regorus_engine import RegorusEngine
    from soc2gate.parsers.collect import CollectOptions, collect

    pack = _policy_dir(tmp_path, DENY_EACH_BUCKET.replace("CONDITION", "undefined.function(r) == 1"))
    bundle = load_bundle([policies_dir(), pack], load_controls())
    engine = RegorusEngine(timeout_s=timeout_s)
    engine.prepare(bundle)
    resources = collect([str(_bucket(tmp_path))], CollectOptions(use_cache=False)).resources
    verdicts = engine.evaluate(build_input(resources, {"now": "2026-01-01T00:00:00+00:00", "change_management": {}}))
    assert list(verdicts.errors) == ["TF-900"] and "undefined.function" in verdicts.errors["TF-900"]
    assert sum(len(items) for items in verdicts.denies.values()) > 0, "the other policies' verdicts are kept"


DENIED_CALLS = ['http.send({"method": "get", "url": "u"})', "opa.runtime()", "time.now_ns()", 'rand.intn("s", 2)',
                'uuid.rfc4122("s")', 'net.lookup_ip_addr("h")', 'io.jwt.decode_verify("t", {})']
# Text placed before the call that a line-based check misreads: open raw strings, quotes in comments,
# comment markers in strings, escaped quotes.
DISGUISES = ['s := `\n"`\n', 's := "# not a comment"\n', '# a "quote\nt := `#`\n', 'u := "\\"#"\n',
             's := `a\nb\nc`\n', 'v := ["`", "#", "\\\\"]\n']


@pytest.mark.parametrize("disguise", DISGUISES)
def test_calls_cannot_hide_behind_strings_or_comments(disguise: str) -> None:
    for call in DENIED_CALLS:
        body = disguise + f"x := {call}\n"
        with pytest.raises(PolicyLoadError) as info:
            check_sandbox(HEADER + body, "p.rego")
        line = HEADER.count("\n") + body.count("\n")
        assert f"p.rego:{line}: policies are sandboxed: `{call.split('(')[0]}`" in str(info.value)
        quoted = call.replace('"', "'")
        check_sandbox(HEADER + disguise + f"y := `{call}`\n# {call}\nz := \"{quoted}\"\n", "p.rego")
