"""Turn the paths a user gave into candidate input files, classified by name.

Directories are walked (skipping .git, .terraform, node_modules); every file that is
not taken is listed with its reason, and an explicitly named file that cannot be used
is an error, never a silent skip.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from pathlib import Path

from soc2gate.model import Skipped

KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
CHART_FILE = "Chart.yaml"
SKIP_DIRS = frozenset({".git", ".terraform", "node_modules", ".hg", ".svn", "__pycache__", ".venv"})
KIND_BY_SUFFIX: tuple[tuple[str, str], ...] = (
    (".tf.json", "terraform"),
    (".tf", "terraform"),
    (".tfvars.json", "tfvars"),
    (".tfvars", "tfvars"),
    (".yaml", "yaml"),
    (".yml", "yaml"),
    (".json", "json"),
)


@dataclass(frozen=True)
class Candidate:
    path: Path
    display: str
    kind: str
    explicit: bool


def classify(name: str) -> str | None:
    lowered = name.lower()
    for suffix, kind in KIND_BY_SUFFIX:
        if lowered.endswith(suffix):
            return kind
    return None


def display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def discover(paths: list[str], excludes: tuple[str, ...] = ()) -> tuple[list[Candidate], list[Skipped], list[Skipped]]:
    """Return (candidates, skipped, missing) for the given files and directories."""
    candidates: list[Candidate] = []
    skipped: list[Skipped] = []
    missing: list[Skipped] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            _walk(path, excludes, candidates, skipped)
        elif path.is_file():
            _explicit(path, candidates, skipped, missing)
        else:
            missing.append(Skipped(given, "no such file or directory"))
    return _unique(candidates), skipped, missing


def _explicit(path: Path, candidates: list[Candidate], skipped: list[Skipped], missing: list[Skipped]) -> None:
    if path.name in KUSTOMIZATION_NAMES or path.name == CHART_FILE:  # stands for its directory
        kind = rendered_kind(path.parent)
        candidates.append(Candidate(path.parent, display_path(path.parent), kind or "kustomize", True))
        return
    kind = classify(path.name)
    if kind is None:
        missing.append(Skipped(display_path(path), "unsupported file type: expected .tf, .tf.json, .tfvars, .yaml, .yml or .json"))
        return
    candidates.append(Candidate(path, display_path(path), kind, True))


def rendered_kind(directory: Path, files: list[str] | None = None) -> str | None:
    """``helm`` for a chart directory (Chart.yaml), ``kustomize`` for a kustomization directory."""
    names = set(files) if files is not None else {p.name for p in directory.iterdir()} if directory.is_dir() else set()
    if CHART_FILE in names:
        return "helm"
    return "kustomize" if names & set(KUSTOMIZATION_NAMES) else None


def _walk(root: Path, excludes: tuple[str, ...], candidates: list[Candidate], skipped: list[Skipped]) -> None:
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        rendered = rendered_kind(Path(directory), files)
        if rendered is not None and not _excluded(Path(directory), excludes):
            candidates.append(Candidate(Path(directory), display_path(Path(directory)), rendered, False))
            if rendered == "helm":
                dirs[:] = []  # templates and sub-charts are rendered by helm
                continue
        for name in sorted(files):
            path = Path(directory) / name
            display = display_path(path)
            if any(fnmatch.fnmatch(display, pattern) for pattern in excludes):
                skipped.append(Skipped(display, "excluded by configuration"))
                continue
            kind = classify(name)
            if rendered == "kustomize" and name in KUSTOMIZATION_NAMES:
                continue  # the kustomization is the input itself (listed under inputs)
            if rendered == "kustomize" and kind in ("yaml", "json"):
                skipped.append(Skipped(display, f"in a Kustomize directory: evaluated only as rendered from "
                                                f"{display_path(Path(directory))}"))
            elif kind is None:
                skipped.append(Skipped(display, "not an input type soc2gate reads"))
            elif path.is_symlink() and not path.exists():
                skipped.append(Skipped(display, "broken symbolic link"))
            else:
                candidates.append(Candidate(path, display, kind, False))


def _excluded(path: Path, excludes: tuple[str, ...]) -> bool:
    display = display_path(path)
    return any(fnmatch.fnmatch(display, pattern) or fnmatch.fnmatch(display + "/", pattern) for pattern in excludes)


def _unique(candidates: list[Candidate]) -> list[Candidate]:
    seen: set[str] = set()
    unique = []
    for candidate in candidates:
        key = str(candidate.path.resolve())
        if key not in seen:
            seen.add(key)
            unique.append(candidate)
    return unique
