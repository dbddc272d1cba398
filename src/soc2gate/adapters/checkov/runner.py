"""checkov as an extra finding source: run it as a subprocess, in its own environment.

checkov is not a Rego engine.  ``api.scan`` starts it (when asked) on the same paths as
the native scan, lets it run in parallel, then hands its results to
``adapters/checkov/merge.py``.  A missing, failing or timed-out checkov becomes a SYS-006
finding carrying checkov's own message: never a crash, never a pass.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Mapping

from soc2gate.adapters.checkov.results import CheckovResult, parse_output
from soc2gate.diagnostics import sys_finding
from soc2gate.errors import ConfigError
from soc2gate.model import Finding

FRAMEWORKS = ("terraform", "terraform_plan", "kubernetes")
DEFAULT_TIMEOUT = 900.0
INSTALL_HINT = ("install checkov in its own environment: `pipx install 'checkov>=3.3,<3.4'`, or "
                "`python3 -m venv ~/.venvs/checkov && ~/.venvs/checkov/bin/pip install 'checkov>=3.3,<3.4'` "
                "and pass --checkov-bin ~/.venvs/checkov/bin/checkov")
_TAIL = 1500


@dataclass(frozen=True)
class CheckovSettings:
    """How to run checkov: from ``--checkov-bin`` / ScanOptions, else the ``checkov`` config section."""

    binary: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    frameworks: tuple[str, ...] = FRAMEWORKS

    @classmethod
    def resolve(cls, binary: str | None, section: Mapping[str, Any]) -> CheckovSettings:
        return cls(binary=binary or section.get("bin") or None,
                   timeout=float(section.get("timeout_seconds", DEFAULT_TIMEOUT)),
                   frameworks=tuple(section.get("frameworks", FRAMEWORKS)))


@dataclass
class CheckovRun:
    """What checkov reported: results, SYS-006 problems, and how it was run."""

    results: list[CheckovResult] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)
    version: str = ""
    commands: list[list[str]] = field(default_factory=list)
    seconds: float = 0.0


def shared_install_problem(binary: str | None, search_path: list[str] | None = None,
                           prefix: str | None = None) -> str | None:
    """Why checkov shares soc2gate's environment (which breaks python-hcl2), or None.

    checkov depends on bc-python-hcl2, which installs into the same ``hcl2`` package as
    python-hcl2 and replaces it: soc2gate's Terraform parser then breaks.
    """
    from importlib import metadata  # only when checkov runs: ~45 ms on every start otherwise

    try:
        found = metadata.distribution("bc-python-hcl2") if search_path is None else next(
            iter(metadata.distributions(name="bc-python-hcl2", path=search_path)))
    except (metadata.PackageNotFoundError, StopIteration):
        found = None
    if found is not None:
        return (f"bc-python-hcl2 {found.version} (a checkov dependency) is installed in soc2gate's Python "
                f"environment ({prefix or sys.prefix}); it overwrites python-hcl2's `hcl2` package and breaks "
                f"soc2gate's Terraform parser. Uninstall checkov and bc-python-hcl2 there, reinstall python-hcl2, "
                f"and {INSTALL_HINT}")
    if binary and _inside(Path(binary), Path(prefix or sys.prefix)):
        return (f"{binary} is installed in soc2gate's own Python environment ({prefix or sys.prefix}): "
                f"its dependency bc-python-hcl2 breaks python-hcl2; {INSTALL_HINT}")
    return None


def _inside(binary: Path, prefix: Path) -> bool:
    try:
        return binary.resolve().parent == (prefix / "bin").resolve()
    except OSError:
        return False


def find_binary(settings: CheckovSettings) -> str | None:
    """The checkov executable to run, or None when there is none."""
    if settings.binary:
        path = Path(settings.binary)
        return str(path) if path.is_file() and os.access(path, os.X_OK) else None
    return shutil.which("checkov")


def commands(binary: str, paths: list[str], frameworks: tuple[str, ...]) -> list[list[str]]:
    """One checkov command for the directories, one for the files (checkov takes -d or -f, not both)."""
    base = [binary, "-o", "json", "--skip-download", "--framework", *frameworks]
    dirs = [p for p in paths if Path(p).is_dir()]
    files = [p for p in paths if not Path(p).is_dir()]
    runs = []
    if dirs:
        runs.append(base + [arg for d in dirs for arg in ("-d", d)])
    if files:
        runs.append(base + ["-f", *files])
    return runs


class PendingCheckov:
    """checkov processes started in the background; ``finish`` waits and reads them."""

    def __init__(self, settings: CheckovSettings, paths: list[str]) -> None:
        self.settings = settings
        self.started = time.perf_counter()
        self.run = CheckovRun()
        self._procs: list[tuple[list[str], subprocess.Popen[bytes], IO[bytes], IO[bytes]]] = []
        binary = find_binary(settings)
        if binary is None:
            where = settings.binary or "`checkov` on PATH"
            self._problem("", f"checkov was requested but {where} is not an executable: {INSTALL_HINT}")
            return
        self.run.commands = commands(binary, paths, settings.frameworks)
        for command in self.run.commands:
            self._spawn(command)

    def _problem(self, file: str, message: str) -> None:
        self.run.problems.append(sys_finding("SYS-006", file, 0, message, resource="checkov"))

    def _spawn(self, command: list[str]) -> None:
        out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()  # noqa: SIM115 - closed in finish/cancel
        env = {**os.environ, "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING")}
        try:
            proc = subprocess.Popen(command, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                    start_new_session=True, env=env)
        except OSError as exc:
            out.close()
            err.close()
            self._problem("", f"cannot start {command[0]}: {exc.strerror or exc}")
            return
        self._procs.append((command, proc, out, err))

    def finish(self) -> CheckovRun:
        """Wait (up to the timeout, counted from the start) and parse every command's output."""
        for command, proc, out, err in self._procs:
            code = self._wait(command, proc)
            if code is not None:
                out.seek(0)
                err.seek(0)
                self._read(command, code, out.read(), err.read())
            out.close()
            err.close()
        self._procs = []
        self.run.seconds = round(time.perf_counter() - self.started, 4)
        return self.run

    def _wait(self, command: list[str], proc: subprocess.Popen[bytes]) -> int | None:
        remaining = self.settings.timeout - (time.perf_counter() - self.started)
        try:
            return proc.wait(timeout=max(remaining, 0.1))
        except subprocess.TimeoutExpired:
            _kill(proc)
            self._problem("", f"checkov timed out after {self.settings.timeout:g} s and was stopped "
                              f"(raise checkov.timeout_seconds in .soc2gate.yaml): {' '.join(command)}")
            return None

    def cancel(self) -> None:
        """Stop whatever is still running (the native scan failed before merging)."""
        for _, proc, out, err in self._procs:
            _kill(proc)
            out.close()
            err.close()
        self._procs = []

    def _read(self, command: list[str], code: int, stdout: bytes, stderr: bytes) -> None:
        message = _tail(stderr)
        if code not in (0, 1):
            self._problem("", f"checkov failed (exit {code}): {message or 'no message'}")
            return
        try:
            results, errors, version = parse_output(stdout)
        except ValueError as exc:
            self._problem("", f"checkov printed no readable JSON ({exc}); its messages: {message or 'none'}")
            return
        self.run.results.extend(results)
        self.run.version = self.run.version or version
        for path in errors:
            self._problem(path, f"{path}: checkov could not parse this file, so checkov checked nothing in it")


def start_run(settings: CheckovSettings, paths: list[str]) -> PendingCheckov:
    """Start checkov in the background, after refusing an environment it would break."""
    problem = shared_install_problem(find_binary(settings))
    if problem:
        raise ConfigError(problem)
    return PendingCheckov(settings, paths)


def _kill(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()


def _tail(stderr: bytes) -> str:
    text = stderr.decode("utf-8", "replace").strip()
    return text[-_TAIL:] if len(text) > _TAIL else text
