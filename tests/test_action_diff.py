"""The Action's gate step on a real pull request checkout: only what the change introduces fails the
gate and is annotated; the pull request's base SHA is the default diff-base (fetched when the
checkout is shallow)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import require_shared
from git_repos import ENCRYPTED, VOLUME, commit, git, make_repo, volumes, write
from test_action import EVENTS, ActionRunner


def _launcher(directory: Path) -> Path:
    """The ``soc2gate`` executable the install step would produce, for this interpreter and checkout."""
    launcher = directory / "soc2gate"
    launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}" -c "from soc2gate.cli import main; main()" "$@"\n')
    launcher.chmod(0o755)
    return launcher


def _pull_request(root: Path, base_sha: str) -> Path:
    require_shared()
    event = json.loads((EVENTS / "pull_request" / "opened.payload.json").read_text(encoding="utf-8"))
    event["pull_request"]["base"]["sha"] = base_sha
    target = root / "runner-temp" / "event.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(event))
    return target


def _checkout(tmp_path: Path) -> tuple[Path, str]:
    """main: twelve unencrypted volumes; the pull request adds one, fixes one and edits the README."""
    repo = make_repo(tmp_path / "origin", {"infra/old.tf": volumes([f"v{i}" for i in range(12)]), "README.md": "a\n"})
    base = git(repo, "rev-parse", "main").strip()
    old = (repo / "infra/old.tf").read_text().replace(VOLUME.format(name="v3"), ENCRYPTED.format(name="v3"))
    write(repo, {"infra/new.tf": VOLUME.format(name="added"), "infra/old.tf": old, "README.md": "b\n"})
    commit(repo, "the pull request")
    return repo, base


def _gate(workspace: Path, tmp_path: Path, base: str) -> tuple[ActionRunner, object]:
    event = _pull_request(tmp_path, base)
    inputs = {"paths": "infra", "formats": "json,sarif,markdown", "pull-request-change-record": "false"}
    runner = ActionRunner(workspace, event.parent, "pull_request", event, inputs)
    runner.outputs["install"] = {"soc2gate": str(_launcher(event.parent))}
    return runner, runner.run(only="gate")["gate"]


def test_the_action_fails_on_and_annotates_only_what_the_pull_request_introduces(tmp_path: Path) -> None:
    workspace, base = _checkout(tmp_path)
    runner, gate = _gate(workspace, tmp_path, base)
    assert runner.inputs["diff-base"] == base and runner.inputs["gate"] == "new"
    assert gate.returncode == 1, gate.stderr
    errors = [line for line in gate.stdout.splitlines() if line.startswith(("::error", "::warning", "::notice"))]
    assert len(errors) == 1 and errors[0].startswith("::error file=infra/new.tf,line=1,")
    assert (gate.outputs["new"], gate.outputs["existing"], gate.outputs["fixed"]) == ("1", "11", "1")
    reports = workspace / "soc2gate-reports"
    report = json.loads((reports / "soc2gate.json").read_text())
    assert [f["resource"] for f in report["fixed"]] == ["aws_ebs_volume.v3"]
    assert sum(1 for f in report["findings"] if f.get("baseline") == "existing") == 11, "existing ones are reported"
    states = [r.get("baselineState") for r in json.loads((reports / "soc2gate.sarif").read_text())["runs"][0]["results"]]
    assert sorted(states) == ["new"] + ["unchanged"] * 11, "no `absent` result: code scanning would open an alert"
    summary = runner.summary.read_text(encoding="utf-8")
    assert summary.index("### Introduced by this change (1)") < summary.index("### Fixed by this change (1)") \
        < summary.index("### SOC 2 criteria")


def test_a_shallow_checkout_fetches_the_base_commit(tmp_path: Path) -> None:
    origin, base = _checkout(tmp_path)
    workspace = tmp_path / "workspace"
    subprocess.run(["git", "clone", "-q", "--depth=1", "--branch", "pr", origin.resolve().as_uri(), str(workspace)],
                   check=True, capture_output=True, timeout=60)
    assert subprocess.run(["git", "cat-file", "-e", f"{base}^{{commit}}"], cwd=workspace, check=False).returncode != 0
    _, gate = _gate(workspace, tmp_path, base)
    assert gate.returncode == 1, gate.stderr
    assert (gate.outputs["new"], gate.outputs["existing"], gate.outputs["fixed"]) == ("1", "11", "1")
    report = json.loads((workspace / "soc2gate-reports" / "soc2gate.json").read_text())
    assert f"fetched the base commit {base} into this shallow clone" in report["notes"]
    assert any("no merge base" in note for note in report["notes"])
    shutil.rmtree(workspace / "soc2gate-reports")
    assert subprocess.run(["git", "status", "--porcelain"], cwd=workspace, capture_output=True, text=True,
                          check=False).stdout == ""


def test_a_base_commit_that_cannot_be_had_fails_closed_with_exit_2(tmp_path: Path) -> None:
    workspace, _ = _checkout(tmp_path)
    missing = "0123456789abcdef0123456789abcdef01234567"
    _, gate = _gate(workspace, tmp_path, missing)
    assert gate.returncode == 2 and f"`{missing}` is not a commit" in gate.stderr and "fetch-depth" in gate.stderr
    assert "Traceback" not in gate.stderr and not gate.outputs.get("verdict")


def test_annotations_only_for_new_findings_in_changed_files_and_for_run_problems() -> None:
    from dataclasses import replace

    from soc2gate.commands.github import annotations
    from soc2gate.model import Finding, Outcome, Result, SourceSpan, Verdict

    def finding(resource: str, file: str, baseline: str, policy: str = "TF-002",
                outcome: Outcome = Outcome.FAIL) -> Finding:
        return Finding(policy, outcome, "high", ("CC6.1",), resource, "x", f"{resource}: bad",
                       SourceSpan(file, 1, 1), baseline=baseline)

    findings = (finding("a", "infra/changed.tf", "new"), finding("b", "infra/changed.tf", "existing"),
                finding("c", "infra/untouched.tf", "new"),
                finding(".soc2gate-baseline.json", ".soc2gate-baseline.json", "", "SYS-004", Outcome.ERROR),
                replace(finding("github:acme/app#7", "/runner/event.json", "new", "CHG-001"), surface="change"))
    result = Result("0", "sha256:0", "sha256:0", findings, (), (), verdict=Verdict(gate="new"),
                    extras={"comparison": {"diff_base": {"changed_files": ["infra/changed.tf"]}}})
    shown = [(a.file, a.message) for a in annotations(result, result.verdict.blocks)]
    assert shown == [("infra/changed.tf", "a: bad [SOC 2: CC6.1]"),
                     (".soc2gate-baseline.json", "error: .soc2gate-baseline.json: bad [SOC 2: CC6.1]"),
                     ("/runner/event.json", "github:acme/app#7: bad [SOC 2: CC6.1]")]
    plain = replace(result, extras={})  # not compared with a base revision: every file
    assert len(annotations(plain, plain.verdict.blocks)) == 4
