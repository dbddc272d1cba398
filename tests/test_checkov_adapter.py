"""The checkov adapter's own logic: output parsing, the mapping file, merging, and failure modes.

Runs without checkov.  Failure modes use small executables that behave like a broken
checkov (crash, hang, garbage output); tests/test_checkov_real.py runs the real checkov.
"""

from __future__ import annotations

import csv
import json
import re
import stat
import sys
from pathlib import Path

import pytest

from conftest import REFERENCE
from soc2gate.api import Gate, ScanOptions, scan
from soc2gate.catalog.controls import load_controls
from soc2gate.engine.checkov_adapter import (CheckovSettings, PendingCheckov, commands, shared_install_problem,
                                             start)
from soc2gate.engine.checkov_mapping import load_mapping
from soc2gate.engine.checkov_merge import merge, resource_key
from soc2gate.engine.checkov_results import CheckovResult, parse_output
from soc2gate.errors import ConfigError
from soc2gate.model import Outcome

# TF-003 claims CKV_AWS_8 as an equivalent (benchmarks/differential_checkov.py)
EBS_FAIL = (Path(__file__).resolve().parent.parent
            / "policies/terraform/aws-instance-block-device-encryption/fixtures/fail/instance_root.tf")
S3_FAIL = Path(__file__).resolve().parent.parent / "policies/terraform/aws-s3-encryption/fixtures/fail/no_encryption.tf"


def _report(check_type: str, failed: list[dict], passed: list[dict] = (), errors: list[str] = ()) -> dict:
    return {"check_type": check_type, "results": {"failed_checks": list(failed), "passed_checks": list(passed),
                                                  "skipped_checks": [], "parsing_errors": list(errors)},
            "summary": {"checkov_version": "3.3.30"}}


def _check(check_id: str, resource: str, path: Path, lines=(1, 5)) -> dict:
    return {"check_id": check_id, "check_name": f"name of {check_id}", "file_abs_path": str(path),
            "file_line_range": list(lines), "resource": resource, "check_result": {"result": "FAILED"}}


def test_parse_list_single_and_empty_outputs(tmp_path: Path) -> None:
    one = _report("terraform", [_check("CKV_AWS_20", "aws_s3_bucket.b", tmp_path / "a.tf")])
    two = [one, _report("kubernetes", [], [_check("CKV_K8S_16", "Deployment.default.web", tmp_path / "d.yaml")])]
    results, errors, version = parse_output(json.dumps(two).encode())
    assert [(r.check_id, r.result, r.surface) for r in results] == [("CKV_AWS_20", "failed", "terraform"),
                                                                      ("CKV_K8S_16", "passed", "kubernetes")]
    assert version == "3.3.30" and errors == []
    assert parse_output(json.dumps({"passed": 0, "failed": 0, "checkov_version": "3.3.30"}).encode())[0] == []
    assert parse_output(json.dumps(_report("terraform", [], errors=["/x/broken.tf"])).encode())[1] == ["/x/broken.tf"]
    with pytest.raises(ValueError):
        parse_output(b"Traceback (most recent call last):")


def test_mapping_has_150_ids_across_clouds_and_kubernetes_each_with_a_rationale() -> None:
    mapping = load_mapping()
    assert len(mapping) >= 150
    for prefix in ("CKV_AWS_", "CKV_GCP_", "CKV_AZURE_", "CKV_K8S_"):
        assert sum(1 for cid in mapping if cid.startswith(prefix)) >= 20, prefix
    known = load_controls()
    for entry in mapping.values():
        assert entry.controls and set(entry.controls) <= set(known), entry.id
        assert entry.rationale and "\n" not in entry.rationale and len(entry.rationale) > 30, entry.id


def test_mapping_starts_from_the_shared_reference_csv() -> None:
    mapping = load_mapping()
    with open(REFERENCE / "soc2_check_mapping.csv", encoding="utf-8") as handle:
        ids = {cid for row in csv.DictReader(handle) for cid in re.findall(r"CKV2?_[A-Z]+_\d+", row["checkov"])}
    sourced = {cid for cid, entry in mapping.items() if entry.source.startswith("soc2_check_mapping.csv")}
    assert len(sourced) >= 90
    # ids in the CSV that checkov 3.3 does not have (renamed upstream) are the only ones left out
    assert len(ids - set(mapping)) <= 5, sorted(ids - set(mapping))


def test_resource_keys_match_native_addresses() -> None:
    assert resource_key("module.logs.aws_s3_bucket.this", "terraform") == "aws_s3_bucket.this"
    assert resource_key('module.a["x"].module.b.aws_s3_bucket.this', "terraform") == "aws_s3_bucket.this"
    assert resource_key("aws_s3_bucket.this[0]", "terraform") == "aws_s3_bucket.this"
    assert resource_key("Deployment.default.web", "kubernetes") == resource_key("Deployment/web", "kubernetes")
    assert resource_key("Deployment.shop.web.v2", "kubernetes") == resource_key("Deployment/shop/web.v2", "kubernetes")


def _native_result(path: Path = S3_FAIL):
    gate = Gate.load(ScanOptions())
    return gate, scan(ScanOptions(paths=(str(path),), use_cache=False), gate=gate)


def test_pair_is_reported_once_and_disagreements_are_listed() -> None:
    from soc2gate.engine.checkov_adapter import CheckovRun

    gate, result = _native_result(EBS_FAIL)
    native = next(f for f in result.findings if f.policy_id == "TF-003" and f.outcome is Outcome.FAIL)
    declared = {cid for p in gate.bundle.policies for cid in p.checkov}
    other = next(cid for cid in load_mapping() if cid.startswith("CKV_AWS_") and cid not in declared)
    run = CheckovRun(results=[
        CheckovResult("CKV_AWS_8", "EBS encryption", "passed", "terraform", str(EBS_FAIL), native.span.start_line, 9,
                      native.resource),
        CheckovResult(other, "another check", "failed", "terraform", str(EBS_FAIL), native.span.start_line, 9,
                      native.resource),
        CheckovResult("CKV_NOPE_1", "unmapped", "failed", "terraform", str(EBS_FAIL), 1, 2, native.resource),
    ], version="3.3.30")
    merged = merge(result, run, load_mapping(), gate._scoped)
    assert not [f for f in merged.findings if f.policy_id == "CKV_AWS_8"], "the pair must be reported once"
    paired = next(f for f in merged.findings if f.policy_id == "TF-003" and f.resource == native.resource)
    assert paired.related["checkov"] == [{"id": "CKV_AWS_8", "result": "passed", "agrees": False}]
    assert "CKV_AWS_8" in paired.message and paired.outcome is Outcome.FAIL  # native wins
    extra = next(f for f in merged.findings if f.policy_id == other)
    assert (extra.engine, extra.outcome, extra.resource) == ("checkov", Outcome.FAIL, native.resource)
    assert extra.span.start_line == native.span.start_line and extra.controls
    assert any(p.id == other for p in merged.policies)
    summary = merged.extras["checkov"]
    assert summary["disagreements"] == [{"policy": "TF-003", "checkov": "CKV_AWS_8", "resource": native.resource,
                                         "file": native.span.file, "line": native.span.start_line,
                                         "native": "failed", "checkov_result": "passed"}]
    assert summary["unmapped"] == {"CKV_NOPE_1": 1} and not merged.passed


def _fake(tmp_path: Path, body: str) -> str:
    script = tmp_path / "checkov"
    script.write_text(f"#!{sys.executable}\n{body}\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def _sys006(findings) -> list[str]:
    return [f.message for f in findings if f.policy_id == "SYS-006"]


def test_missing_checkov_is_a_sys_finding_not_a_pass(tmp_path: Path) -> None:
    result = scan(ScanOptions(paths=(str(S3_FAIL),), with_checkov=True, checkov_bin=str(tmp_path / "nope"),
                              use_cache=False, fail_on="critical"))
    messages = _sys006(result.findings)
    assert messages and "not an executable" in messages[0] and "pipx install" in messages[0]
    assert not result.passed


def test_crashing_checkov_reports_its_message(tmp_path: Path) -> None:
    fake = _fake(tmp_path, "import sys; sys.stderr.write('Traceback: KeyError boom-from-checkov'); sys.exit(2)")
    result = scan(ScanOptions(paths=(str(S3_FAIL),), with_checkov=True, checkov_bin=fake, use_cache=False))
    assert any("exit 2" in m and "boom-from-checkov" in m for m in _sys006(result.findings))
    assert not result.passed


def test_garbage_output_is_a_sys_finding(tmp_path: Path) -> None:
    fake = _fake(tmp_path, "print('this is not json')")
    result = scan(ScanOptions(paths=(str(S3_FAIL),), with_checkov=True, checkov_bin=fake, use_cache=False))
    assert any("no readable JSON" in m for m in _sys006(result.findings))


def test_timed_out_checkov_is_stopped_and_reported(tmp_path: Path) -> None:
    fake = _fake(tmp_path, "import time; time.sleep(60)")
    pending = PendingCheckov(CheckovSettings(binary=fake, timeout=1.0), [str(S3_FAIL)])
    run = pending.finish()
    assert [f.policy_id for f in run.problems] == ["SYS-006"]
    assert "timed out after 1 s" in run.problems[0].message and run.seconds < 30


def test_checkov_gets_json_skip_download_and_the_same_paths(tmp_path: Path) -> None:
    record = tmp_path / "argv.json"
    fake = _fake(tmp_path, f"import json, sys; open({str(record)!r}, 'a').write(json.dumps(sys.argv[1:]) + '\\n');"
                           " print(json.dumps({'passed': 0, 'failed': 0, 'checkov_version': '3.3.30'}))")
    folder = S3_FAIL.parent
    scan(ScanOptions(paths=(str(folder), str(S3_FAIL)), with_checkov=True, checkov_bin=fake, use_cache=False))
    runs = sorted(json.loads(line) for line in record.read_text().splitlines())  # -d and -f cannot be combined
    frameworks = ["--framework", "terraform", "terraform_plan", "kubernetes"]
    assert runs == [["-o", "json", "--skip-download", *frameworks, "-d", str(folder)],
                    ["-o", "json", "--skip-download", *frameworks, "-f", str(S3_FAIL)]]
    assert commands(fake, [str(S3_FAIL)], ("terraform",)) == [
        [fake, "-o", "json", "--skip-download", "--framework", "terraform", "-f", str(S3_FAIL)]]


def test_shared_install_with_bc_python_hcl2_is_refused(tmp_path: Path) -> None:
    dist = tmp_path / "bc_python_hcl2-0.4.3.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: bc-python-hcl2\nVersion: 0.4.3\n")
    problem = shared_install_problem(None, search_path=[str(tmp_path)])
    assert problem and "bc-python-hcl2 0.4.3" in problem and "pipx install" in problem
    assert shared_install_problem(None, search_path=[str(tmp_path / "empty")]) is None
    prefix = tmp_path / "env"
    (prefix / "bin").mkdir(parents=True)
    binary = prefix / "bin" / "checkov"
    binary.write_text("")
    assert "soc2gate's own Python environment" in shared_install_problem(str(binary), [str(tmp_path / "x")], str(prefix))


def test_start_refuses_checkov_inside_soc2gates_environment() -> None:
    inside = Path(sys.prefix) / "bin" / "soc2gate"  # stands for a checkov installed next to soc2gate
    with pytest.raises(ConfigError, match="own Python environment"):
        start(CheckovSettings(binary=str(inside)), [str(S3_FAIL)])


def test_checkov_cannot_read_standard_input() -> None:
    from soc2gate.errors import UsageError

    with pytest.raises(UsageError, match="standard input"):
        scan(ScanOptions(stdin=b"", input_type="terraform", with_checkov=True))


def test_config_section_is_validated(tmp_path: Path) -> None:
    config = tmp_path / ".soc2gate.yaml"
    config.write_text("checkov:\n  timeout_seconds: -1\n")
    with pytest.raises(ConfigError, match="checkov.timeout_seconds"):
        Gate.load(ScanOptions(config_path=str(config)))
    config.write_text("checkov:\n  frameworks: [secrets]\n")
    with pytest.raises(ConfigError, match="checkov.frameworks"):
        Gate.load(ScanOptions(config_path=str(config)))
