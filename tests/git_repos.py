"""Throwaway git repositories for the new-findings-only tests (driven by the real git)."""

from __future__ import annotations

import subprocess
from pathlib import Path

VOLUME = 'resource "aws_ebs_volume" "{name}" {{\n  availability_zone = "eu-west-1a"\n  size              = 10\n}}\n'
ENCRYPTED = ('resource "aws_ebs_volume" "{name}" {{\n  availability_zone = "eu-west-1a"\n  size              = 10\n'
             '  encrypted         = true\n}}\n')
POD = """apiVersion: v1
kind: Pod
metadata:
  name: {name}
  namespace: apps
spec:
  securityContext:
    runAsNonRoot: true
  containers:
    - name: app
      image: registry.example.com/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
      securityContext:
        privileged: true
"""


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True, timeout=60)
    return done.stdout


def volumes(names: list[str]) -> str:
    return "\n".join(VOLUME.format(name=n) for n in names)


def make_repo(root: Path, files: dict[str, str]) -> Path:
    """A repository on branch main with ``files`` committed, then a branch ``pr`` checked out."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "dev@example.com")
    git(root, "config", "user.name", "Dev")
    git(root, "config", "commit.gpgsign", "false")
    write(root, files)
    commit(root, "base")
    git(root, "checkout", "-q", "-b", "pr")
    return root


def write(root: Path, files: dict[str, str | None]) -> None:
    for name, text in files.items():
        path = root / name
        if text is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def commit(root: Path, message: str) -> str:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)
    return git(root, "rev-parse", "HEAD").strip()


def hundred_failures(root: Path) -> Path:
    """100 unencrypted EBS volumes (one TF-002 failure each) in four files."""
    files = {f"infra/volumes_{k}.tf": volumes([f"v{k}_{i}" for i in range(25)]) for k in range(4)}
    return make_repo(root, files)
