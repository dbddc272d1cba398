"""``soc2gate policies test DIR...``: a user's policy folder with fixtures, run like ``conftest verify``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from soc2gate.catalog.locate import policies_dir

POLICY = '''# METADATA
# title: Buckets are versioned
# description: Every bucket keeps object versions.
# custom:
#   id: TF-901
#   severity: medium
#   resource_types: [aws_s3_bucket]
#   controls:
#     CC6.1: versions allow recovery
#   remediation: set versioning
package soc2gate.policies.terraform.mine_versioning

import rego.v1

import data.soc2gate.lib.terraform as tf

deny contains tf.fail(r, "versioning", "versioning is not enabled") if {
	some r in tf.resources("aws_s3_bucket")
	not tf.is_true(tf.block(r.attributes, "versioning").enabled)
}
'''
GOOD = 'resource "aws_s3_bucket" "ok" {\n  versioning {\n    enabled = true\n  }\n}\n'
BAD = 'resource "aws_s3_bucket" "bad" {\n  bucket = "x"\n}\n'


def _pack(root: Path, fail_fixture: str = BAD) -> Path:
    folder = root / "terraform" / "versioning"
    (folder / "fixtures" / "pass").mkdir(parents=True)
    (folder / "fixtures" / "fail").mkdir(parents=True)
    (folder / "policy.rego").write_text(POLICY)
    (folder / "fixtures" / "pass" / "good.tf").write_text(GOOD)
    (folder / "fixtures" / "fail" / "bad.tf").write_text(fail_fixture)
    return root


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    src = str(Path(__file__).resolve().parent.parent / "src")
    env = {**os.environ, "PYTHONPATH": src}
    return subprocess.run([sys.executable, "-c", "from soc2gate.cli import main; main()", *args],
                          capture_output=True, text=True, env=env, cwd=cwd, timeout=300, check=False)


def test_a_user_pack_whose_fixtures_hold_passes(tmp_path: Path) -> None:
    proc = _cli("policies", "test", str(_pack(tmp_path / "mine")), "--verbose", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ok   TF-901 mine/terraform/versioning/fixtures/fail/bad.tf: fail as expected" in proc.stdout
    assert proc.stdout.rstrip().endswith("2 fixtures of 1 policies: 2 as expected, 0 not — passed")
    assert "warning" not in proc.stderr


def test_a_user_policy_in_the_builtin_range_is_a_warning_on_stderr(tmp_path: Path) -> None:
    pack = _pack(tmp_path / "mine")
    policy = pack / "terraform" / "versioning" / "policy.rego"
    policy.write_text(POLICY.replace("id: TF-901", "id: TF-899"))
    proc = _cli("policies", "test", str(pack), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stderr.count("soc2gate: warning: ") == 1 and "TF-899 is in the built-in range" in proc.stderr


def test_a_fixture_that_does_not_hold_is_a_readable_diff_and_exit_1(tmp_path: Path) -> None:
    pack = _pack(tmp_path / "mine", fail_fixture=GOOD.replace('"ok"', '"looks_bad"'))
    proc = _cli("policies", "test", str(pack), cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "FAIL TF-901 mine/terraform/versioning/fixtures/fail/bad.tf"
    assert lines[1] == "    expected: at least one failure"
    assert lines[2] == "    got:      pass"
    assert lines[3].split()[:2] == ["pass", "aws_s3_bucket.looks_bad"]
    assert "ok " not in proc.stdout  # passing fixtures only with --verbose
    assert lines[-1] == "2 fixtures of 1 policies: 1 as expected, 1 not — FAILED"


def test_a_policy_the_configuration_does_not_run_is_named(tmp_path: Path) -> None:
    pack = _pack(tmp_path / "mine")
    (pack / "terraform" / "versioning" / "fixtures" / "config.yaml").write_text("version: 1\nfail_on: low\n")
    policy = pack / "terraform" / "versioning" / "policy.rego"
    policy.write_text(POLICY.replace("CC6.1: versions allow recovery", "C1.2: versions allow recovery"))
    proc = _cli("policies", "test", str(pack), cwd=tmp_path)
    assert proc.returncode == 1
    assert "got:      the policy is not selected by the configuration" in proc.stdout
    (pack / "terraform" / "versioning" / "fixtures" / "config.yaml").write_text(
        "version: 1\nscope:\n  categories: [confidentiality]\n")
    assert _cli("policies", "test", str(pack), cwd=tmp_path).returncode == 0


def test_an_unparsable_fixture_fails_with_its_error(tmp_path: Path) -> None:
    proc = _cli("policies", "test", str(_pack(tmp_path / "mine", fail_fixture='resource "x" {')), cwd=tmp_path)
    assert proc.returncode == 1
    assert "got:      the fixture does not parse" in proc.stdout and "SYS-001" in proc.stdout


def test_one_builtin_policy_folder(tmp_path: Path) -> None:
    folder = policies_dir() / "terraform" / "aws-guardduty-enabled"
    proc = _cli("policies", "test", str(folder), "-v", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    fixtures = [p for p in folder.glob("fixtures/*/*") if p.parent.name in ("pass", "fail", "inconclusive")]
    assert proc.stdout.count("ok   TF-054 ") == len(fixtures) > 2 and "inconclusive as expected" in proc.stdout


def test_a_folder_without_policies_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    proc = _cli("policies", "test", str(tmp_path / "empty"))
    assert proc.returncode == 2
    assert "no policy (<surface>/<slug>/policy.rego) under this directory" in proc.stderr
    proc = _cli("policies", "test", str(tmp_path / "missing"))
    assert proc.returncode == 2 and "missing" in proc.stderr
