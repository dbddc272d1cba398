"""The CLI through click's CliRunner, plus one run of the installed console script."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from soc2gate.cli import cli, main
from soc2gate.commands import register_all

REPO = Path(__file__).resolve().parent.parent
register_all(cli)


def _run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    """Invoke through main() semantics: exit codes from the edge handler."""
    runner = CliRunner()
    result = runner.invoke(cli, list(args), input=input, standalone_mode=False, catch_exceptions=True)
    code = result.return_value if isinstance(result.return_value, int) else result.exit_code
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        from soc2gate.errors import Soc2gateError

        if isinstance(result.exception, Soc2gateError):
            code = result.exception.exit_code
        else:
            raise result.exception
    return code, result.stdout, result.stderr if hasattr(result, "stderr") else ""


def test_scan_examples_fails_with_controls_and_lines() -> None:
    code, out, _ = _run("scan", str(REPO / "examples"))
    assert code == 1
    assert "Blocking the gate" in out and "CC6.1" in out and "FAILED: " in out
    assert "examples/terraform/main.tf:" in out or "main.tf:" in out


def test_several_formats_and_outputs(tmp_path: Path) -> None:
    report, junit = tmp_path / "r.json", tmp_path / "r.xml"
    code, out, _ = _run("scan", str(REPO / "examples/terraform"), "--format", "json", "--output", str(report),
                        "--format", "junit", "--output", str(junit), "--format", "text")
    assert code == 1 and "FAILED" in out
    data = json.loads(report.read_text())
    assert data["verdict"] == "failed" and data["inputs"][0]["sha256"]
    assert junit.read_text().startswith("<?xml")


def test_controls_filter_and_fail_on() -> None:
    code, out, _ = _run("scan", str(REPO / "examples/kubernetes"), "--controls", "CC6.8", "--format", "json")
    data = json.loads(out)
    assert {p["id"] for p in data["policies"]} and all("CC6.8" in p["controls"] for p in data["policies"])
    code, out, _ = _run("scan", str(REPO / "examples/kubernetes"), "--fail-on", "critical", "--controls", "CC6.8")
    assert code == 1
    code, _, _ = _run("scan", str(REPO / "examples/kubernetes"), "--controls", "CC9.9")
    assert code == 2


def test_stdin_requires_input_type_and_reads_kubernetes() -> None:
    manifest = (REPO / "examples/kubernetes/debug-tools.yaml").read_text()
    code, _, _ = _run("scan", "-", input=manifest)
    assert code == 2
    code, out, _ = _run("scan", "-", "--input-type", "kubernetes", "--format", "json", input=manifest)
    assert code == 1 and json.loads(out)["findings"][0]["file"] == "<stdin>"


def test_parse_error_fails_closed_unless_allowed(tmp_path: Path) -> None:
    (tmp_path / "bad.tf").write_text('resource "x" "y" {\n')
    code, out, _ = _run("scan", str(tmp_path))
    assert code == 1 and "SYS-001" in out
    code, out, _ = _run("scan", str(tmp_path), "--allow-parse-errors")  # nothing else was evaluated: not a pass
    assert code == 1 and "SYS-005" in out and "nothing was evaluated" in out
    (tmp_path / "good").mkdir()
    (tmp_path / "good" / "main.tf").write_text('resource "null_resource" "n" {}\n')
    code, _, _ = _run("scan", str(tmp_path), "--allow-parse-errors")
    assert code == 0


def test_bad_config_is_exit_2_naming_key(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("fail_on: urgent\n")
    with pytest.raises(Exception) as info:
        CliRunner().invoke(cli, ["scan", str(REPO / "examples"), "--config", str(config)],
                           standalone_mode=False, catch_exceptions=False)
    assert "fail_on" in str(info.value)


def test_policies_list_show_and_controls() -> None:
    code, out, _ = _run("policies", "list")
    assert "TF-001" in out and "K8S-001" in out
    code, out, _ = _run("policies", "show", "tf-001")
    assert "## TF-001" in out and "CC6.1" in out and "Non-compliant example" in out
    code, out, _ = _run("controls")
    assert "CC6.1" in out and "not covered" in out


def test_installed_console_script(tmp_path: Path) -> None:
    script = shutil.which("soc2gate", path=str(Path(sys.executable).parent))
    assert script, "the soc2gate console script is installed with the package"
    proc = subprocess.run([script, "scan", str(REPO / "examples"), "--format", "json"], capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)["verdict"] == "failed"
    proc = subprocess.run([script, "scan", str(tmp_path / "missing-dir")], capture_output=True, text=True)
    assert proc.returncode == 2 and "no such file" in proc.stderr and "Traceback" not in proc.stderr
    proc = subprocess.run([script, "scan", "--config", str(tmp_path / "nope.yaml"), str(tmp_path)], capture_output=True, text=True)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "not found" in proc.stderr


def test_main_is_the_entry_point() -> None:
    assert callable(main)
