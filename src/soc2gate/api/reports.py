"""Reports: a Result in an output format, and the text report's settings (colour, layout, snippets)."""

from __future__ import annotations

from typing import Any, Mapping

from soc2gate.model import Result
from soc2gate.reporters import get_renderer
from soc2gate.reporters.policyreport import documents
from soc2gate.reporters.snippets import read_snippets
from soc2gate.reporters.text_style import use_color as _use_color


def render(result: Result, fmt: str, color: bool = False, layout: str = "full", snippets: bool = False) -> str:
    """``result`` in output format ``fmt`` (one of ``FORMATS``); ``color``, ``layout`` (full, compact,
    quiet) and ``snippets`` (the code around each finding's line) apply to the text format only."""
    renderer = get_renderer(fmt)
    if fmt != "text":
        return renderer(result)
    return renderer(result, color=color, layout=layout,  # type: ignore[call-arg]
                    snippets=read_snippets(result) if snippets else None)


def use_color(mode: str, is_tty: bool, environ: Mapping[str, str]) -> bool:
    """Whether the text report is coloured: ``--color auto|always|never``, NO_COLOR, FORCE_COLOR, the terminal."""
    return _use_color(mode, is_tty, environ)


def policy_reports(result: Result) -> list[dict[str, Any]]:
    """The Kubernetes PolicyReport and ClusterPolicyReport objects of ``result`` (the monitor writes them)."""
    return documents(result)
