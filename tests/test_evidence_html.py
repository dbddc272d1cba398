"""The auditor's deliverable: the HTML period report opened in real headless Chromium, populations
that never mix scopes, the change population export and its reproducible sample, ``evidence show``."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from chromium_cdp import Browser, binary, render_files
from evidence_history import generate
from soc2gate.cli import cli
from soc2gate.commands import register_all
from soc2gate.evidence import EvidenceSettings, period_report, record_run
from soc2gate.model import Control, Finding, InputFile, Outcome, Policy, Result, SourceSpan

register_all(cli)
REPO = Path(__file__).resolve().parent.parent
SECTIONS = ("integrity", "scope", "criteria", "exceptions", "changes", "coverage")


def invoke(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args)
    if result.exception and not isinstance(result.exception, SystemExit):
        from soc2gate.errors import Soc2gateError

        assert isinstance(result.exception, Soc2gateError), result.exception
        return result.exception.exit_code, result.output, str(result.exception)
    return result.exit_code, result.output, result.stderr


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    directory = tmp_path_factory.mktemp("history") / "ledger"
    return directory, generate(str(directory), runs=420)


def test_html_report_loads_offline_in_chromium_with_every_section_and_chart(ledger, tmp_path: Path) -> None:
    assert binary(), "Debian's chromium is missing: .ci/run installs it (apt-get install chromium)"
    directory, planned = ledger
    (tmp_path / ".soc2gate.yaml").write_text(
        "controls_map:\n  CC8.1: [{id: CM-02, name: Changes are approved before deployment}]\n"
        "manual_evidence:\n  CC1.1:\n    - {evidence: Code of conduct (HR wiki), owner: hr-lead, review_interval_days: 365,"
        " last_reviewed: '2025-02-01'}\n")
    page = tmp_path / "report.html"
    code, _, err = invoke(["evidence", "report", str(directory), "--from", "2025-01-01", "--to", "2025-06-30",
                           "--format", "html", "--output", str(page), "--config", str(tmp_path / ".soc2gate.yaml")])
    assert code == 0, err
    text = page.read_text()
    assert not re.findall(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", text, re.I)
    assert "<script" not in text.lower() and "@import" not in text and "url(" not in text
    with Browser() as browser:
        session = browser.load(page.resolve().as_uri())
        assert browser.requests() == [page.resolve().as_uri()]  # the page itself, nothing else
        assert browser.console_errors() == []
        ids = browser.evaluate(session, "[...document.querySelectorAll('section')].map(s => s.id)")
        assert ids == list(SECTIONS)
        toc = browser.evaluate(session, "[...document.querySelectorAll('nav a')].map(a => a.getAttribute('href'))")
        assert toc == [f"#{s}" for s in SECTIONS]
        charts = browser.evaluate(session, "[...document.querySelectorAll('svg.chart')].map(c => "
                                  "[c.querySelectorAll('circle.point').length, c.querySelectorAll('rect.bar').length])")
        assert len(charts) >= 8 and all(points > 0 and bars > 0 for points, bars in charts)
        cc81 = browser.evaluate(session, "document.getElementById('crit-CC8-1').querySelector('h3').textContent")
        assert cc81 == "CC8.1 — CM-02 Changes are approved before deployment"
        coverage = browser.evaluate(session, "document.getElementById('coverage').innerText")
        assert "Code of conduct (HR wiki)" in coverage and "hr-lead" in coverage and "CC2.1" in coverage
        changes = browser.evaluate(session, "document.getElementById('changes').innerText")
        in_period = sum(1 for moment, repo, _, _ in planned if repo == "acme/app" and moment < datetime(
            2025, 7, 1, tzinfo=timezone.utc))
        assert f"{in_period}\t" in changes
    shot, pdf = tmp_path / "report.png", tmp_path / "report.pdf"
    render_files(page, shot, pdf)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.read_bytes().count(b"/Type /Page") > len(SECTIONS)


def test_the_offline_checks_catch_a_network_request_and_a_console_error(tmp_path: Path) -> None:
    page = tmp_path / "bad.html"
    page.write_text("<html><body><img src='http://192.0.2.1/logo.png'><script>console.error('boom')</script>")
    with Browser() as browser:
        browser.load(page.resolve().as_uri())
        assert "http://192.0.2.1/logo.png" in browser.requests()
        assert any("boom" in e for e in browser.console_errors())


def _run(directory: Path, moment: datetime, files: dict[str, Outcome]) -> None:
    """One acme/infra main run reading ``files`` (each with one CC6.1 finding)."""
    policy = Policy("TF-001", "S3 encryption", "", "high", "terraform", {"CC6.1": ""}, "", "p", "p")
    findings = tuple(Finding("TF-001", outcome, "high", ("CC6.1",), f"aws_s3_bucket.{Path(f).stem}", "aws_s3_bucket",
                             "m", SourceSpan(f, 1, 2), "terraform") for f, outcome in files.items())
    result = Result("0.9.0", "sha256:b", "sha256:c", findings, (policy,), (Control("CC6.1", "Access", "security"),),
                    inputs=tuple(InputFile(f, "0" * 64, "terraform", 1) for f in files))
    env = {"GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "acme/infra", "GITHUB_REF_NAME": "main"}
    record_run(result, EvidenceSettings(str(directory)), moment, env)


def test_a_narrow_run_never_mixes_into_the_full_scope_pass_rate(tmp_path: Path) -> None:
    full = {f"infra/m{i}.tf": Outcome.FAIL for i in range(26)}
    t0 = datetime(2025, 3, 3, tzinfo=timezone.utc)
    _run(tmp_path, t0, full)
    _run(tmp_path, t0 + timedelta(hours=1), {"infra/clean.tf": Outcome.PASS})  # one clean file
    report = period_report(str(tmp_path), "2025-03-01", "2025-03-31")
    [cc61] = [c for c in report["controls"] if c["id"] == "CC6.1"]
    assert cc61["pass_rate"] is None and cc61["open"] == 26
    rates = sorted((p["runs"], p["pass_rate"]) for p in cc61["populations"])
    assert rates == [(1, 0.0), (1, 1.0)]  # two populations, never "50 %"
    record = json.loads((tmp_path / "ledger.jsonl").read_text().splitlines()[0])
    assert record["scope_fingerprint"] == cc61["populations"][0]["scope_fingerprint"] or \
        record["scope_fingerprint"] == cc61["populations"][1]["scope_fingerprint"]
