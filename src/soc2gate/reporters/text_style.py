"""Terminal conventions of the text report: colour choice (NO_COLOR, FORCE_COLOR, --color) and
aligned columns that stay aligned when colour is on (cells are padded before they are painted)."""

from __future__ import annotations

from typing import Mapping, Sequence

COLOR_MODES: tuple[str, ...] = ("auto", "always", "never")
_CODES = {"fail": "31", "error": "31", "inconclusive": "33", "waived": "36", "pass": "32", "bold": "1",
          "dim": "2", "critical": "1;31", "high": "31", "medium": "33", "low": "36", "info": "2"}


def use_color(mode: str, is_tty: bool, environ: Mapping[str, str]) -> bool:
    """``--color always|never`` wins; ``auto`` honours NO_COLOR (any non-empty value: off), then
    FORCE_COLOR (non-empty and not ``0``: on), then whether the stream is a terminal."""
    if mode not in COLOR_MODES:
        raise ValueError(f"--color must be one of {', '.join(COLOR_MODES)}")
    if mode != "auto":
        return mode == "always"
    if environ.get("NO_COLOR"):
        return False
    force = environ.get("FORCE_COLOR")
    if force is not None and force not in ("", "0", "false"):
        return True
    return is_tty and environ.get("TERM") != "dumb"


def paint(text: str, style: str, color: bool) -> str:
    code = _CODES.get(style)
    return f"\033[{code}m{text}\033[0m" if color and code and text else text


def table(rows: Sequence[Sequence[tuple[str, str]]], color: bool, indent: str = "  ") -> list[str]:
    """Rows of (text, style) cells, left-aligned in columns; the last cell is not padded."""
    if not rows:
        return []
    widths = [max(len(row[i][0]) for row in rows if i < len(row)) for i in range(max(len(r) for r in rows))]
    lines = []
    for row in rows:
        cells = []
        for i, (text, style) in enumerate(row):
            padded = text if i == len(row) - 1 else text.ljust(widths[i])
            cells.append(paint(padded, style, color) if style else padded)
        lines.append((indent + "  ".join(cells)).rstrip())
    return lines
