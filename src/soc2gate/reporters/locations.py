"""Where a finding is shown in the repository (SARIF results, annotations): pure functions of the finding.

A change-record (CC8.1) finding's own file is a CI event outside the repository, so it is placed on
the workflow file that ran the gate (``finding.related["location"]``, set from the change record)
or, without one, on the documented pseudo-location ``.soc2gate/change-records/<record id>``.
"""

from __future__ import annotations

from pathlib import Path

from soc2gate.model import Finding

CHANGE_PSEUDO_ROOT = ".soc2gate/change-records"


def repo_path(file: str) -> str | None:
    """The finding's file as a repository-relative POSIX path, or None when it is not a file in the
    repository (no file, standard input, an absolute path outside the working directory such as
    the pull-request event at $GITHUB_EVENT_PATH)."""
    if not file or file.startswith("<"):
        return None
    path = Path(file)
    if path.is_absolute():
        try:
            path = path.resolve().relative_to(Path.cwd().resolve())
        except ValueError:
            return None
    return path.as_posix()


def change_location(finding: Finding) -> tuple[str, int] | None:
    """(repository path, line) of a change-record finding read from outside the repository: the
    workflow file that ran the gate, else the pseudo-location.  None for any other finding."""
    if finding.surface != "change":
        return None
    location = finding.related.get("location")
    if isinstance(location, dict) and location.get("file"):
        return str(location["file"]), int(location.get("line") or 1)
    if finding.span is not None and repo_path(finding.span.file) is not None:
        return None  # a record kept in the repository is shown on its own file
    return f"{CHANGE_PSEUDO_ROOT}/{finding.resource.removeprefix('change/')}", 1


def path_and_lines(finding: Finding) -> tuple[str, int, int] | None:
    placed = change_location(finding)
    if placed is not None:
        return placed[0], placed[1], placed[1]
    span = finding.span
    path = repo_path(span.file) if span is not None else None
    if span is None or path is None:
        return None
    return path, span.start_line, max(span.end_line, span.start_line)
