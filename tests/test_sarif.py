"""SARIF 2.1.0: schema-valid (OASIS errata 01 schema), GitHub code-scanning ready, stable identities."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest

from conftest import CORPORA, REFERENCE, require_shared
from soc2gate.api import ScanOptions, scan
from soc2gate.model import Finding, Outcome, SourceSpan, Waiver
from soc2gate.reporters import get_renderer
from soc2gate.reporters.sarif import MAX_RESULTS, sarif_log

REPO = Path(__file__).resolve().parent.parent
GITHUB_MAX_RESULTS = 25_000  # hard limits of GitHub code scanning per run
GITHUB_MAX_RULES = 25_000
GITHUB_MAX_TAGS = 20
GITHUB_MAX_GZIP_BYTES = 10 * 1024 * 1024
NO_ENCRYPTION = 'resource "aws_s3_bucket" "data" {\n  bucket = "acme-data"\n}\n'


def _validator() -> jsonschema.Draft4Validator:
    require_shared()
    schema = json.loads((REFERENCE / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def _valid(text: str) -> dict:
    document = json.loads(text)
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]
    return document


def _within_github_limits(text: str, document: dict) -> None:
    assert len(document["runs"]) == 1
    run = document["runs"][0]
    assert len(run["results"]) <= min(GITHUB_MAX_RESULTS, MAX_RESULTS)
    assert len(run["tool"]["driver"]["rules"]) <= GITHUB_MAX_RULES
    assert all(len(r["properties"]["tags"]) <= GITHUB_MAX_TAGS for r in run["tool"]["driver"]["rules"])
    assert len(gzip.compress(text.encode("utf-8"))) < GITHUB_MAX_GZIP_BYTES


def _scan(*paths: str):
    return scan(ScanOptions(paths=paths, use_cache=False))


def test_real_corpus_is_schema_valid_and_complete(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    require_shared()
    shutil.copytree(CORPORA / "real" / "terragoat" / "terraform" / "aws", tmp_path / "terragoat")
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    (tmp_path / "broken.tf").write_text("resource {")
    monkeypatch.chdir(tmp_path)  # the repository root, as in a CI checkout
    result = _scan("terragoat", "examples", str(tmp_path / "broken.tf"))
    text = get_renderer("sarif")(result)
    document = _valid(text)
    _within_github_limits(text, document)
    run = document["runs"][0]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert {p.id for p in result.policies} <= set(rules)
    reported = [f for f in result.findings if f.outcome is not Outcome.PASS]
    assert len(run["results"]) == len(reported) > 0
    assert all(r["ruleId"] in rules and rules[r["ruleId"]]["id"] == r["ruleId"] for r in run["results"])
    assert [r["ruleIndex"] for r in run["results"]] == [list(rules).index(r["ruleId"]) for r in run["results"]]
    assert all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith(
        ("terragoat/", "examples/", "broken.tf")) for r in run["results"])
    sys_result = next(r for r in run["results"] if r["ruleId"] == "SYS-001")
    assert sys_result["level"] == "error" and sys_result["locations"][0]["physicalLocation"]["region"]["startLine"] == 1
    assert run["properties"]["verdict"] == "failed" and run["invocations"][0]["exitCode"] == 1


def test_rules_carry_soc2_tags_severity_help_and_docs_link(monkeypatch: pytest.MonkeyPatch) -> None:
    result = _scan(str(REPO / "examples"))
    rules = {r["id"]: r for r in sarif_log(result)["runs"][0]["tool"]["driver"]["rules"]}
    for policy in result.policies:
        rule = rules[policy.id]
        assert rule["shortDescription"]["text"] == policy.title
        assert rule["fullDescription"]["text"] == policy.description
        assert policy.remediation in rule["help"]["text"] and policy.remediation in rule["help"]["markdown"]
        assert rule["helpUri"].endswith(f"docs/policies.md#{policy.id.lower()}")
        in_scope = {c.id for c in result.controls}
        assert set(rule["properties"]["tags"]) == {"security", *(c for c in policy.controls if c in in_scope)}
        score = float(rule["properties"]["security-severity"])
        assert 0.0 <= score <= 10.0
    severity_scores = {p.severity: float(rules[p.id]["properties"]["security-severity"]) for p in result.policies}
    ordered = [severity_scores[s] for s in ("info", "low", "medium", "high", "critical") if s in severity_scores]
    assert ordered == sorted(ordered) and len(set(ordered)) == len(ordered)
    assert any(c not in in_scope for p in result.policies for c in p.controls)  # out-of-scope criteria exist
    monkeypatch.setenv("SOC2GATE_DOCS_URL", "https://elsewhere.example.com/")  # render reads no environment
    assert sarif_log(result)["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"] == rules[result.policies[0].id]["helpUri"]
    result = replace(result, docs_url="https://docs.example.com/soc2gate/policies.html")
    rule = sarif_log(result)["runs"][0]["tool"]["driver"]["rules"][0]
    assert rule["helpUri"] == f"https://docs.example.com/soc2gate/policies.html#{rule['id'].lower()}"


def test_results_have_level_message_and_repo_relative_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module = tmp_path / "infra dir"
    module.mkdir()
    (module / "main.tf").write_text("# storage\n\n" + NO_ENCRYPTION)
    monkeypatch.chdir(tmp_path)
    result = _scan(str(module / "main.tf"))  # absolute path under the working directory
    run = sarif_log(result)["runs"][0]
    failure = next(r for r in run["results"] if r["ruleId"] == "TF-001")
    assert failure["kind"] == "fail" and failure["level"] == "error"  # TF-001 is high
    assert "aws_s3_bucket.data" in failure["message"]["text"]
    location = failure["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "infra%20dir/main.tf", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 3, "endLine": 5}


def test_fingerprints_survive_moved_lines_and_tell_resources_apart(tmp_path: Path) -> None:
    before, after = tmp_path / "before", tmp_path / "after"
    for folder, prefix in ((before, ""), (after, "# a comment\n\n\n")):
        folder.mkdir()
        two = NO_ENCRYPTION + NO_ENCRYPTION.replace('"data"', '"logs"').replace("acme-data", "acme-logs")
        (folder / "main.tf").write_text(prefix + two)

    def results(folder: Path) -> list[dict]:
        import os

        cwd = os.getcwd()
        os.chdir(folder)  # the same repository-relative path in both "commits"
        try:
            return [r for r in sarif_log(_scan("main.tf"))["runs"][0]["results"] if r["ruleId"] == "TF-001"]
        finally:
            os.chdir(cwd)

    old, new = results(before), results(after)
    key = "soc2gate/v1"
    assert [r["partialFingerprints"][key] for r in old] == [r["partialFingerprints"][key] for r in new]
    assert len({r["partialFingerprints"][key] for r in old}) == len(old) == 2
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in old] != \
        [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in new]


def _synthetic(result, findings: list[Finding]):
    return replace(result, findings=tuple(findings))


def _tf001(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A real TF-001 failure in ``main.tf`` of the working directory, and its Result."""
    (tmp_path / "main.tf").write_text(NO_ENCRYPTION)
    monkeypatch.chdir(tmp_path)
    result = _scan("main.tf")
    return result, next(f for f in result.findings if f.outcome is Outcome.FAIL and f.policy_id == "TF-001")


def test_waived_findings_are_suppressed_and_inconclusive_are_review(tmp_path: Path, monkeypatch) -> None:
    result, failure = _tf001(tmp_path, monkeypatch)
    waiver = Waiver("TF-001", {"resource": "aws_s3_bucket.data"}, "Public dataset, no confidential data",
                    "security@acme.example", "2030-01-01", ticket="SEC-42")
    waived = replace(failure, outcome=Outcome.WAIVED, waiver=waiver)
    unknown = replace(failure, outcome=Outcome.INCONCLUSIVE, resource="aws_s3_bucket.other",
                      message="cannot decide: depends on `var.kms`")
    text = get_renderer("sarif")(_synthetic(result, [waived, unknown]))
    results = _valid(text)["runs"][0]["results"]
    assert results[0]["suppressions"] == [{
        "kind": "external", "status": "accepted", "justification": "Public dataset, no confidential data",
        "properties": {"approvedBy": "security@acme.example", "expires": "2030-01-01", "ticket": "SEC-42",
                       "origin": "central"}}]
    assert results[0]["kind"] == "fail" and results[0]["properties"]["outcome"] == "waived"
    assert results[1]["kind"] == "review" and results[1]["level"] == "none" and "suppressions" not in results[1]


def test_configured_severity_drives_rule_ranking(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "main.tf").write_text(NO_ENCRYPTION)
    (tmp_path / ".soc2gate.yaml").write_text("policies:\n  severity:\n    TF-001: critical\n")
    monkeypatch.chdir(tmp_path)
    run = sarif_log(_scan("main.tf"))["runs"][0]
    rule = next(r for r in run["tool"]["driver"]["rules"] if r["id"] == "TF-001")
    assert rule["properties"]["security-severity"] == "9.5" and rule["properties"]["soc2gate.severity"] == "critical"
    assert next(r for r in run["results"] if r["ruleId"] == "TF-001")["level"] == "error"


def test_levels_follow_severity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result, failure = _tf001(tmp_path, monkeypatch)
    findings = [replace(failure, severity=s) for s in ("critical", "high", "medium", "low", "info")]
    levels = [r["level"] for r in sarif_log(_synthetic(result, findings))["runs"][0]["results"]]
    assert levels == ["error", "error", "warning", "note", "note"]


def test_over_github_result_limit_keeps_the_most_severe_and_says_so(tmp_path: Path, monkeypatch) -> None:
    result, template = _tf001(tmp_path, monkeypatch)
    severities = ("low", "medium", "critical")
    findings = [replace(template, severity=severities[i % 3], resource=f"aws_s3_bucket.b{i}",
                        span=SourceSpan(f"modules/m{i % 50}/main.tf", i + 1, i + 3))
                for i in range(MAX_RESULTS + 1500)]
    text = get_renderer("sarif")(_synthetic(result, findings))
    document = _valid(text)
    _within_github_limits(text, document)
    run = document["runs"][0]
    assert len(run["results"]) == MAX_RESULTS
    kept = [r["properties"]["severity"] for r in run["results"]]
    assert kept.count("critical") == sum(1 for f in findings if f.severity == "critical")
    assert kept.count("medium") == sum(1 for f in findings if f.severity == "medium")
    assert kept.count("low") == MAX_RESULTS - kept.count("critical") - kept.count("medium")  # only lows dropped
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert any("1500 results were left out" in n["message"]["text"] for n in notes)


def test_cli_writes_sarif(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(NO_ENCRYPTION)
    out = tmp_path / "reports" / "out.sarif"
    proc = subprocess.run([sys.executable, "-c", "from soc2gate.cli import main; main()", "scan", "main.tf",
                           "--format", "sarif", "--output", str(out)], cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr
    document = _valid(out.read_text(encoding="utf-8"))
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in document["runs"][0]["results"]}
    assert uris == {"main.tf"} and "TF-001" in {r["ruleId"] for r in document["runs"][0]["results"]}


def test_findings_without_a_repository_file_become_notifications(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "repo").mkdir()
    result, failure = _tf001(tmp_path / "repo", monkeypatch)
    stdin = replace(failure, resource="aws_s3_bucket.piped", span=SourceSpan("<stdin>", 2, 4))
    text = get_renderer("sarif")(replace(result, findings=(failure, stdin)))
    run = _valid(text)["runs"][0]
    assert len(run["results"]) == 1  # GitHub rejects the whole file if any result lacks an artifact URI
    assert all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"])
    notes = run["invocations"][0]["toolExecutionNotifications"]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert [n["properties"]["resource"] for n in notes] == ["aws_s3_bucket.piped"]
    assert all(n["associatedRule"] == {"id": "TF-001", "index": rules.index("TF-001")} for n in notes)
    assert notes[0]["level"] == "error"


def _change_finding(failure: Finding, event: Path, **related: object) -> Finding:
    return replace(failure, policy_id="TF-001", surface="change", resource="change/github/acme/infra#12",
                   resource_type="change_record", span=SourceSpan(str(event), 1, 1), message="no approving review",
                   related=related)


def test_change_record_findings_are_alerts_on_the_workflow_file(tmp_path: Path, monkeypatch) -> None:
    """CC8.1 findings read from the CI event are code-scanning results, located on the workflow that ran
    the gate (from the change record, not from the environment) or on the documented pseudo-location."""
    (tmp_path / "repo").mkdir()
    result, failure = _tf001(tmp_path / "repo", monkeypatch)
    workflow = {"file": ".github/workflows/soc2gate.yml", "line": 1}
    placed = _change_finding(failure, tmp_path / "runner" / "event.json", location=workflow)
    loose = _change_finding(failure, tmp_path / "runner2" / "event.json")
    monkeypatch.setenv("GITHUB_WORKFLOW_REF", "acme/infra/.github/workflows/other.yml@refs/heads/main")
    for change, uri in ((placed, ".github/workflows/soc2gate.yml"),
                        (loose, ".soc2gate/change-records/github/acme/infra%2312")):
        run = _valid(get_renderer("sarif")(replace(result, findings=(failure, change))))["runs"][0]
        assert "toolExecutionNotifications" not in run["invocations"][0]
        located = run["results"][1]["locations"][0]
        assert located["physicalLocation"]["artifactLocation"] == {"uri": uri, "uriBaseId": "%SRCROOT%"}
        assert located["physicalLocation"]["region"]["startLine"] == 1
        assert located["logicalLocations"] == [{"fullyQualifiedName": "change/github/acme/infra#12", "kind": "resource"}]
    # the record's identity does not depend on where the runner stored the event
    first = sarif_log(replace(result, findings=(placed,)))["runs"][0]["results"][0]["partialFingerprints"]
    second = sarif_log(replace(result, findings=(loose,)))["runs"][0]["results"][0]["partialFingerprints"]
    assert first == second
