"""The text report pinned by golden files (full, compact, quiet) built from a hand-made Result.

Regenerate deliberately with SOC2GATE_UPDATE_GOLDEN=1 and review the diff."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from soc2gate.model import Finding, Outcome, Policy, Result, Skipped, SourceSpan, Verdict, Waiver, Control, InputFile
from soc2gate.reporters.text import render, verdict_line
from soc2gate.reporters.text_style import use_color

GOLDEN = Path(__file__).parent / "golden"
ANSI = re.compile(r"\033\[[0-9;]*m")


def _policy(pid: str, severity: str, controls: dict, remediation: str) -> Policy:
    return Policy(id=pid, title=f"{pid} title", description="", severity=severity, surface="terraform",
                  controls=controls, remediation=remediation, package=f"p.{pid}", path=f"policies/{pid}")


def _finding(pid: str, outcome: Outcome, severity: str, controls: tuple, resource: str, file: str, line: int,
             message: str, **extra) -> Finding:
    return Finding(policy_id=pid, outcome=outcome, severity=severity, controls=controls, resource=resource,
                   resource_type=resource.split(".")[-2] if "." in resource else "file", message=message,
                   span=SourceSpan(file, line, line), surface="terraform", **extra)


def sample_result() -> Result:
    waiver = Waiver("TF-003", {}, "legacy bucket", "alice", "2027-01-01")
    findings = (
        _finding("TF-002", Outcome.FAIL, "low", ("CC7.2",), "aws_s3_bucket.logs", "s3.tf", 3, "access logging off"),
        _finding("TF-001", Outcome.FAIL, "high", ("CC6.1", "CC6.7"), "aws_s3_bucket.data", "s3.tf", 10,
                 "bucket is not encrypted"),
        _finding("TF-001", Outcome.FAIL, "high", ("CC6.1", "CC6.7"), "module.vpc.aws_flow_log.this",
                 ".terraform/modules/vpc/main.tf", 28, "flow log bucket is not encrypted",
                 related={"call_sites": [{"address": "module.vpc", "file": "main.tf", "line": 12}]}),
        _finding("TF-004", Outcome.INCONCLUSIVE, "medium", ("CC6.6",), "aws_security_group.web", "sg.tf", 7,
                 "ingress open (inconclusive: depends on `var.cidr`)", unknown_expression="var.cidr"),
        _finding("TF-003", Outcome.WAIVED, "critical", ("CC6.1",), "aws_s3_bucket.old", "s3.tf", 20,
                 "bucket is public", waiver=waiver),
        _finding("TF-002", Outcome.PASS, "low", ("CC7.2",), "aws_s3_bucket.data", "s3.tf", 10, "TF-002 title"),
        Finding("SYS-001", Outcome.ERROR, "high", (), "broken.tf", "file", "broken.tf:4: unexpected token",
                SourceSpan("broken.tf", 4, 4), engine="soc2gate"),
    )
    policies = (_policy("TF-001", "high", {"CC6.1": "r", "CC6.7": "r"}, "Set server_side_encryption_configuration."),
                _policy("TF-002", "low", {"CC7.2": "r"}, "Enable access logging."),
                _policy("TF-003", "critical", {"CC6.1": "r"}, "Block public access."),
                _policy("TF-004", "medium", {"CC6.6": "r"}, "Restrict ingress CIDRs."))
    return Result(tool_version="0.1.0", bundle_digest="sha256:b", config_digest="sha256:c", findings=findings,
                  policies=policies, controls=(Control("CC6.1", "Logical access", "security"),),
                  inputs=(InputFile("s3.tf", "x", "terraform", 3), InputFile("main.tf", "y", "terraform", 1)),
                  skipped=(Skipped("charts/web", "Helm chart: install helm to evaluate it, or pipe `helm template` "
                                                 "into `soc2gate scan -`"),),
                  verdict=Verdict(fail_on="medium"),
                  extras={"config_file": "infra/.soc2gate.yaml",
                          "uncovered": [{"type": "alicloud_oss_bucket", "count": 2}, {"type": "oci_bucket", "count": 1}]})


@pytest.mark.parametrize("layout", ["full", "compact", "quiet"])
def test_golden(layout: str) -> None:
    text = render(sample_result(), layout=layout)
    golden = GOLDEN / f"text_{layout}.txt"
    if os.environ.get("SOC2GATE_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_each_finding_once_blocking_first_and_verdict_counts_blocking() -> None:
    text = render(sample_result())
    assert text.count("flow log bucket is not encrypted") == 1
    blocking, rest = text.split("Not blocking", 1)
    assert "TF-001" in blocking and "SYS-001" in blocking and "TF-002" not in blocking.split("Blocking")[1]
    assert "TF-003" in rest and "TF-004" in rest
    assert text.count("soc2gate policies show TF-001") == 1
    assert "module.vpc (main.tf:12) -> aws_flow_log.this (.terraform/modules/vpc/main.tf:28)" in text
    line = verdict_line(sample_result())
    assert line.startswith("FAILED: 3 blocking (2 failed, 1 error) at fail-on medium; 3 not blocking")


def test_passed_verdict_never_reads_as_failures() -> None:
    result = sample_result()
    lenient = Result(**{**result.__dict__, "findings": tuple(f for f in result.findings if f.policy_id == "TF-002"),
                        "verdict": Verdict(fail_on="high")})
    assert verdict_line(lenient).startswith("PASSED: 0 blocking at fail-on high; 1 not blocking (1 failed below fail-on)")


def test_severity_then_file_order() -> None:
    text = render(sample_result(), layout="compact")
    rows = [l for l in text.splitlines() if l.startswith("  ") and re.search(r"TF-00\d|SYS-", l)]
    assert [r.split()[1] for r in rows] == ["high", "high", "high", "critical", "medium", "low"]
    assert [r.split()[3] for r in rows[:3]] == [".terraform/modules/vpc/main.tf:28", "broken.tf:4", "s3.tf:10"]


def test_columns_stay_aligned_with_colour() -> None:
    plain = render(sample_result(), color=False)
    painted = render(sample_result(), color=True)
    assert "\033[" in painted and ANSI.sub("", painted) == plain


def test_snippets_are_shown_with_the_line_marked() -> None:
    snippets = {("s3.tf", 10): [(9, ""), (10, 'resource "aws_s3_bucket" "data" {'), (11, "}")]}
    text = render(sample_result(), snippets=snippets)
    assert '      >    10 | resource "aws_s3_bucket" "data" {' in text


@pytest.mark.parametrize("mode,tty,env,expected", [
    ("auto", True, {}, True), ("auto", False, {}, False), ("auto", True, {"NO_COLOR": "1"}, False),
    ("auto", False, {"FORCE_COLOR": "1"}, True), ("auto", False, {"FORCE_COLOR": "0"}, False),
    ("always", False, {"NO_COLOR": "1"}, True), ("never", True, {"FORCE_COLOR": "1"}, False),
    ("auto", True, {"TERM": "dumb"}, False),
])
def test_color_conventions(mode: str, tty: bool, env: dict, expected: bool) -> None:
    assert use_color(mode, tty, env) is expected


def test_junit_suites_state_their_unit_and_reconcile_with_text_and_json() -> None:
    import json
    from xml.etree import ElementTree

    from soc2gate.reporters import json_report, junit

    result = sample_result()
    root = ElementTree.fromstring(junit.render(result).encode())
    report = json.loads(json_report.render(result))
    suites = {s.get("name"): {p.get("name"): p.get("value") for p in s.iter("property")} for s in root.iter("testsuite")}
    for props in suites.values():
        assert props["soc2gate.unit"].startswith("testcase = one (policy, resource)")
        assert props["soc2gate.run.findings"] == str(sum(1 for f in result.findings if f.outcome.value != "pass"))
        assert props["soc2gate.run.blocking"] == str(report["blocking"]) == "3"
        assert props["soc2gate.config"] == report["config_file"] == "infra/.soc2gate.yaml"
    cc61 = next(p for name, p in suites.items() if name.startswith("CC6.1"))
    assert cc61["soc2gate.findings"] == str(sum(1 for f in result.findings if "CC6.1" in f.controls))
    assert report["unit"].startswith("finding: one (policy, resource)")
