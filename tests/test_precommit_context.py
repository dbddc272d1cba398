"""pre-commit context for Kubernetes: a staged manifest is judged with the manifests around it (and
its kustomization), findings are reported only for staged files.  Real git, real pre-commit."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data" / "precommit_context"
DEPLOYMENT = (DATA / "deployment.yaml").read_text()
PRIVILEGED = DEPLOYMENT.replace("allowPrivilegeEscalation: false", "privileged: true")
CONFIG = """repos:
- repo: local
  hooks:
  - id: soc2gate
    name: soc2gate
    entry: {python} -c "from soc2gate.cli import main; main()" hook
    language: system
    types_or: [terraform, yaml, json]
    require_serial: true
"""


def _git(cwd: Path, *args: str, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert not check or done.returncode == 0, f"git {' '.join(args)}: {done.stdout}{done.stderr}"
    return done


@pytest.fixture()
def project(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env |= {"GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "T",
            "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
            "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "PYTHONPATH": str(REPO / "src")}
    root = tmp_path / "project"
    root.mkdir()
    _git(root, "init", "-q", env=env)
    (root / ".pre-commit-config.yaml").write_text(CONFIG.format(python=sys.executable))
    done = subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    (root / "k8s").mkdir()
    shutil.copy(DATA / "networkpolicy.yaml", root / "k8s" / "networkpolicy.yaml")
    (root / "k8s" / "legacy.yaml").write_text(PRIVILEGED.replace("name: web", "name: legacy"))
    (root / "k8s" / "broken.yaml").write_text("kind: [unclosed\n")
    _git(root, "add", "-A", env=env)
    _git(root, "commit", "-q", "--no-verify", "-m", "committed state", env=env)
    return root, env


def _commit(root: Path, env: dict[str, str], *files: str) -> subprocess.CompletedProcess:
    _git(root, "add", *files, env=env)
    return _git(root, "commit", "-m", "change", env=env, check=False)


def test_staged_deployment_passes_with_its_committed_network_policy(project) -> None:
    root, env = project
    (root / "k8s" / "deployment.yaml").write_text(DEPLOYMENT)
    done = _commit(root, env, "k8s/deployment.yaml")
    output = done.stdout + done.stderr
    # K8S-024 sees the committed NetworkPolicy; legacy.yaml's and broken.yaml's problems are not this commit's
    assert done.returncode == 0, output
    assert "K8S-024" not in output and "legacy" not in output and "SYS-001" not in output


def test_the_same_deployment_without_a_network_policy_is_rejected(project) -> None:
    root, env = project
    (root / "apps").mkdir()
    (root / "apps" / "deployment.yaml").write_text(DEPLOYMENT)
    done = _commit(root, env, "apps/deployment.yaml")
    output = done.stdout + done.stderr
    assert done.returncode != 0 and "K8S-024" in output and "apps/deployment.yaml" in output


def test_kustomization_is_the_context_and_findings_stay_on_the_staged_file(project) -> None:
    root, env = project
    app = root / "deploy" / "base"
    app.mkdir(parents=True)
    shutil.copy(DATA / "networkpolicy.yaml", app / "networkpolicy.yaml")
    (app / "service.yaml").write_text("apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\n"
                                      "spec: {selector: {app: web}, ports: [{port: 80}]}\n")
    (app / "kustomization.yaml").write_text("resources: [deployment.yaml, networkpolicy.yaml, service.yaml]\n")
    (app / "deployment.yaml").write_text(DEPLOYMENT)
    first = _commit(root, env, "deploy")
    assert first.returncode == 0, first.stdout + first.stderr
    (app / "deployment.yaml").write_text(PRIVILEGED)
    rejected = _commit(root, env, "deploy/base/deployment.yaml")
    output = rejected.stdout + rejected.stderr
    assert rejected.returncode != 0 and "K8S-001" in output and "deploy/base/deployment.yaml:" in output
    assert "K8S-024" not in output and "legacy" not in output


def test_a_staged_kustomization_stands_for_every_object_it_renders(project) -> None:
    root, env = project
    app = root / "deploy"
    app.mkdir()
    shutil.copy(DATA / "networkpolicy.yaml", app / "networkpolicy.yaml")
    (app / "deployment.yaml").write_text(DEPLOYMENT)
    (app / "kustomization.yaml").write_text("resources: [deployment.yaml, networkpolicy.yaml]\n")
    assert _commit(root, env, "deploy").returncode == 0
    (app / "kustomization.yaml").write_text(
        "resources: [deployment.yaml, networkpolicy.yaml]\npatches:\n- target: {kind: Deployment, name: web}\n"
        "  patch: |-\n    - op: add\n      path: /spec/template/spec/hostNetwork\n      value: true\n")
    rejected = _commit(root, env, "deploy/kustomization.yaml")  # deployment.yaml itself is unchanged
    output = rejected.stdout + rejected.stderr
    assert rejected.returncode != 0 and "K8S-003" in output and "deploy/deployment.yaml" in output
