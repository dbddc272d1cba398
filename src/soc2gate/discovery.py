"""Turn the paths a user gave into candidate input files, classified by name.

Directories are walked (skipping .git, .terraform, node_modules and symbolic links to
directories); every path that is not taken is listed with its reason, an explicitly named
path that cannot be used is an error, and a directory that cannot be listed is an error:
never a silent skip.  Only regular files become candidates (a FIFO or a link to a device
is listed, never opened).
"""

from __future__ import annotations

import errno
import fnmatch
import os
import stat
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from soc2gate.model import Skipped
from soc2gate.parsers.textio import file_type

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
        return str(Path(os.path.realpath(path)).relative_to(_real_directory(os.getcwd())))
    except (ValueError, OSError):
        return str(path)


@lru_cache(maxsize=16)
def _real_directory(cwd: str) -> str:
    """realpath of the working directory, once per directory (getcwd already names it without symlinks)."""
    return os.path.realpath(cwd)


@dataclass
class Discovered:
    """What the paths named: files to read, paths not evaluated (with why), and problems that fail the run."""

    candidates: list[Candidate] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    missing: list[Skipped] = field(default_factory=list)       # named explicitly and unusable: SYS-005
    unreadable: list[Skipped] = field(default_factory=list)    # a directory that cannot be listed: SYS-002


def link_display(path: Path) -> str:
    """The path as named (a symbolic link itself, not its target), relative to the working directory."""
    try:
        return str(Path(os.path.abspath(path)).relative_to(os.path.abspath(os.getcwd())))
    except (ValueError, OSError):
        return str(path)


def discover(paths: list[str], excludes: tuple[str, ...] = ()) -> Discovered:
    """Classify the given files and walk the given directories; nothing is dropped without a reason."""
    found = Discovered()
    for given in paths:
        path = Path(given)
        what, problem = kind_of(path)
        if what == "dir":
            _walk(path, excludes, found)
        elif what == "file":
            _explicit(path, found)
        else:
            found.missing.append(Skipped(given, problem))
    found.candidates = _unique(found.candidates)
    return found


def kind_of(path: Path) -> tuple[str, str]:
    """("dir"|"file", "") or ("", why the path cannot be read), following symbolic links safely."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "", "broken symbolic link" if os.path.islink(path) else "no such file or directory"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "", "symbolic link loop"
        return "", f"cannot read: {exc.strerror or exc}"
    if stat.S_ISDIR(mode):
        return "dir", ""
    if stat.S_ISREG(mode):
        return "file", ""
    return "", f"{file_type(mode)}, not a regular file: only regular files are read"


def _explicit(path: Path, found: Discovered) -> None:
    if path.name in KUSTOMIZATION_NAMES or path.name == CHART_FILE:  # stands for its directory
        rendered = rendered_kind(path.parent) or "kustomize"
        found.candidates.append(Candidate(path.parent, display_path(path.parent), rendered, True))
        return
    kind = classify(path.name)
    if kind is None:
        found.missing.append(Skipped(display_path(path), "unsupported file type: expected .tf, .tf.json, .tfvars, "
                                                         ".yaml, .yml or .json"))
        return
    found.candidates.append(Candidate(path, display_path(path), kind, True))


def _walk(root: Path, excludes: tuple[str, ...], found: Discovered) -> None:
    def unreadable(exc: OSError) -> None:
        name = display_path(Path(exc.filename)) if exc.filename else str(root)
        found.unreadable.append(Skipped(name, f"cannot read directory: {exc.strerror or exc}"))

    for directory, dirs, files in os.walk(root, onerror=unreadable):
        rendered = _rendered_candidate(Path(directory), files, excludes, found)
        if rendered == "helm":
            dirs[:] = []  # templates and sub-charts are rendered by helm
            continue
        kept = []
        for name in sorted(dirs):
            reason = _skip_dir_reason(Path(directory) / name)
            if reason:
                found.skipped.append(Skipped(link_display(Path(directory) / name), reason))
            else:
                kept.append(name)
        dirs[:] = kept
        for name in sorted(files):
            if rendered == "kustomize" and name in KUSTOMIZATION_NAMES:
                continue  # the kustomization is the input itself (listed under inputs)
            if rendered == "kustomize" and classify(name) in ("yaml", "json"):
                found.skipped.append(Skipped(display_path(Path(directory) / name), "in a Kustomize directory: "
                                             f"evaluated only as rendered from {display_path(Path(directory))}"))
                continue
            _walked_file(Path(directory) / name, excludes, found)


def rendered_kind(directory: Path, files: list[str] | None = None) -> str | None:
    """``helm`` for a chart directory (Chart.yaml), ``kustomize`` for a kustomization directory."""
    if files is None:
        files = [p.name for p in directory.iterdir()] if directory.is_dir() else []
    if CHART_FILE in files:
        return "helm"
    return "kustomize" if set(files) & set(KUSTOMIZATION_NAMES) else None


def _rendered_candidate(directory: Path, files: list[str], excludes: tuple[str, ...], found: Discovered) -> str | None:
    """A Kustomize directory or Helm chart becomes one candidate, rendered before evaluation."""
    rendered = rendered_kind(directory, files)
    display = display_path(directory)
    if rendered is None or any(fnmatch.fnmatch(display, p) or fnmatch.fnmatch(display + "/", p) for p in excludes):
        return None
    markers = [name for name in files if name == CHART_FILE or name in KUSTOMIZATION_NAMES]
    if any(fnmatch.fnmatch(display_path(directory / m), p) for m in markers for p in excludes):
        return None  # its kustomization (chart) file is excluded: the files are walked, and listed, as any others
    found.candidates.append(Candidate(directory, display, rendered, False))
    return rendered


def _skip_dir_reason(path: Path) -> str:
    if path.name in SKIP_DIRS:
        return f"directory not scanned: {path.name} is skipped by default"
    if path.is_symlink():
        return "symbolic link to a directory, not followed: name the target directory to scan it"
    return ""


def _walked_file(path: Path, excludes: tuple[str, ...], found: Discovered) -> None:
    display = display_path(path)
    if any(fnmatch.fnmatch(display, pattern) for pattern in excludes):
        found.skipped.append(Skipped(display, "excluded by configuration"))
        return
    kind = classify(path.name)
    if kind is None:
        found.skipped.append(Skipped(display, "not an input type soc2gate reads"))
        return
    what, problem = kind_of(path)
    if what == "file":
        found.candidates.append(Candidate(path, display, kind, False))
    else:
        found.skipped.append(Skipped(link_display(path), problem or "a directory with an input's name"))


def _unique(candidates: list[Candidate]) -> list[Candidate]:
    seen: set[str] = set()
    unique = []
    for candidate in candidates:
        key = os.path.realpath(candidate.path)
        if key not in seen:
            seen.add(key)
            unique.append(candidate)
    return unique
