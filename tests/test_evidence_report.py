"""The auditor's period report, and the ``scan --evidence`` wiring end to end."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from soc2gate.errors import UsageError
from soc2gate.evidence import EvidenceSettings, period_report, record_run
from soc2gate.evidence.report_markdown import duration, render
from soc2gate.model import Control, Finding, InputFile, Outcome, Policy, Result, SourceSpan, Waiver

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=timezone.utc)
POLICY = Policy("TF-001", "S3 buckets encrypt data at rest", "", "high", "terraform", {"CC6.1": "why"}, "", "p", "p")
WAIVER = Waiver("TF-001", {"address": "aws_s3_bucket.b"}, "legacy bucket", "alice", "2025-03-31", "SEC-1", "", "central")


def _result(outcomes: dict[str, Outcome]) -> Result:
    findings = tuple(Finding("TF-001", outcome, "high", ("CC6.1",), f"aws_s3_bucket.{name}", "aws_s3_bucket", "m",
                             SourceSpan("main.tf", 1, 3), "terraform",
                             waiver=WAIVER if outcome is Outcome.WAIVED else None)
                     for name, outcome in outcomes.items())
    controls = (Control("CC6.1", "Logical Access", "security"), Control("CC8.1", "Change Management", "security"))
    return Result("0.1.0", "sha256:b", "sha256:c", findings, (POLICY,), controls,
                  inputs=(InputFile("main.tf", "00" * 32, "terraform", 2),))


def _env(repo: str, branch: str) -> dict[str, str]:
    return {"GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": repo, "GITHUB_REF_NAME": branch, "GITHUB_RUN_ID": "1"}


@pytest.fixture
def history(tmp_path: Path) -> Path:
    directory = tmp_path / "ev"
    F, P, W = Outcome.FAIL, Outcome.PASS, Outcome.WAIVED
    runs = [
        (T0, {"a": F, "b": P}, "acme/infra", "main"),                               # a starts failing
        (T0 + timedelta(hours=3), {"a": P, "b": F}, "acme/infra", "main"),          # a fixed after 3h; b fails
        (T0 + timedelta(days=1), {"a": P, "b": W}, "acme/infra", "main"),           # b waived, not fixed
        (T0 + timedelta(days=2), {"a": F}, "acme/other", "dev"),                    # another repository
        (T0 + timedelta(days=40), {"a": P, "b": P}, "acme/infra", "main"),          # outside the period
    ]
    for index, (moment, outcomes, repo, branch) in enumerate(runs, start=1):
        record_run(_result(outcomes), EvidenceSettings(str(directory)), moment, _env(repo, branch), run_id=f"r{index}")
    return directory


def test_report_per_control_runs_pass_rate_and_time_to_fix(history: Path) -> None:
    report = period_report(str(history), "2025-03-03", "2025-03-12")
    assert report["integrity"]["ok"] and report["runs"] == 4
    assert (report["passed_runs"], report["failed_runs"]) == (1, 3)
    assert report["period"] == {"from": "2025-03-03T00:00:00Z", "to": "2025-03-12T23:59:59Z"}
    cc61 = next(c for c in report["controls"] if c["id"] == "CC6.1")
    assert (cc61["runs"], cc61["passed"], cc61["failed"]) == (4, 1, 3)
    assert cc61["pass_rate"] is None  # two repositories: no pass rate across populations
    rates = {(p["repo"], p["branch"]): (p["runs"], p["passed"], p["pass_rate"]) for p in cc61["populations"]}
    assert rates == {("acme/infra", "main"): (3, 1, 0.3333), ("acme/other", "dev"): (1, 0, 0.0)}
    assert (cc61["failures"], cc61["fixed"], cc61["open"], cc61["waived"]) == (3, 1, 1, 1)
    assert cc61["median_time_to_fix_seconds"] == 3 * 3600
    cc81 = next(c for c in report["controls"] if c["id"] == "CC8.1")
    assert cc81["runs"] == 0 and cc81["pass_rate"] is None
    states = {(f["repo"], f["resource"]): (f["state"], f["time_to_fix_seconds"], f["fixed_run"]) for f in report["failures"]}
    assert states == {("acme/infra", "aws_s3_bucket.a"): ("fixed", 10800, "r2"),
                      ("acme/infra", "aws_s3_bucket.b"): ("waived", None, ""),
                      ("acme/other", "aws_s3_bucket.a"): ("open", None, "")}
    [exception] = report["exceptions"]
    assert (exception["resource"], exception["approved_by"], exception["ticket"], exception["runs"]) == (
        "aws_s3_bucket.b", "alice", "SEC-1", 1)
    assert exception["first_seen"] == "2025-03-04T09:00:00Z"


def test_report_filters_by_period_branch_and_repository(history: Path) -> None:
    later = period_report(str(history), "2025-03-04", "2025-03-12")
    assert later["runs"] == 2
    assert {(f["repo"], f["resource"]) for f in later["failures"]} == {("acme/infra", "aws_s3_bucket.b"),
                                                                      ("acme/other", "aws_s3_bucket.a")}
    main = period_report(str(history), None, None, branch="main")
    assert main["runs"] == 4 and main["repos"] == ["acme/infra"]
    fixed_later = {f["resource"]: f["state"] for f in main["failures"]}
    assert fixed_later == {"aws_s3_bucket.a": "fixed", "aws_s3_bucket.b": "fixed"}  # run r5 fixed b
    assert period_report(str(history), None, None, repo="acme/other")["runs"] == 1
    with pytest.raises(UsageError, match="--to is before --from"):
        period_report(str(history), "2025-03-10", "2025-03-01")
    with pytest.raises(UsageError, match="--from '03/01/2025'"):
        period_report(str(history), "03/01/2025", None)


def test_markdown_report_and_cli(history: Path) -> None:
    text = render(period_report(str(history), "2025-03-03", "2025-03-12"))
    assert "- Integrity: **verified**" in text
    assert "| CC6.1 | - | 4 | 1 | 3 | 0 | per population | 3 | 1 | 1 | 1 | 3h 0m | 3h 0m |" in text
    assert "| CC6.1 | acme/infra | main |" in text and "| 3 | 1 | 2 | 33.3% |" in text
    assert "Not tested by any run in this period: CC8.1." in text
    assert "| TF-001 | aws_s3_bucket.b | legacy bucket | alice | SEC-1 | 2025-03-31 | central | applied |" in text
    assert (duration(None), duration(45), duration(600), duration(90000)) == ("-", "45s", "10m", "1d 1h")
    from soc2gate.cli import cli
    from soc2gate.commands import register_all

    register_all(cli)
    runner = CliRunner()
    outcome = runner.invoke(cli, ["evidence", "report", str(history), "--from", "2025-03-03", "--to", "2025-03-12",
                                  "--format", "json"])
    assert outcome.exit_code == 0 and json.loads(outcome.output)["runs"] == 4
    lines = (history / "ledger.jsonl").read_text().splitlines()
    (history / "ledger.jsonl").write_text("\n".join(lines[:1] + lines[2:]) + "\n")  # delete a record
    outcome = runner.invoke(cli, ["evidence", "report", str(history)])
    assert outcome.exit_code == 1 and "- Integrity: **FAILED** — 1 problem(s)" in outcome.output


def test_scan_with_evidence_appends_a_record_per_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from soc2gate.cli import cli
    from soc2gate.commands import register_all

    for name in ("GITHUB_ACTIONS", "GITLAB_CI", "JENKINS_URL", "CIRCLECI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    Path("main.tf").write_text('resource "aws_s3_bucket" "data" {\n  bucket = "acme-data"\n}\n')
    Path(".soc2gate.yaml").write_text("evidence:\n  dir: audit/ledger\n")
    register_all(cli)
    runner = CliRunner()
    first = runner.invoke(cli, ["scan", "main.tf", "--format", "json", "--output", "report.json"])
    second = runner.invoke(cli, ["scan", "main.tf", "--evidence", "other", "--format", "json", "--output", "r.json"])
    assert (first.exit_code, second.exit_code) == (1, 1), first.output + second.output
    [record] = [json.loads(line) for line in Path("audit/ledger/ledger.jsonl").read_text().splitlines()]
    report = json.loads(Path("report.json").read_text())
    assert record["verdict"] == report["verdict"] == "failed" and record["exit_code"] == 1
    assert record["inputs"] == [{"path": i["path"], "sha256": i["sha256"], "kind": i["kind"]} for i in report["inputs"]]
    assert record["config_digest"] == report["config_digest"] and record["ci"]["provider"] == "local"
    assert ("TF-001", "aws_s3_bucket.data") in {(f["policy"], f["resource"]) for f in record["failures"]}
    assert Path("other/ledger.jsonl").is_file()
    assert runner.invoke(cli, ["evidence", "verify", "audit/ledger"]).exit_code == 0


def test_evidence_config_section_is_validated(tmp_path: Path) -> None:
    from soc2gate.config import parse_config
    from soc2gate.errors import ConfigError

    with pytest.raises(ConfigError, match="`evidence.lock_timeout`"):
        parse_config("evidence:\n  dir: x\n  lock_timeout: 0\n", "c.yaml")
    with pytest.raises(ConfigError, match=r"`evidence`: unknown key \('directory' was unexpected\)"):
        parse_config("evidence:\n  directory: x\n", "c.yaml")
