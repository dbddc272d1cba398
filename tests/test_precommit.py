"""pre-commit: the hook manifest, module-aware filtering, and real commits through pre-commit try-repo."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import CORPORA, require_shared
from soc2gate import api
from soc2gate.model import Outcome

REPO = Path(__file__).resolve().parent.parent
BUCKET = 'resource "aws_s3_bucket" "{name}" {{\n  bucket = "acme-{name}"{extra}\n}}\n'
LINKED = ('resource "aws_s3_bucket_server_side_encryption_configuration" "data" {\n'
          '  bucket = aws_s3_bucket.data.id\n  rule {\n    apply_server_side_encryption_by_default {\n'
          '      sse_algorithm = "aws:kms"\n    }\n  }\n}\n')
COPY_IGNORE = shutil.ignore_patterns(".git", ".venv", "venv", "__pycache__", ".pytest_cache", "*.egg-info",
                                     "build", "dist", "node_modules", "soc2gate-reports")


def _bucket(name: str, extra: str = "") -> str:
    return BUCKET.format(name=name, extra=extra)


def test_manifest_is_valid_and_hooks_take_infrastructure_files() -> None:
    proc = subprocess.run([sys.executable, "-m", "pre_commit", "validate-manifest", ".pre-commit-hooks.yaml"],
                          cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    hooks = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"soc2gate", "soc2gate-module"}
    for hook in hooks.values():
        assert hook["language"] == "python" and hook["entry"].startswith("soc2gate hook")
        assert set(hook["types_or"]) == {"terraform", "yaml", "json"} and hook.get("pass_filenames", True)
    assert "--whole-module" in hooks["soc2gate-module"]["entry"]


def only_tf001(folder: Path) -> Path:
    """A .soc2gate.yaml that disables every policy but TF-001, so outcomes depend on encryption only."""
    from policy_fixtures import all_policies

    config = folder / ".soc2gate.yaml"
    others = sorted(p.id for p in all_policies() if p.id != "TF-001")
    config.write_text(yaml.safe_dump({"policies": {"disable": others}}))
    return config


def _hook(filenames: tuple[str, ...], whole_module: bool = False, config: Path | None = None):
    options = api.ScanOptions(use_cache=False, config_path=str(config) if config else None)
    return api.check_staged(options, filenames, whole_module)


def _keys(findings, file: Path) -> set[tuple]:
    return {(f.policy_id, f.resource, f.outcome.value, f.span.start_line) for f in findings
            if f.span and Path(f.span.file).resolve() == file.resolve()}


def _module_only_config(tmp_path: Path, root: Path) -> str:
    """A configuration that excludes the module's sub-directories (examples/, modules/, ...)."""
    from soc2gate.discovery import display_path

    patterns = [f"{display_path(d)}/*" for d in sorted(root.iterdir()) if d.is_dir()]
    config = tmp_path / "module-only.yaml"
    config.write_text(yaml.safe_dump({"exclude": patterns}))
    return str(config)


@pytest.mark.parametrize("module", ["terraform-aws-s3-bucket", "terraform-aws-eks"])
def test_hook_on_one_file_matches_a_full_scan_of_its_module(module: str, tmp_path: Path) -> None:
    require_shared()
    root = CORPORA / "real" / module
    main = root / "main.tf"
    full = api.scan(api.ScanOptions(paths=(str(root),), config_path=_module_only_config(tmp_path, root),
                                    use_cache=False))
    plan, hooked = _hook((str(main),))
    alone = api.scan(api.ScanOptions(paths=(str(main),), use_cache=False))
    assert _keys(hooked.findings, main) == _keys(full.findings, main) != set()
    assert _keys(alone.findings, main) != _keys(full.findings, main), "main.tf alone should need its module"
    assert {Path(p).parent for p in plan.scan} == {root} and len(plan.scan) > 1
    others = {f.span.file for f in hooked.findings if f.span and f.outcome is not Outcome.ERROR}
    assert all(Path(o).resolve() == main.resolve() for o in others)


def test_unstaged_references_resolve_and_verdict_counts_only_given_files(tmp_path: Path) -> None:
    module = tmp_path / "module"
    module.mkdir()
    (module / "main.tf").write_text(_bucket("data"))
    (module / "encryption.tf").write_text(LINKED)
    (module / "legacy.tf").write_text(_bucket("legacy"))  # fails TF-001, but is not being committed
    config = only_tf001(tmp_path)
    _, result = _hook((str(module / "main.tf"),), config=config)
    tf001 = [f for f in result.findings if f.policy_id == "TF-001"]
    assert [(f.resource, f.outcome) for f in tf001] == [("aws_s3_bucket.data", Outcome.PASS)]
    assert result.passed and result.exit_code == 0
    _, whole = _hook((str(module / "main.tf"),), whole_module=True, config=config)
    assert not whole.passed and any(f.resource == "aws_s3_bucket.legacy" for f in whole.by_outcome(Outcome.FAIL))
    (module / "terraform.tfvars").write_text('region = "eu-west-1"\n')
    _, by_vars = _hook((str(module / "terraform.tfvars"),), config=config)  # variables affect the whole module
    assert any(f.resource == "aws_s3_bucket.legacy" for f in by_vars.by_outcome(Outcome.FAIL))


def test_non_manifest_yaml_is_skipped_but_broken_input_fails(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: docs\n")
    (tmp_path / "broken.tf").write_text("resource {\n")
    _, result = _hook((str(tmp_path / "mkdocs.yml"),))
    assert result.passed and any(s.path.endswith("mkdocs.yml") for s in result.skipped)
    _, missing = _hook((str(tmp_path / "gone.tf"),))
    assert not missing.passed and "SYS-005" in [f.policy_id for f in missing.by_outcome(Outcome.ERROR)]
    _, broken = _hook((str(tmp_path / "mkdocs.yml"), str(tmp_path / "broken.tf")))
    assert not broken.passed and [f.policy_id for f in broken.by_outcome(Outcome.ERROR)] == ["SYS-001"]
    (tmp_path / "charts" / "templates").mkdir(parents=True)
    template = tmp_path / "charts" / "templates" / "deployment.yaml"
    template.write_text("{{- if .Values.enabled }}\nkind: Deployment\n")
    _, unparsable = _hook((str(template),))
    assert not unparsable.passed
    config = tmp_path / "soc2gate.yaml"
    config.write_text("exclude: ['*/charts/templates/*']\n")
    plan, nothing = _hook((str(template),), config=config)
    assert nothing is None and plan.excluded == [str(template)] and not plan.scan
    plan, excluded = _hook((str(template), str(tmp_path / "mkdocs.yml")), config=config)
    assert excluded.passed and plan.excluded == [str(template)]
    assert any(s.reason == "excluded by configuration" for s in excluded.skipped)


def _git(cwd: Path, *args: str, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    if check:
        assert proc.returncode == 0, f"git {' '.join(args)}: {proc.stdout}{proc.stderr}"
    return proc


def _environment(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    identity = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
                "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com"}
    isolated = {"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}  # no user hooksPath, signing, ...
    return env | identity | isolated | {"PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}


def _hook_source(tmp_path: Path, env: dict[str, str]) -> Path:
    """This working tree (committed or not) as a git repository pre-commit can clone."""
    source = tmp_path / "soc2gate-src"
    shutil.copytree(REPO, source, ignore=COPY_IGNORE)
    _git(source, "init", "-q", env=env)
    _git(source, "add", "-A", env=env)
    _git(source, "commit", "-q", "-m", "soc2gate under test", env=env)
    return source


def test_commits_through_pre_commit_try_repo(tmp_path: Path) -> None:
    """A git pre-commit hook runs `pre-commit try-repo <this repo> soc2gate` (a fresh hook environment per
    run, so two commits): the first is rejected, the second passes only because the unstaged
    encryption.tf of its module is read."""
    env = _environment(tmp_path)
    source = _hook_source(tmp_path, env)
    project = tmp_path / "project"
    project.mkdir()
    _git(project, "init", "-q", env=env)
    hook = project / ".git" / "hooks" / "pre-commit"
    hook.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m pre_commit try-repo "{source}" soc2gate\n')
    hook.chmod(hook.stat().st_mode | stat.S_IEXEC)
    infra = project / "infra"
    infra.mkdir()
    (infra / "main.tf").write_text(_bucket("data"))
    (infra / "encryption.tf").write_text(LINKED)
    (project / "mkdocs.yml").write_text("site_name: docs\n")
    only_tf001(project)  # the project's .soc2gate.yaml: the hook reads it from the repository root
    _git(project, "add", "-A", env=env)
    _git(project, "commit", "-q", "--no-verify", "-m", "existing module", env=env)  # the state before our commits

    (infra / "main.tf").write_text(_bucket("data") + _bucket("logs"))
    _git(project, "add", "infra/main.tf", env=env)
    rejected = _git(project, "commit", "-m", "unencrypted logs bucket", env=env, check=False)
    output = rejected.stdout + rejected.stderr
    assert rejected.returncode != 0, output
    assert "TF-001" in output and "aws_s3_bucket.logs" in output and "infra/main.tf" in output
    assert not [line for line in output.splitlines() if "FAIL" in line and "aws_s3_bucket.data:" in line]
    assert _git(project, "rev-list", "--count", "HEAD", env=env).stdout.strip() == "1"

    (infra / "main.tf").write_text(_bucket("data", extra='\n  tags   = { team = "data" }'))
    (project / "mkdocs.yml").write_text("site_name: handbook\n")  # YAML that is no manifest: skipped
    _git(project, "add", "infra/main.tf", "mkdocs.yml", env=env)  # encryption.tf is not staged
    second = _git(project, "commit", "-m", "tag the bucket", env=env, check=False)
    assert second.returncode == 0, second.stdout + second.stderr
    assert _git(project, "rev-list", "--count", "HEAD", env=env).stdout.strip() == "2"
