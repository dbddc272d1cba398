"""The real checkov 3.3, installed in its own environment, on small inputs.

CI (.ci/run) installs checkov into .ci-venvs/checkov and exports SOC2GATE_CHECKOV_BIN.
Locally: ``python3 -m venv /path/venv && /path/venv/bin/pip install 'checkov>=3.3,<3.4'`` and
``export SOC2GATE_CHECKOV_BIN=/path/venv/bin/checkov``.  A missing checkov fails these tests
(it is a dependency of the feature), it does not skip them.
"""

from __future__ import annotations

import json
import os
import subprocess
from functools import lru_cache
from pathlib import Path

import pytest

from soc2gate.api import ScanOptions, scan
from soc2gate.engine.checkov_mapping import load_mapping
from soc2gate.model import Outcome

REPO = Path(__file__).resolve().parent.parent
S3_FAIL = REPO / "policies/terraform/aws-s3-encryption/fixtures/fail/no_encryption.tf"
K8S_FAIL = REPO / "policies/kubernetes/privileged-container/fixtures/fail/deployment.yaml"


def checkov_bin() -> str:
    binary = os.environ.get("SOC2GATE_CHECKOV_BIN", "")
    if not binary or not Path(binary).is_file():
        pytest.fail("checkov 3.3 is needed: install it in its own venv and set SOC2GATE_CHECKOV_BIN "
                    f"(got {binary!r}); .ci/run does this")
    return binary


@lru_cache(maxsize=1)
def _both():
    return scan(ScanOptions(paths=(str(S3_FAIL), str(K8S_FAIL)), with_checkov=True, checkov_bin=checkov_bin(),
                            use_cache=False))


def test_checkov_results_become_ordinary_findings() -> None:
    result = _both()
    assert not [f for f in result.findings if f.policy_id == "SYS-006"], [f.message for f in result.findings]
    extra = [f for f in result.findings if f.engine == "checkov"]
    assert {f.surface for f in extra} == {"terraform", "kubernetes"}
    for finding in extra:
        assert finding.span and finding.span.file and finding.span.start_line > 0
        assert finding.resource and finding.controls
    assert result.extras["checkov"]["version"].startswith("3.3.")
    assert any(f.outcome is Outcome.FAIL for f in extra)


def test_native_twin_wins_and_shows_the_checkov_id() -> None:
    result = _both()
    acl = [f for f in result.findings if f.policy_id == "TF-028"]  # claims CKV_AWS_20 as equivalent
    assert acl and all(any(c["id"] == "CKV_AWS_20" for c in f.related.get("checkov", [])) for f in acl)
    assert not [f for f in result.findings if f.policy_id == "CKV_AWS_20"], "the pair is reported once"
    # CKV_AWS_19 is only related to TF-001 (it accepts S3's SSE-S3 default): its own finding, not a twin
    assert [f for f in result.findings if f.policy_id == "CKV_AWS_19"]
    assert not any(c["id"] == "CKV_AWS_19" for f in result.findings if f.policy_id == "TF-001"
                   for c in f.related.get("checkov", []))
    privileged = [f for f in result.findings if f.policy_id == "K8S-001" and f.outcome is Outcome.FAIL]
    assert privileged and all(c == {"id": "CKV_K8S_16", "result": "failed", "agrees": True}
                              for f in privileged for c in f.related["checkov"])
    summary = result.extras["checkov"]
    assert isinstance(summary["disagreements"], list) and summary["paired"] >= 2


@pytest.mark.parametrize("fmt", ["json", "text", "junit", "sarif", "markdown"])
def test_checkov_findings_in_every_output_format(fmt: str) -> None:
    from soc2gate.reporters import get_renderer

    result = _both()
    checkov_failure = next(f for f in result.findings if f.engine == "checkov" and f.outcome is Outcome.FAIL)
    text = get_renderer(fmt)(result)
    assert checkov_failure.policy_id in text
    if fmt == "json":
        report = json.loads(text)
        assert report["extras"]["checkov"]["results"] == result.extras["checkov"]["results"]
        assert any(f["engine"] == "checkov" and f["line"] > 0 and f["controls"] for f in report["findings"])


def test_checkov_parse_error_is_reported(tmp_path: Path) -> None:
    broken = tmp_path / "broken.tf"
    broken.write_text('resource "aws_s3_bucket" "b" {\n  bucket = "x"\n', encoding="utf-8")
    result = scan(ScanOptions(paths=(str(broken),), with_checkov=True, checkov_bin=checkov_bin(), use_cache=False,
                              allow_parse_errors=True))
    problems = [f for f in result.findings if f.policy_id == "SYS-006"]
    assert problems and "could not parse" in problems[0].message
    assert not result.passed  # SYS-006 is not excused by --allow-parse-errors


def test_every_mapped_id_exists_in_checkov_3_3() -> None:
    listing = subprocess.run([checkov_bin(), "--list", "--framework", "terraform", "kubernetes", "--skip-download"],
                             capture_output=True, text=True, timeout=300)
    assert listing.returncode == 0, listing.stderr[-500:]
    known = set(re_ids(listing.stdout))
    assert set(load_mapping()) <= known, sorted(set(load_mapping()) - known)


def re_ids(text: str) -> list[str]:
    import re

    return re.findall(r"\|\s*(CKV2?_[A-Z0-9]+_\d+)\s*\|", text)


def test_cli_with_checkov(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from soc2gate.cli import cli

    out = tmp_path / "report.json"
    run = CliRunner().invoke(cli, ["scan", str(K8S_FAIL), "--with-checkov", "--format", "json", "--output", str(out),
                                   "--no-cache"], env={"SOC2GATE_CHECKOV_BIN": checkov_bin()})
    assert run.exit_code == 1, run.output
    report = json.loads(out.read_text())
    assert any(f["engine"] == "checkov" for f in report["findings"])
    assert report["timings"]["checkov_s"] > 0
