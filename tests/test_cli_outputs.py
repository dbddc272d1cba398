"""Output pairing, text layouts, missing paths, configuration discovery and coverage, through the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CORPORA, require_shared
from soc2gate.commands.report_targets import output_targets
from soc2gate.config import discover_config
from soc2gate.errors import UsageError

REPO = Path(__file__).resolve().parent.parent
FORMATS = ("text", "json", "junit", "sarif", "markdown")
BUCKET = 'resource "aws_s3_bucket" "data" {\n  bucket = "data"\n}\n'


def _soc2gate(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    import os

    environ = {**os.environ, "PYTHONPATH": str(REPO / "src"), **(env or {})}
    return subprocess.run([sys.executable, "-c", "from soc2gate.cli import main; main()", *args],
                          capture_output=True, text=True, cwd=cwd or REPO, env=environ, timeout=120)


def test_explicit_pairs_and_the_old_form_where_unambiguous() -> None:
    assert output_targets((), ("json=r.json", "junit=j.xml"), FORMATS) == [
        ("json", "r.json"), ("junit", "j.xml"), ("text", None)]
    assert output_targets(("json", "text"), ("json=out",), FORMATS) == [("json", "out"), ("text", None)]
    assert output_targets(("json", "junit", "text"), ("r.json", "j.xml"), FORMATS) == [
        ("json", "r.json"), ("junit", "j.xml"), ("text", None)]
    assert output_targets(("json",), ("report",), FORMATS) == [("json", "report")]


@pytest.mark.parametrize("formats,outputs,why", [
    (("text", "json"), ("r.json",), "its name says json"),           # the trap: text would land in r.json
    (("text", "json"), ("report",), "cannot tell which"),
    (("json",), ("json=r.json", "plain.txt"), "do not mix"),
    (("text", "json"), (), "only one format can go to standard output"),
    (("json",), ("a.json", "b.json"), "more --output"),
    ((), ("json=",), "no file after"),
])
def test_ambiguous_pairings_are_refused(formats: tuple, outputs: tuple, why: str) -> None:
    with pytest.raises(UsageError, match=why):
        output_targets(formats, outputs, FORMATS)


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    done = _soc2gate("scan", str(tmp_path / "nope"))
    assert done.returncode == 2 and "nope: no such file or directory" in done.stderr and not done.stdout


def test_trap_combination_is_refused_and_explicit_one_written(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(BUCKET)
    refused = _soc2gate("scan", str(tmp_path), "--format", "text", "--format", "json", "--output", str(tmp_path / "r.json"))
    assert refused.returncode == 2 and "ambiguous outputs" in refused.stderr and not (tmp_path / "r.json").exists()
    done = _soc2gate("scan", str(tmp_path), "--output", f"json={tmp_path / 'r.json'}", "--quiet", "--color", "never")
    report = json.loads((tmp_path / "r.json").read_text())
    assert done.returncode == 1 and report["blocking"] >= 1 and "Blocking the gate" in done.stdout
    assert "Not blocking" not in done.stdout and done.stdout.strip().splitlines()[-1].startswith("FAILED: ")
    assert "\033[" not in done.stdout


def test_color_follows_force_color_and_no_color(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(BUCKET)
    forced = _soc2gate("scan", str(tmp_path), "--compact", env={"FORCE_COLOR": "1", "NO_COLOR": ""})
    assert "\033[31m" in forced.stdout
    plain = _soc2gate("scan", str(tmp_path), "--compact", env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\033[" not in plain.stdout
    assert "soc2gate: " not in plain.stderr  # no progress when standard error is not a terminal
    asked = _soc2gate("scan", str(tmp_path), "--compact", "--progress")
    assert "files parsed" in asked.stderr


def test_snippets_show_the_reported_line(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(BUCKET)
    done = _soc2gate("scan", str(tmp_path), "--snippets", "--color", "never")
    assert '>     1 | resource "aws_s3_bucket" "data" {' in done.stdout


def _repo(tmp_path: Path) -> Path:
    subprocess.run(["git", "init", "-q", str(tmp_path / "repo")], check=True)
    infra = tmp_path / "repo" / "infra" / "prod"
    infra.mkdir(parents=True)
    (infra / "main.tf").write_text(BUCKET)
    return tmp_path / "repo"


def test_config_found_from_the_scanned_path_up_to_the_repository_root(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    (tmp_path / ".soc2gate.yaml").write_text("fail_on: critical\n")  # above the repository: never used
    assert discover_config([str(repo / "infra" / "prod")], cwd=tmp_path / "elsewhere") is None
    (repo / ".soc2gate.yaml").write_text("fail_on: critical\n")
    (repo / "infra" / ".soc2gate.yaml").write_text("fail_on: info\n")
    found = discover_config([str(repo / "infra" / "prod" / "main.tf")], cwd=tmp_path)
    assert found == Path("repo/infra/.soc2gate.yaml")
    done = _soc2gate("scan", str(repo / "infra" / "prod"), "--format", "json", cwd=tmp_path)
    report = json.loads(done.stdout)
    assert report["config_file"] == "repo/infra/.soc2gate.yaml" and report["fail_on"] == "info"
    (repo / "infra" / ".soc2gate.yaml").unlink()
    text = _soc2gate("scan", str(repo / "infra"), "--color", "never", cwd=repo)
    assert "config: .soc2gate.yaml" in text.stdout and text.returncode == 0  # fail_on critical from the root
    (tmp_path / "empty.yaml").write_text("")
    chosen = _soc2gate("scan", str(repo / "infra"), "--color", "never", "--config", "empty.yaml", cwd=tmp_path)
    assert "config: empty.yaml" in chosen.stdout and chosen.returncode == 1  # --config wins over discovery


def test_defaults_are_named_and_uncovered_types_listed(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(BUCKET + 'resource "alicloud_oss_bucket" "b" {\n  bucket = "b"\n}\n')
    done = _soc2gate("scan", str(tmp_path), "--format", "json", cwd=tmp_path)
    report = json.loads(done.stdout)
    assert report["config_file"] == "defaults"
    assert [(u["type"], u["count"]) for u in report["uncovered_resource_types"]] == [("alicloud_oss_bucket", 1)]
    text = _soc2gate("scan", str(tmp_path), "--color", "never", cwd=tmp_path).stdout
    assert "config: defaults" in text and "Not covered by any policy: 1 resources of 1 types" in text


def test_findings_in_module_instances_name_the_call_site(tmp_path: Path) -> None:
    (tmp_path / "modules" / "store").mkdir(parents=True)
    (tmp_path / "main.tf").write_text('module "store" {\n  source = "./modules/store"\n  name   = "data"\n}\n')
    (tmp_path / "modules" / "store" / "main.tf").write_text(
        'variable "name" {}\n\nresource "aws_s3_bucket" "this" {\n  bucket = var.name\n}\n')
    text = _soc2gate("scan", ".", "--color", "never", cwd=tmp_path).stdout
    assert "via module.store (main.tf:1) -> aws_s3_bucket.this (modules/store/main.tf:3)" in text
    compact = _soc2gate("scan", ".", "--compact", "--color", "never", cwd=tmp_path).stdout
    assert "(via module.store (main.tf:1))" in compact


def test_terragoat_alibaba_and_oracle_resources_are_counted_as_uncovered() -> None:
    require_shared()
    terragoat = CORPORA / "real" / "terragoat"
    report = json.loads(_soc2gate("scan", str(terragoat), "--format", "json").stdout)
    uncovered = {u["type"]: u["count"] for u in report["uncovered_resource_types"]}
    assert uncovered["alicloud_oss_bucket"] == 2 and uncovered["oci_objectstorage_bucket"] == 1
    assert "aws_s3_bucket" not in uncovered and "aws_s3_bucket_server_side_encryption_configuration" not in uncovered
