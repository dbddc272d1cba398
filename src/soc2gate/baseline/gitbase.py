"""The base revision of a comparison, read from git without touching the working tree.

``checkout(ref, paths)`` resolves ``ref`` to a commit, prefers the merge base of that commit
and ``HEAD`` (what a pull request introduces, as semgrep's ``--baseline-commit`` does), and
extracts that tree with ``git archive`` into a temporary directory (links leaving the tree,
devices and absolute names refused by ``tarfile``'s ``data`` filter).  Nothing is written to
the repository: no index, no worktree list, no checkout.  ``Base.paths`` are the scanned
paths inside that copy, ``Base.to_head`` maps a reported file back to the name the head run
gives the same file, and ``changed_files`` lists what differs between the base and the
working tree (committed, staged, unstaged and untracked), for annotations.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from soc2gate.config import Config
from soc2gate.errors import UsageError

TIMEOUT = 300


def git(args: Sequence[str], cwd: str | Path, check: bool = True) -> str:
    """Run git; a failure is a UsageError quoting git's own message."""
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT, check=False,
                              env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"})
    except FileNotFoundError:
        raise UsageError("--diff-base needs git on PATH") from None
    except subprocess.TimeoutExpired:
        raise UsageError(f"git {' '.join(args[:2])} did not finish within {TIMEOUT} s") from None
    if check and done.returncode != 0:
        detail = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
        raise UsageError(f"git {' '.join(args[:2])} failed: {detail}")
    return done.stdout if done.returncode == 0 else ""


@dataclass
class Base:
    """The extracted base revision of a comparison."""

    ref: str
    commit: str
    merge_base: bool
    root: Path               # the repository's top level (head)
    copy: Path               # the extracted base tree
    paths: tuple[str, ...] = ()
    skipped: list[str] = field(default_factory=list)
    fetched: bool = False    # the commit was fetched into a shallow clone first
    started: float = 0.0     # perf_counter() when the comparison began
    config: Config = field(default_factory=Config)  # the head's configuration, excludes anchored in the copy

    @property
    def copy_cwd(self) -> Path:
        """Where the current directory lies inside the copy."""
        return self.copy / Path.cwd().resolve().relative_to(self.root)

    def excludes(self, patterns: Sequence[str]) -> list[str]:
        """The configuration's exclude globs, also anchored in the copy (they match cwd-relative names)."""
        return [*patterns, *(f"{self.copy_cwd}{os.sep}{p}" for p in patterns)]

    def to_head(self, text: str) -> str:
        """A path (or a message quoting one) as the head run names the same file."""
        inside = str(self.copy_cwd) + os.sep
        if inside in text:
            text = text.replace(inside, "")
        prefix = str(self.copy) + os.sep
        while prefix in text:
            start = text.index(prefix)
            end = _path_end(text, start)
            relative = text[start + len(prefix):end]
            text = text[:start] + os.path.relpath(self.root / relative, Path.cwd()) + text[end:]
        return text

    def describe(self) -> dict[str, object]:
        return {"ref": self.ref, "commit": self.commit, "merge_base": self.merge_base}


def _path_end(text: str, start: int) -> int:
    for end in range(start, len(text)):
        if text[end] in " :\t\n'\"`,)":
            return end
    return len(text)


def repository_root() -> Path:
    out = git(["rev-parse", "--show-toplevel"], Path.cwd(), check=False).strip()
    if not out:
        raise UsageError("--diff-base needs the current directory to be inside a git repository")
    return Path(out).resolve()


def fetch_missing(ref: str, remote: str = "origin") -> bool:
    """Fetch commit ``ref`` (a full SHA, as a pull request event gives it) when the clone lacks it;
    whether it was fetched.  A shallow clone stays shallow (``--depth=1``), a full one stays full.
    Only objects are added: the working tree, index and branches stay as they are."""
    root = repository_root()
    if not re.fullmatch(r"[0-9a-f]{40}", ref) or _has_commit(ref, root):
        return False
    shallow = git(["rev-parse", "--is-shallow-repository"], root, check=False).strip() == "true"
    git(["fetch", "--no-tags", "--quiet", *(["--depth=1"] if shallow else []), remote, ref], root, check=False)
    return _has_commit(ref, root)


def _has_commit(ref: str, root: Path) -> bool:
    return git(["cat-file", "-t", f"{ref}^{{commit}}"], root, check=False).strip() == "commit"


def resolve(ref: str, root: Path) -> tuple[str, bool]:
    """(commit to compare with, whether it is the merge base of ``ref`` and HEAD)."""
    if not ref.strip() or ref.startswith("-"):
        raise UsageError(f"--diff-base: `{ref}` is not a git revision")
    commit = git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"], root, check=False).strip()
    if not commit:
        raise UsageError(f"--diff-base: `{ref}` is not a commit in {root} (with a shallow clone, fetch it first: "
                         f"`git fetch --depth=1 origin {ref}`, or check out with fetch-depth: 0)")
    merge_base = git(["merge-base", commit, "HEAD"], root, check=False).strip()
    return (merge_base, True) if merge_base else (commit, False)


def map_paths(paths: Sequence[str], root: Path, copy: Path) -> tuple[str, ...]:
    """The scanned paths inside the copy, those that exist there (a path the change adds has no base)."""
    mapped = []
    for given in paths:
        resolved = Path(given).resolve()
        if not resolved.is_relative_to(root):
            raise UsageError(f"--diff-base: {given} lies outside the git repository {root}")
        target = copy / resolved.relative_to(root)
        if target.exists() or target.is_symlink():
            mapped.append(str(target))
    if not mapped:  # every scanned path is new: the base has nothing there
        (copy / ".soc2gate-empty").mkdir()
        mapped.append(str(copy / ".soc2gate-empty"))
    return tuple(mapped)


def extract(commit: str, root: Path, into: Path) -> list[str]:
    """Write the tree of ``commit`` into ``into``; the names refused by the data filter."""
    refused: list[str] = []
    process = subprocess.Popen(["git", "archive", "--format=tar", commit], cwd=root, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    assert process.stdout is not None
    try:
        with tarfile.open(fileobj=process.stdout, mode="r|") as archive:
            for member in archive:
                try:
                    archive.extract(member, into, filter="data")
                except (tarfile.FilterError, OSError) as exc:
                    refused.append(f"{member.name}: {exc}")
    except tarfile.TarError as exc:
        process.kill()
        raise UsageError(f"--diff-base: cannot read the tree of {commit[:12]}: {exc}") from None
    finally:
        process.stdout.close()
        stderr = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
        code = process.wait()
    if code != 0:
        raise UsageError(f"--diff-base: git archive {commit[:12]} failed: {stderr.strip()[-300:]}")
    return refused


@contextmanager
def checkout(ref: str, paths: Sequence[str], config: Config) -> Iterator[Base]:
    """The base revision extracted to a temporary directory, removed afterwards.  A full commit
    SHA missing from a shallow clone (the Action's pull-request base) is fetched first."""
    if not paths:
        raise UsageError("--diff-base compares files in a git repository: give PATHs (it cannot read `-`)")
    started = time.perf_counter()
    fetched = fetch_missing(ref)
    root = repository_root()
    commit, merge_base = resolve(ref, root)
    copy = Path(tempfile.mkdtemp(prefix="soc2gate-base-")).resolve()
    try:
        refused = extract(commit, root, copy)
        base = Base(ref, commit, merge_base, root, copy, map_paths(paths, root, copy), refused, fetched, started)
        base.config = replace(config, data={**config.data, "exclude": base.excludes(config.get("exclude", []))})
        yield base
    finally:
        shutil.rmtree(copy, ignore_errors=True)


def changed_files(base: Base) -> list[str]:
    """Files that differ between the base and the working tree, named as the head run names them."""
    diff = git(["diff", "--name-only", "--no-renames", "-z", base.commit, "--"], base.root)
    untracked = git(["ls-files", "--others", "--exclude-standard", "-z"], base.root)
    names = sorted({n for n in (diff + untracked).split("\0") if n})
    return [os.path.relpath(base.root / name, Path.cwd()) for name in names]
