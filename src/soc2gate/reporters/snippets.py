"""Code around each reported finding's line, for ``--snippets`` (read before rendering, so that
``text.render`` stays a pure function of the Result and this mapping)."""

from __future__ import annotations

from pathlib import Path

from soc2gate.model import Outcome, Result

CONTEXT = 2


def read_snippets(result: Result, context: int = CONTEXT) -> dict[tuple[str, int], list[tuple[int, str]]]:
    """(file, line) -> [(line number, text)] for every shown finding whose file is readable."""
    files: dict[str, list[str] | None] = {}
    snippets: dict[tuple[str, int], list[tuple[int, str]]] = {}
    for finding in result.findings:
        span = finding.span
        if finding.outcome is Outcome.PASS or span is None or span.start_line <= 0:
            continue
        if span.file not in files:
            files[span.file] = _lines(span.file)
        lines = files[span.file]
        if not lines or span.start_line > len(lines):
            continue
        first, last = max(1, span.start_line - context), min(len(lines), span.start_line + context)
        snippets[(span.file, span.start_line)] = [(n, lines[n - 1].rstrip()) for n in range(first, last + 1)]
    return snippets


def _lines(file: str) -> list[str] | None:
    try:
        return Path(file).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
