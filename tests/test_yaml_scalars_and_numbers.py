"""Kubernetes YAML resolved as kubectl resolves it, and NaN/Infinity refused by every reader."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from soc2gate.api import ScanOptions, scan
from soc2gate.catalog.locate import policies_dir
from soc2gate.config import parse_config
from soc2gate.errors import ConfigError
from soc2gate.model import Outcome
from soc2gate.parsers import json_strict
from soc2gate.parsers.kubernetes import manifest_resources
from soc2gate.parsers.yaml_scalars import GO_BOOLS, KubernetesLoader, SafeLoader
from soc2gate.webhook.review import ReviewError, parse_review

REPO = Path(__file__).resolve().parent.parent
RECORD = (policies_dir() / "change/protected-branch/fixtures/pass/record.yaml").read_text()


def _pod(privileged: str) -> str:
    return ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n"
            f"    image: app:1\n    securityContext:\n      privileged: {privileged}\n")


@pytest.mark.parametrize("value", [True, False])
def test_every_go_yaml_v2_boolean_form_is_a_boolean(value: bool) -> None:
    for form in GO_BOOLS[value]:
        (resource,), _ = manifest_resources(_pod(form), "pod.yaml")
        assert resource.attributes["spec"]["containers"][0]["securityContext"]["privileged"] is value, form


@pytest.mark.parametrize("text", ['"y"', "'on'", "!!str yes", "yEs", "oN"])
def test_quoted_tagged_and_unlisted_forms_stay_strings(text: str) -> None:
    (resource,), _ = manifest_resources(_pod(text), "pod.yaml")
    assert isinstance(resource.attributes["spec"]["containers"][0]["securityContext"]["privileged"], str)


def test_numbers_and_timestamps_follow_go_yaml_v2() -> None:
    text = "a: [0777, 0o17, 0x1F, 0b101, 08, 1_000, 1e3, .5, -.5, 1:20, 2021-01-01, 10.0.0.1, 1e999, ~, null]\n"
    assert yaml.load(text, Loader=KubernetesLoader)["a"] == [
        511, 15, 31, 5, 8.0, 1000, 1000.0, 0.5, -0.5, "1:20", "2021-01-01", "10.0.0.1", "1e999", None, None]


@pytest.mark.parametrize("folder, policy", [("privileged-container", "K8S-001"), ("host-network", "K8S-003")])
def test_yaml11_fixtures_judge_every_pod(folder: str, policy: str) -> None:
    """One Pod per form: each fails (true forms) or passes (false forms) on its own, not just the file."""
    fixtures = policies_dir() / "kubernetes" / folder / "fixtures"
    for kind, outcome in (("fail", Outcome.FAIL), ("pass", Outcome.PASS)):
        path = fixtures / kind / f"yaml11-booleans-{'true' if kind == 'fail' else 'false'}.yaml"
        result = scan(ScanOptions(paths=(str(path),), use_cache=False))
        mine = [f for f in result.findings if f.policy_id == policy]
        assert len(mine) == 11 and {f.outcome for f in mine} == {outcome}, [(f.resource, f.outcome) for f in mine]


# (file name, content, line of the non-finite number)
NON_FINITE = [
    ("pod.yaml", _pod("true").replace("image: app:1", "image: app:1\n    resources: {limits: {cpu: .nan}}"), 8),
    ("pod.json", json.dumps({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}}, indent=1)
     .replace('"p"\n', '"p",\n  "x": NaN\n'), 6),
    ("tfplan.json", '{\n "format_version": "1.2",\n "planned_values": {"root_module": {"x": Infinity}}\n}\n', 3),
    ("main.tf.json", '{"resource": {"aws_s3_bucket": {"b": {\n"bucket": "b",\n"x": -Infinity}}}}\n', 3),
    ("big.tf.json", '{"resource": {"aws_s3_bucket": {"b": {\n"bucket": "b",\n"x": 1e999}}}}\n', 3),
    ("record.yaml", RECORD.replace("merged: true", "merged: true\n  x: -.inf"), 19),
    ("record.json", json.dumps(yaml.safe_load(RECORD), indent=1).replace('"merged": true', '"merged": NaN'), 0),
    # HCL evaluates 1e999 to infinity: the finding is on the attribute that holds it
    ("main.tf", 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n  tags = {\n    a = 1e999\n  }\n}\n', 4),
]


@pytest.mark.parametrize("name, content, line", NON_FINITE, ids=[n for n, _, _ in NON_FINITE])
def test_non_finite_numbers_are_sys_001_on_their_file_and_line(tmp_path: Path, name: str, content: str,
                                                               line: int) -> None:
    path = tmp_path / name
    path.write_text(content)
    result = scan(ScanOptions(paths=(str(path),), use_cache=False))
    errors = [f for f in result.findings if f.policy_id == "SYS-001"]
    assert errors and not result.passed, [f.message for f in result.findings]
    expected = line or content.splitlines().index(next(x for x in content.splitlines() if "NaN" in x)) + 1
    assert errors[0].span.file == str(path) and errors[0].span.start_line == expected, errors[0].message


def test_non_finite_tfvars_fail_closed(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('variable "n" {}\nresource "aws_s3_bucket" "b" {\n  bucket = "b"\n'
                                      '  tags = { n = var.n }\n}\n')
    (tmp_path / "terraform.tfvars.json").write_text('{\n  "n": NaN\n}\n')
    result = scan(ScanOptions(paths=(str(tmp_path),), use_cache=False))
    errors = [f for f in result.findings if f.policy_id == "SYS-001"]
    assert errors and errors[0].span.file.endswith("terraform.tfvars.json") and errors[0].span.start_line == 2


def test_the_cli_never_crashes_on_nan(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "b"\n'
                                      '  tags = { a = jsondecode("NaN"), b = 1e308 * 10 }\n}\n')
    (tmp_path / "pod.yaml").write_text(_pod(".inf"))
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    done = subprocess.run([sys.executable, "-c", "from soc2gate.cli import main; main()", "scan", str(tmp_path),
                           "--no-cache"], capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "backtrace" not in (done.stdout + done.stderr).lower() and "Traceback" not in done.stderr
    assert "main.tf:3" in done.stdout and "pod.yaml:9" in done.stdout


def test_config_with_nan_names_its_line() -> None:
    with pytest.raises(ConfigError, match=r"c\.yaml:2: .*not a finite number"):
        parse_config("version: 1\nlimits: {eval_timeout_s: .nan}\n", "c.yaml")


def test_admission_review_with_nan_is_a_review_error() -> None:
    with pytest.raises(ReviewError, match="NaN"):
        parse_review(b'{"kind": "AdmissionReview", "request": {"object": {"x": NaN}}}')


@pytest.mark.parametrize("text, token, line", [
    ('{"a": "NaN Infinity",\n "b": [1, -Infinity]}', "-Infinity", 2),
    ('{"a": 1.5,\n\n "b": 2e400}', "2e400", 3),
    ('{"a":\n ' + "7" * 5000 + "}", "777", 2),
])
def test_strict_json_points_at_the_token(text: str, token: str, line: int) -> None:
    with pytest.raises(json.JSONDecodeError) as info:
        json_strict.loads(text)
    assert info.value.lineno == line and token in info.value.msg


def test_strict_json_reads_ordinary_numbers() -> None:
    assert json_strict.loads('{"a": [1, -2.5e3, 1e308, 0]}') == {"a": [1, -2500.0, 1e308, 0]}
    assert yaml.load("a: [1, 2.5, .5e1]", Loader=SafeLoader) == {"a": [1, 2.5, ".5e1"]}


def test_standard_input_is_read_as_kubernetes_reads_it() -> None:
    result = scan(ScanOptions(stdin=_pod("Y").encode(), input_type="kubernetes", use_cache=False))
    assert [f.outcome for f in result.findings if f.policy_id == "K8S-001"] == [Outcome.FAIL]
