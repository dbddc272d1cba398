"""New findings only, end to end with the real git: --diff-base classifies new/existing/fixed."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from git_repos import (
    ENCRYPTED,
    POD,
    VOLUME,
    commit,
    git,
    hundred_failures,
    make_repo,
    volumes,
    write,
)

from soc2gate import api
from soc2gate.errors import UsageError
from soc2gate.model import Outcome


def _scan(repo: Path, monkeypatch: pytest.MonkeyPatch, gate: str = "new", base: str = "main", paths=("infra",)):
    monkeypatch.chdir(repo)
    return api.scan(api.ScanOptions(paths=tuple(paths), diff_base=base, gate=gate, use_cache=False))


def _problems(result):
    return [f for f in result.findings if f.outcome is not Outcome.PASS]


def test_pr_adding_one_insecure_resource_to_100_failures_fails_with_exactly_one_new(tmp_path, monkeypatch):
    repo = hundred_failures(tmp_path / "repo")
    write(repo, {"infra/extra.tf": VOLUME.format(name="extra")})
    commit(repo, "add a volume")
    result = _scan(repo, monkeypatch)
    new = [f for f in result.findings if f.baseline == "new"]
    assert [(f.policy_id, f.resource) for f in new] == [("TF-002", "aws_ebs_volume.extra")]
    assert sum(1 for f in result.findings if f.baseline == "existing") == 100
    assert result.blocking() == new and result.exit_code == 1 and result.fixed == ()
    everything = _scan(repo, monkeypatch, gate="all")
    assert len(everything.blocking()) == 101, "gate: all keeps today's behaviour"


def test_pr_fixing_one_passes_and_reports_it_fixed(tmp_path, monkeypatch):
    repo = hundred_failures(tmp_path / "repo")
    text = (repo / "infra/volumes_2.tf").read_text().replace(VOLUME.format(name="v2_7"), ENCRYPTED.format(name="v2_7"))
    write(repo, {"infra/volumes_2.tf": text})
    commit(repo, "encrypt one volume")
    result = _scan(repo, monkeypatch)
    assert result.passed and result.exit_code == 0
    assert [(f.resource, f.baseline, f.span.file) for f in result.fixed] == [
        ("aws_ebs_volume.v2_7", "fixed", "infra/volumes_2.tf")]
    assert len(_problems(result)) == 99 and all(f.baseline == "existing" for f in _problems(result))


def test_moving_a_resource_to_another_file_and_reformatting_keeps_its_fingerprint(tmp_path, monkeypatch):
    repo = make_repo(tmp_path / "repo", {"infra/a.tf": volumes(["keep", "moved"]), "k8s/pod.yaml": POD.format(name="web")})
    write(repo, {"infra/a.tf": "# a comment above moves every line\n\n\n" + VOLUME.format(name="keep"),
                 "infra/b/../b.tf": 'resource "aws_ebs_volume" "moved" {\n\n  size = 10\n'
                                    '      availability_zone =   "eu-west-1a"\n}\n',
                 "k8s/pod.yaml": None, "k8s/apps/all.yaml": "# moved here\n---\n" + POD.format(name="web")})
    commit(repo, "move and reformat")
    result = _scan(repo, monkeypatch, paths=("infra", "k8s"))
    moved = [f for f in result.findings if f.resource == "aws_ebs_volume.moved"]
    assert moved and moved[0].span.file == "infra/b.tf" and moved[0].baseline == "existing"
    pod = [f for f in _problems(result) if "web" in f.resource]
    assert pod and {f.baseline for f in pod} == {"existing"} and pod[0].span.file == "k8s/apps/all.yaml"
    assert not [f for f in result.findings if f.baseline == "new"] and result.fixed == ()
    assert result.passed


def test_renaming_a_resource_is_one_new_and_one_fixed(tmp_path, monkeypatch):
    repo = make_repo(tmp_path / "repo", {"infra/a.tf": volumes(["a", "b"])})
    write(repo, {"infra/a.tf": volumes(["a", "b_renamed"])})
    commit(repo, "rename")
    result = _scan(repo, monkeypatch)
    assert [f.resource for f in result.findings if f.baseline == "new"] == ["aws_ebs_volume.b_renamed"]
    assert [f.resource for f in result.fixed] == ["aws_ebs_volume.b"]
    assert not result.passed


def test_kubernetes_identity_is_kind_namespace_name(tmp_path, monkeypatch):
    repo = make_repo(tmp_path / "repo", {"k8s/pod.yaml": POD.format(name="web")})
    write(repo, {"k8s/pod.yaml": POD.format(name="web").replace("namespace: apps", "namespace: other")})
    commit(repo, "move namespace")
    result = _scan(repo, monkeypatch, paths=("k8s",))
    assert {f.baseline for f in _problems(result)} == {"new"}
    assert {f.resource for f in result.fixed} == {"Pod/apps/web"}


def test_inputs_the_change_broke_are_new_errors_and_old_breakage_stays_a_failing_existing_error(tmp_path, monkeypatch):
    repo = make_repo(tmp_path / "repo", {"infra/ok.tf": VOLUME.format(name="a"), "infra/old.tf": "resource {{{\n"})
    write(repo, {"infra/ok.tf": VOLUME.format(name="a") + "resource \"aws_ebs_volume\" {\n"})
    commit(repo, "break a file")
    result = _scan(repo, monkeypatch)
    errors = {f.span.file: f.baseline for f in result.by_outcome(Outcome.ERROR)}
    assert errors == {"infra/ok.tf": "new", "infra/old.tf": "existing"}
    assert not result.passed and {f.span.file for f in result.blocking()} == {"infra/ok.tf", "infra/old.tf"}
    write(repo, {"infra/ok.tf": VOLUME.format(name="a")})
    commit(repo, "repair it")
    repaired = _scan(repo, monkeypatch)
    assert [f.span.file for f in repaired.blocking()] == ["infra/old.tf"], "an old parse error still fails closed"


def test_the_working_tree_index_and_worktrees_are_untouched(tmp_path, monkeypatch):
    repo = hundred_failures(tmp_path / "repo")
    write(repo, {"infra/extra.tf": VOLUME.format(name="extra"), "infra/volumes_0.tf": volumes(["staged"])})
    git(repo, "add", "infra/volumes_0.tf")  # staged, uncommitted; extra.tf untracked
    before = (git(repo, "status", "--porcelain"), git(repo, "worktree", "list"), git(repo, "rev-parse", "HEAD"),
              (repo / ".git/index").read_bytes(), git(repo, "stash", "list"))
    leftovers = set(Path(tempfile.gettempdir()).glob("soc2gate-base-*"))
    result = _scan(repo, monkeypatch)
    after = (git(repo, "status", "--porcelain"), git(repo, "worktree", "list"), git(repo, "rev-parse", "HEAD"),
             (repo / ".git/index").read_bytes(), git(repo, "stash", "list"))
    assert before == after
    assert set(Path(tempfile.gettempdir()).glob("soc2gate-base-*")) == leftovers, "the base copy is removed"
    new = sorted(f.resource for f in result.findings if f.baseline == "new")
    assert new == ["aws_ebs_volume.extra", "aws_ebs_volume.staged"], "the working tree is the head, uncommitted or not"
    assert len(result.fixed) == 25
    changed = result.extras["comparison"]["diff_base"]["changed_files"]
    assert changed == ["infra/extra.tf", "infra/volumes_0.tf"]


def test_the_merge_base_is_the_base_so_later_base_branch_changes_are_not_the_prs(tmp_path, monkeypatch):
    repo = make_repo(tmp_path / "repo", {"infra/a.tf": volumes(["a"])})
    write(repo, {"infra/pr.tf": ENCRYPTED.format(name="pr")})
    commit(repo, "pr work")
    git(repo, "checkout", "-q", "main")
    write(repo, {"infra/main_only.tf": VOLUME.format(name="later"), "infra/a.tf": ENCRYPTED.format(name="a")})
    commit(repo, "main moves on")
    git(repo, "checkout", "-q", "pr")
    result = _scan(repo, monkeypatch)
    assert result.extras["comparison"]["diff_base"]["merge_base"] is True
    assert result.passed and not result.fixed and {f.baseline for f in _problems(result)} == {"existing"}


def test_bad_references_and_paths_outside_the_repository_are_usage_errors(tmp_path, monkeypatch):
    repo = make_repo(tmp_path / "repo", {"infra/a.tf": volumes(["a"])})
    with pytest.raises(UsageError, match="`no-such-branch` is not a commit"):
        _scan(repo, monkeypatch, base="no-such-branch")
    with pytest.raises(UsageError, match="is not a git revision"):
        _scan(repo, monkeypatch, base="--output=/tmp/x")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    with pytest.raises(UsageError, match="outside the git repository"):
        _scan(repo, monkeypatch, paths=(str(outside),))
    monkeypatch.chdir(outside)
    with pytest.raises(UsageError, match="inside a git repository"):
        api.scan(api.ScanOptions(paths=(".",), diff_base="main"))


def test_a_path_the_change_adds_has_no_base_and_everything_in_it_is_new(tmp_path, monkeypatch):
    repo = make_repo(tmp_path / "repo", {"README.md": "x\n"})
    write(repo, {"infra/a.tf": volumes(["a"])})
    commit(repo, "first infra")
    result = _scan(repo, monkeypatch)
    assert [f.baseline for f in _problems(result)] == ["new"] and not result.passed


def test_cli_reports_sarif_baseline_state_json_fixed_and_markdown_first(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from soc2gate.cli import cli
    from soc2gate.commands import register_all

    register_all(cli)
    repo = make_repo(tmp_path / "repo", {"infra/a.tf": volumes(["a", "b", "c"])})
    write(repo, {"infra/a.tf": volumes(["a", "c"]) + "\n" + VOLUME.format(name="d")})
    commit(repo, "drop b, add d")
    monkeypatch.chdir(repo)
    out = tmp_path / "out"
    run = CliRunner().invoke(cli, ["scan", "infra", "--diff-base", "main", "--gate", "new", "--no-cache",
                                   "--format", "sarif", "--output", str(out / "r.sarif"), "--format", "json",
                                   "--output", str(out / "r.json"), "--format", "markdown"])
    assert run.exit_code == 1, run.output
    states = {r["properties"]["resource"]: r.get("baselineState")
              for r in json.loads((out / "r.sarif").read_text())["runs"][0]["results"]}
    assert states == {"aws_ebs_volume.a": "unchanged", "aws_ebs_volume.c": "unchanged",
                      "aws_ebs_volume.d": "new", "aws_ebs_volume.b": "absent"}
    report = json.loads((out / "r.json").read_text())
    assert report["gate"] == "new" and [f["resource"] for f in report["fixed"]] == ["aws_ebs_volume.b"]
    assert {f["resource"]: f.get("baseline") for f in report["findings"]} == {
        "aws_ebs_volume.a": "existing", "aws_ebs_volume.c": "existing", "aws_ebs_volume.d": "new"}
    summary = run.output
    assert summary.index("### Introduced by this change (1)") < summary.index("### Fixed by this change (1)") \
        < summary.index("### SOC 2 criteria")
    assert "existing before this change" not in summary  # TF-002 has a new, blocking finding


def test_cli_bad_ref_exits_2_with_a_clear_message(tmp_path):
    import subprocess
    import sys

    repo = make_repo(tmp_path / "repo", {"infra/a.tf": volumes(["a"])})
    code = ("import sys; sys.argv=['soc2gate','scan','infra','--diff-base','nope']; "
            "from soc2gate.cli import main; main()")
    done = subprocess.run([sys.executable, "-c", code], cwd=repo, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 2 and "`nope` is not a commit" in done.stderr and "Traceback" not in done.stderr


def test_existing_findings_and_the_fixed_ones_are_in_the_evidence_ledger(tmp_path, monkeypatch):
    repo = make_repo(tmp_path / "repo", {"infra/a.tf": volumes(["a", "b"])})
    write(repo, {"infra/a.tf": volumes(["a", "c"])})
    commit(repo, "replace b by c")
    result = _scan(repo, monkeypatch)
    options = api.ScanOptions(paths=("infra",), diff_base="main", gate="new")
    receipt = api.record_evidence(result, options, str(tmp_path / "ledger"))
    record = json.loads(Path(receipt.path).read_text().splitlines()[-1])
    assert {(f["resource"], f.get("baseline")) for f in record["failures"]} == {
        ("aws_ebs_volume.a", "existing"), ("aws_ebs_volume.c", "new")}
    comparison = record["comparison"]
    assert comparison["gate"] == "new" and comparison["counts"] == {"new": 1, "existing": 1, "fixed": 1}
    assert [f["resource"] for f in comparison["fixed"]] == ["aws_ebs_volume.b"]
    assert comparison["diff_base"]["commit"] == git(repo, "rev-parse", "main").strip()
    assert api.verify_evidence(str(tmp_path / "ledger")).ok


def test_an_unknown_gate_mode_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UsageError, match="--gate must be one of all, new"):
        api.scan(api.ScanOptions(paths=(".",), gate="some"))


def test_terragoat_with_its_121_failures_blocks_only_the_one_a_pull_request_adds(tmp_path, monkeypatch):
    import shutil

    from conftest import CORPORA, require_shared

    require_shared()
    repo = tmp_path / "terragoat"
    shutil.copytree(CORPORA / "real" / "terragoat" / "terraform", repo / "terraform")
    make_repo(repo, {})
    write(repo, {"terraform/aws/pr.tf": VOLUME.format(name="added_by_pr")})
    commit(repo, "one more volume")
    monkeypatch.chdir(repo)
    result = api.scan(api.ScanOptions(paths=("terraform",), diff_base="main", gate="new"))
    counts = result.extras["comparison"]["counts"]
    assert counts["new"] == 1 and counts["fixed"] == 0 and counts["existing"] >= 100
    assert [(f.policy_id, f.resource) for f in result.blocking()] == [("TF-002", "aws_ebs_volume.added_by_pr")]
    assert api.scan(api.ScanOptions(paths=("terraform",), diff_base="main", gate="all")).exit_code == 1


def test_the_configurations_excludes_apply_to_the_base_too(tmp_path, monkeypatch):
    repo = make_repo(tmp_path / "repo", {"infra/a.tf": volumes(["a"]), "infra/legacy/old.tf": volumes(["old"]),
                                         ".soc2gate.yaml": "version: 1\nexclude: [\"infra/legacy/*\"]\n"})
    write(repo, {"infra/a.tf": volumes(["a", "b"])})
    commit(repo, "add b")
    result = _scan(repo, monkeypatch)
    assert [f.resource for f in result.fixed] == [], "the excluded file is not read on either side"
    assert [(f.resource, f.baseline) for f in _problems(result)] == [
        ("aws_ebs_volume.a", "existing"), ("aws_ebs_volume.b", "new")]
