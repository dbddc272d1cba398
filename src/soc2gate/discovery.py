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
    kind = classify(path.name)
    if kind is None:
        missing.append(Skipped(display_path(path),
                               "unsupported file type: expected .tf, .tf.json, .tfvars, .yaml, .yml or .json"))
        return
    candidates.append(Candidate(path, display_path(path), kind, True))


def _walk(root: Path, excludes: tuple[str, ...], candidates: list[Candidate], skipped: list[Skipped]) -> None:
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        for name in sorted(files):
            path = Path(directory) / name
            display = display_path(path)
            if any(fnmatch.fnmatch(display, pattern) for pattern in excludes):
                skipped.append(Skipped(display, "excluded by configuration"))
                continue
            kind = classify(name)
            if kind is None:
                skipped.append(Skipped(display, "not an input type soc2gate reads"))
            elif path.is_symlink() and not path.exists():
                skipped.append(Skipped(display, "broken symbolic link"))
            else:
                candidates.append(Candidate(path, display, kind, False))


def _unique(candidates: list[Candidate]) -> list[Candidate]:
    seen: set[str] = set()
    unique = []
    for candidate in candidates:
        key = str(candidate.path.resolve())
        if key not in seen:
            seen.add(key)
            unique.append(candidate)
    return unique
