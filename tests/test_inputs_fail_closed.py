"""Inputs that must never pass silently, hang or crash: one regression test per defect of issue #12."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from soc2gate.discovery import discover
from soc2gate.parsers.collect import CollectOptions, collect
from soc2gate.parsers.textio import MAX_LINE_CHARS, UnreadableInput, limit_for, read_text, text_from_bytes

SRC = Path(__file__).resolve().parent.parent / "src"
RESOURCE = 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n'


def _cli(cwd: Path, *args: str, timeout: float = 120) -> tuple[int, dict[str, Any], str]:
    """The real CLI in a subprocess (bounded: a hang is a failure, not a stuck suite); JSON report."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    run = subprocess.run([sys.executable, "-c", "from soc2gate.cli import main; main()", "scan", *args,
                          "--format", "json", "--no-cache"], cwd=cwd, capture_output=True, text=True, env=env,
                         timeout=timeout)
    assert "Traceback" not in run.stderr and run.returncode != 3, run.stderr
    return run.returncode, json.loads(run.stdout) if run.stdout.strip() else {}, run.stderr


def _codes(report: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f["policy"], f["message"]) for f in report["findings"] if f["policy"].startswith("SYS-")]


def _skipped(report: dict[str, Any]) -> dict[str, str]:
    return {s["path"]: s["reason"] for s in report["skipped"]}


# --- only regular files are read --------------------------------------------------------------

def test_a_fifo_and_a_link_to_dev_zero_in_a_directory_are_skipped_with_their_reason(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "x.tf")
    (tmp_path / "z.tf").symlink_to("/dev/zero")
    (tmp_path / "main.tf").write_text(RESOURCE)
    code, report, _ = _cli(tmp_path, ".", timeout=60)
    skipped = _skipped(report)
    assert skipped["x.tf"] == "named pipe (FIFO), not a regular file: only regular files are read"
    assert skipped["z.tf"] == "character device, not a regular file: only regular files are read"
    assert [i["path"] for i in report["inputs"]] == ["main.tf"] and code == 1  # the bucket's own failures


@pytest.mark.parametrize("make", ["fifo", "device"])
def test_a_fifo_or_device_named_explicitly_fails_closed(tmp_path: Path, make: str) -> None:
    if make == "fifo":
        os.mkfifo(tmp_path / "x.tf")
    else:
        (tmp_path / "x.tf").symlink_to("/dev/zero")
    code, report, _ = _cli(tmp_path, "x.tf", timeout=60)
    assert code == 1
    assert any(c == "SYS-005" and "not a regular file" in m for c, m in _codes(report))


def test_read_text_never_blocks_on_a_fifo_nor_reads_a_device(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "p.yaml")
    with pytest.raises(UnreadableInput, match="named pipe .FIFO., not a regular file"):
        read_text(tmp_path / "p.yaml", "p.yaml")  # O_NONBLOCK: returns at once with no writer
    with pytest.raises(UnreadableInput, match="character device"):
        read_text(Path("/dev/zero"), "zero.json")


def test_symlink_loops_are_skipped_when_walked_and_fail_closed_when_named(tmp_path: Path) -> None:
    (tmp_path / "a.tf").symlink_to("b.tf")
    (tmp_path / "b.tf").symlink_to("a.tf")
    (tmp_path / "main.tf").write_text(RESOURCE)
    _, report, _ = _cli(tmp_path, ".")
    assert _skipped(report)["a.tf"] == "symbolic link loop"
    code, report, _ = _cli(tmp_path, "a.tf")
    assert code == 1 and ("SYS-005", "a.tf: symbolic link loop") in _codes(report)


# --- nothing dropped without a reason ---------------------------------------------------------

def test_symlinked_and_built_in_skip_directories_are_listed(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "main.tf").write_text(RESOURCE)
    (tmp_path / "linked").symlink_to(tmp_path / "real")
    for name in (".git", ".terraform", "node_modules"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "x.tf").write_text(RESOURCE)
    found = discover([str(tmp_path)])
    reasons = {Path(s.path).name: s.reason for s in found.skipped}
    assert reasons["linked"].startswith("symbolic link to a directory, not followed")
    for name in (".git", ".terraform", "node_modules"):
        assert reasons[name] == f"directory not scanned: {name} is skipped by default"
    assert [c.path.name for c in found.candidates] == ["main.tf"]


def _as_nobody(function: Any) -> Any:
    """Run ``function`` where permissions apply: in a forked child as ``nobody`` when the suite runs as root."""
    if os.geteuid() != 0:
        return function()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: drop privileges, run, send the result back
        try:
            os.setgid(65534)
            os.setuid(65534)
            os.write(write, json.dumps(function()).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as handle:
        data = handle.read()
    os.waitpid(pid, 0)
    return json.loads(data)


def test_an_unreadable_subdirectory_is_a_sys_002_finding_not_a_pass() -> None:
    root = Path(tempfile.mkdtemp(prefix="soc2gate-perm-"))
    try:
        root.chmod(0o755)
        (root / "locked").mkdir()
        (root / "locked" / "main.tf").write_text(RESOURCE)
        (root / "locked").chmod(0)

        def run() -> Any:
            out = collect([str(root)], CollectOptions(use_cache=False))
            return [(f.policy_id, f.message) for f in out.findings], len(out.resources)

        findings, resources = _as_nobody(run)
        assert resources == 0
        assert [code for code, _ in findings] == ["SYS-002"]
        assert "locked: cannot read directory: Permission denied" in findings[0][1]
    finally:
        (root / "locked").chmod(0o755)
        subprocess.run(["rm", "-rf", str(root)], check=True)


# --- variable files ---------------------------------------------------------------------------

def test_scan_of_a_broken_tfvars_fails(tmp_path: Path) -> None:
    (tmp_path / "broken.tfvars").write_text("x = \n")
    code, report, _ = _cli(tmp_path, "broken.tfvars")
    assert code == 1 and [c for c, _ in _codes(report)][0] == "SYS-001"


def test_a_valid_tfvars_named_explicitly_but_not_auto_loaded_fails_closed(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(RESOURCE)
    (tmp_path / "prod.tfvars").write_text('x = "y"\n')
    code, report, _ = _cli(tmp_path, "main.tf", "prod.tfvars")
    assert ("SYS-005", "prod.tfvars: variable file is not loaded automatically: pass it with --var-file") in _codes(report)
    assert code == 1


def test_terraform_tfvars_beside_no_tf_is_read_and_reported(tmp_path: Path) -> None:
    (tmp_path / "vars").mkdir()
    (tmp_path / "vars" / "terraform.tfvars").write_text('x = "y"\n')
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "terraform.tfvars").write_text("x = {\n")
    (tmp_path / "main.tf").write_text(RESOURCE)
    _, report, _ = _cli(tmp_path, ".")
    assert _skipped(report)["vars/terraform.tfvars"].startswith("variable file beside no Terraform configuration")
    assert any(c == "SYS-001" and m.startswith("bad/terraform.tfvars:") for c, m in _codes(report))


def test_auto_tfvars_are_applied_and_recorded_as_inputs(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('variable "name" {}\nresource "aws_s3_bucket" "b" {\n  bucket = var.name\n}\n')
    (tmp_path / "terraform.tfvars").write_text('name = "from-tfvars"\n')
    out = collect([str(tmp_path)], CollectOptions(use_cache=False))
    assert out.resources[0].attributes["bucket"] == "from-tfvars"
    assert sorted(i.kind for i in out.inputs) == ["terraform", "tfvars"]


# --- a run that evaluated nothing -------------------------------------------------------------

def test_an_empty_directory_fails_unless_allow_empty(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    code, report, _ = _cli(tmp_path, "empty")
    assert code == 1 and [c for c, _ in _codes(report)] == ["SYS-005"]
    assert "nothing was evaluated" in _codes(report)[0][1]
    code, report, _ = _cli(tmp_path, "empty", "--allow-empty")
    assert code == 0 and report["verdict"] == "passed"


def test_a_directory_of_only_skipped_files_is_not_a_pass(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("hello\n")
    (tmp_path / "values.yaml").write_text("replicaCount: 1\n")
    code, report, _ = _cli(tmp_path, ".")
    assert code == 1 and "SYS-005" in [c for c, _ in _codes(report)]
    assert set(_skipped(report)) >= {"README.md"}


# --- plan shape -------------------------------------------------------------------------------

@pytest.mark.parametrize("bad, key", [
    ({"configuration": [1]}, "configuration"),
    ({"configuration": {"root_module": {"resources": [{"address": "a.b", "expressions": [1]}]}}},
     "configuration.root_module.resources[0].expressions"),
    ({"configuration": {"root_module": {"module_calls": {"m": {"module": 7}}}}}, "configuration.root_module.module_calls.m.module"),
    ({"resource_changes": [{"address": ["x"]}]}, "resource_changes[0].address"),
    ({"resource_changes": [{"address": "a.b", "change": []}]}, "resource_changes[0].change"),
    ({"planned_values": {"root_module": {"child_modules": [{"resources": {}}]}}}, "planned_values.root_module.child_modules[0].resources"),
])
def test_a_plan_of_the_wrong_shape_is_sys_001_naming_the_key(tmp_path: Path, bad: dict[str, Any], key: str) -> None:
    plan = {"format_version": "1.2", "terraform_version": "1.6.0", "planned_values": {"root_module": {}}, **bad}
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    out = collect([str(tmp_path / "plan.json")], CollectOptions(use_cache=False))
    assert [(f.policy_id, f.message.split(": ", 1)[1].split(" must")[0]) for f in out.findings] == [("SYS-001", f"key `{key}`")]


# --- bounded memory ---------------------------------------------------------------------------

def test_a_19_mb_string_literal_is_refused_before_parsing(tmp_path: Path) -> None:
    (tmp_path / "big.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "' + "a" * 19_000_000 + '"\n}\n')
    out = collect([str(tmp_path / "big.tf")], CollectOptions(use_cache=False))
    assert [f.policy_id for f in out.findings] == ["SYS-002"]
    assert f"larger than {limit_for('big.tf').max_bytes} bytes" in out.findings[0].message


def test_one_line_longer_than_the_bound_is_refused_naming_the_line(tmp_path: Path) -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  k: " + "b" * (MAX_LINE_CHARS + 1) + "\n"
    with pytest.raises(UnreadableInput, match=r"^c.yaml:5: line is longer than"):
        text_from_bytes(text.encode(), "c.yaml", limit_for("c.yaml"))


def test_one_json_value_longer_than_the_bound_is_sys_001(tmp_path: Path) -> None:
    plan = {"format_version": "1.2", "terraform_version": "1.6.0", "planned_values": {"root_module": {"resources": [
        {"address": "aws_s3_bucket.b", "type": "aws_s3_bucket", "name": "b", "values": {"policy": "p" * 2_000_000}}]}}}
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    out = collect([str(tmp_path / "plan.json")], CollectOptions(use_cache=False))
    assert [f.policy_id for f in out.findings] == ["SYS-001"]
    assert "planned_values.root_module.resources[0].values.policy is longer than" in out.findings[0].message


def test_standard_input_is_bounded_by_the_kind_it_is_read_as(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    data = ('resource "aws_s3_bucket" "b" {\n  bucket = "' + "a" * 2_000_000 + '"\n}\n').encode()
    run = subprocess.run([sys.executable, "-c", "from soc2gate.cli import main; main()", "scan", "-", "--input-type",
                          "terraform", "--format", "json"], input=data, capture_output=True, env=env, timeout=120)
    report = json.loads(run.stdout)
    assert run.returncode == 1 and report["findings"][0]["policy"] == "SYS-002"


# --- found by the fuzz suite ------------------------------------------------------------------

@pytest.mark.parametrize("text, message", [
    ('resource "bad_bucket" {\n  bucket = "a"\n}\n', "a resource block needs 2 labels, found 1"),
    ('\nresource "a" "b" "c" {}\n', "a resource block needs 2 labels, found 3"),
    ('module {\n}\n', "a module block needs 1 label, found 0"),
])
def test_a_block_with_the_wrong_number_of_labels_is_sys_001(text: str, message: str) -> None:
    from soc2gate.parsers.collect import collect_stdin

    out = collect_stdin(text.encode(), "terraform", CollectOptions(use_cache=False))
    line = text[:text.index("{")].count("\n") + 1
    assert [(f.policy_id, f.span.start_line if f.span else 0) for f in out.findings] == [("SYS-001", line)]
    assert message in out.findings[0].message


@pytest.mark.parametrize("name, text", [
    ("plan.json", '{"format_version": "1.2", "terraform_version": "1.6.0", "planned_values": {"x": ' + "9" * 5001 + "}}"),
    ("main.tf.json", '{"resource": {"aws_s3_bucket": {"b": {"n": ' + "9" * 5001 + "}}}}"),
    ("record.json", '{"apiVersion": "soc2gate.dev/v1", "kind": "ChangeRecord", "n": ' + "9" * 5001 + "}"),
    ("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  priority: !!int 0xnothex\n"),
    ("big.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  n: " + "9" * 5001 + "\n"),
])
def test_values_no_constructor_can_build_are_sys_001(tmp_path: Path, name: str, text: str) -> None:
    (tmp_path / name).write_text(text)
    (tmp_path / "main.tf").write_text(RESOURCE)
    out = collect([str(tmp_path / name)], CollectOptions(use_cache=False))
    assert [f.policy_id for f in out.findings] == ["SYS-001"], [f.message for f in out.findings]


def test_an_admission_review_with_a_5001_digit_number_is_a_review_error() -> None:
    from soc2gate.webhook.review import ReviewError, parse_review

    with pytest.raises(ReviewError, match="body is not valid JSON: .* is an integer too long to read"):
        parse_review(b'{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "n": ' + b"9" * 5001 + b"}")


def test_memory_of_the_largest_accepted_hcl_input_stays_within_the_documented_bound() -> None:
    """docs/security.md: an HCL input at its 1 MiB cap costs at most about 400 MB of Python heap."""
    import tracemalloc

    from soc2gate.parsers.collect import collect_stdin
    from soc2gate.parsers.textio import HCL_LIMIT

    lines = (HCL_LIMIT.max_bytes - 200) // 80
    text = 'resource "aws_s3_bucket" "b" {\n  policy = <<EOT\n' + ("a" * 79 + "\n") * lines + "EOT\n}\n"
    tracemalloc.start()
    try:
        out = collect_stdin(text.encode(), "terraform", CollectOptions(use_cache=False))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(text) <= HCL_LIMIT.max_bytes and not out.findings and len(out.resources) == 1
    assert peak < 400 * 2**20, f"{peak / 2**20:.0f} MB"


# --- module directories the pull request controls --------------------------------------------

@pytest.mark.parametrize("make", ["missing", "loop", "file"])
def test_a_local_module_that_cannot_be_read_fails_closed(tmp_path: Path, make: str) -> None:
    if make == "loop":
        (tmp_path / "mod").symlink_to("mod2")
        (tmp_path / "mod2").symlink_to("mod")
    elif make == "file":
        (tmp_path / "mod").write_text("not a directory\n")
    (tmp_path / "main.tf").write_text('module "m" {\n  source = "./mod"\n}\n' + RESOURCE)
    out = collect([str(tmp_path / "main.tf")], CollectOptions(use_cache=False))
    assert [f.policy_id for f in out.findings] == ["SYS-005"]
    assert "module directory cannot be read" in out.findings[0].message


def test_a_modules_json_linked_to_dev_zero_neither_hangs_nor_exhausts_memory(tmp_path: Path) -> None:
    (tmp_path / ".terraform" / "modules").mkdir(parents=True)
    (tmp_path / ".terraform" / "modules" / "modules.json").symlink_to("/dev/zero")
    (tmp_path / "main.tf").write_text('module "m" {\n  source = "example/unknown/aws"\n}\n' + RESOURCE)
    code, report, _ = _cli(tmp_path, "main.tf", timeout=60)
    assert code == 1 and report["inputs"][0]["path"] == "main.tf"


def test_the_text_report_lists_every_path_not_evaluated(tmp_path: Path) -> None:
    from soc2gate.api import ScanOptions, scan
    from soc2gate.reporters import get_renderer

    os.mkfifo(tmp_path / "x.tf")
    (tmp_path / ".terraform").mkdir()
    (tmp_path / "notes.md").write_text("hi\n")
    (tmp_path / "main.tf").write_text(RESOURCE)
    text = get_renderer("text")(scan(ScanOptions(paths=(str(tmp_path),), use_cache=False)))
    section = text.split("Not evaluated\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert [line.split(": ", 1)[0].strip().rsplit("/", 1)[-1] for line in section[:2]] == [".terraform", "x.tf"]
    assert section[2] == "  and 1 file(s) of other types (listed in the JSON report)"


def test_a_configuration_or_waiver_file_that_is_not_a_regular_file_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(RESOURCE)
    (tmp_path / ".soc2gate.yaml").symlink_to("/dev/zero")
    code, _, stderr = _cli(tmp_path, "main.tf", timeout=60)
    assert code == 2 and "character device, not a regular file" in stderr
    (tmp_path / ".soc2gate.yaml").unlink()
    os.mkfifo(tmp_path / "w.yaml")
    (tmp_path / "c.yaml").write_text("waivers:\n  file: w.yaml\n")
    code, _, stderr = _cli(tmp_path, "main.tf", "--config", "c.yaml", timeout=60)
    assert code == 2 and "cannot read waiver file" in stderr and "named pipe (FIFO)" in stderr


def test_tfvars_of_a_called_module_are_listed_as_not_loaded(tmp_path: Path) -> None:
    (tmp_path / "mod").mkdir()
    (tmp_path / "mod" / "main.tf").write_text(RESOURCE)
    (tmp_path / "mod" / "terraform.tfvars").write_text('x = "y"\n')
    (tmp_path / "main.tf").write_text('module "m" {\n  source = "./mod"\n}\n')
    out = collect([str(tmp_path)], CollectOptions(use_cache=False))
    reasons = {Path(s.path).as_posix().rsplit("/", 2)[-2:][0] + "/" + Path(s.path).name: s.reason for s in out.skipped}
    assert reasons["mod/terraform.tfvars"].startswith("variable file of a module called from another directory")
