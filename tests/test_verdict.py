"""One verdict: ``model.Verdict`` decides whether a finding blocks, and every face asks it.

Hand-made findings and Results (no scan) for the reporters and the webhook's decision; a real
Gate for immutability and the admission gate the API builds.
"""

from __future__ import annotations

import dataclasses
import json
import pickle

import pytest

from soc2gate import api
from soc2gate.commands.github import annotations_of
from soc2gate.model import Finding, Outcome, Result, SourceSpan, Verdict
from soc2gate.webhook.decision import decide
from soc2gate.webhook.settings import webhook_settings


def _finding(policy: str, outcome: Outcome, severity: str, baseline: str = "") -> Finding:
    return Finding(policy, outcome, severity, ("CC6.1",), f"aws_s3_bucket.{policy.lower()}", "aws_s3_bucket",
                   f"{policy} message", SourceSpan("main.tf", 3, 5), "terraform", baseline=baseline)


FINDINGS = (
    _finding("TF-001", Outcome.FAIL, "high"),
    _finding("TF-002", Outcome.FAIL, "low"),
    _finding("TF-003", Outcome.INCONCLUSIVE, "low"),
    _finding("TF-004", Outcome.FAIL, "critical", baseline="existing"),
    Finding("SYS-001", Outcome.ERROR, "high", (), "bad.tf", "file", "bad.tf:1: cannot parse", SourceSpan("bad.tf", 1, 1)),
)


def _result(verdict: Verdict, findings: tuple[Finding, ...] = FINDINGS) -> Result:
    return Result("0", "sha256:x", "sha256:y", findings, (), (), verdict=verdict)


def test_verdict_decides_blocking_and_exit_code() -> None:
    high = Verdict(fail_on="high")
    assert [high.blocks(f) for f in FINDINGS] == [True, False, False, True, True]
    assert [Verdict(fail_on="critical", strict=True, allow_parse_errors=True, gate="new").blocks(f)
            for f in FINDINGS] == [False, False, True, False, False]
    assert _result(high).exit_code == 1 and not _result(high).passed
    assert _result(Verdict(fail_on="critical", allow_parse_errors=True, gate="new")).passed
    assert _result(Verdict(fail_on="critical", allow_parse_errors=True, gate="new")).exit_code == 0


def test_json_report_marks_each_finding_blocking_as_the_verdict_decides() -> None:
    data = json.loads(api.render(_result(Verdict(fail_on="high")), "json"))
    assert {f["policy"]: f["blocking"] for f in data["findings"]} == {
        "TF-001": True, "TF-002": False, "TF-003": False, "TF-004": True, "SYS-001": True}
    assert data["verdict"] == "failed" and data["exit_code"] == 1 and data["fail_on"] == "high"


def test_github_annotations_are_errors_only_for_blocking_findings() -> None:
    levels = {a.title.split(" ")[0]: a.level for a in annotations_of(_result(Verdict(fail_on="high")))}
    assert levels == {"TF-001": "error", "TF-002": "warning", "TF-003": "warning", "TF-004": "error",
                      "SYS-001": "error"}


def test_webhook_denies_exactly_what_the_verdict_blocks() -> None:
    settings = webhook_settings({}, "enforce")
    findings = [f for f in FINDINGS if f.policy_id.startswith("TF")]
    decision = decide(findings, settings, Verdict(fail_on="high"), {}, "Pod x")
    assert (decision.outcome, decision.denied, decision.warned) == ("denied", ("TF-001", "TF-004"),
                                                                    ("TF-002", "TF-003"))
    strict = decide(findings[1:3], settings, Verdict(fail_on="high", strict=True), {}, "Pod x")
    assert (strict.outcome, strict.denied, strict.warned) == ("denied", ("TF-003",), ("TF-002",))


def test_gate_is_immutable_and_the_api_builds_the_admission_gate() -> None:
    template = api.admission_template(api.ScanOptions(fail_on="medium"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        template.engine = None  # type: ignore[misc]
    assert template.engine is None, "a regorus engine is bound to its thread: the template carries none"
    assert {p.surface for p in template.policies} >= {"terraform", "kubernetes"}
    gate = api.admission_gate(pickle.loads(pickle.dumps(template)))  # as a worker process receives it
    assert gate.engine is not None and {p.surface for p in gate.policies} == {"kubernetes"}
    assert gate.verdict == Verdict(fail_on="medium") and template.engine is None
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default"},
           "spec": {"hostNetwork": True, "containers": [{"name": "c", "image": "nginx"}]}}
    result = gate.evaluate([api.kubernetes_resource(pod, "admission:1")])
    assert any(f.outcome is Outcome.FAIL for f in result.findings) and not result.passed
    with pytest.raises(RuntimeError, match="admission template"):
        template.evaluate([])


def test_click_choices_come_from_the_registries() -> None:
    from soc2gate.cli import cli
    from soc2gate.commands import register_all

    register_all(cli)
    options = {p.name: p for p in cli.commands["scan"].params}
    assert tuple(options["formats"].type.choices) == api.FORMATS  # type: ignore[attr-defined]
    assert tuple(options["fail_on"].type.choices) == api.SEVERITIES  # type: ignore[attr-defined]
    assert tuple(options["input_type"].type.choices) == api.INPUT_TYPES  # type: ignore[attr-defined]
    debug = [p for c in (cli, cli.commands["scan"], cli.commands["hook"]) for p in c.params if p.opts == ["--debug"]]
    assert len({id(p) for p in debug}) == 1 and len(debug) == 3, "--debug is declared once, accepted everywhere"
