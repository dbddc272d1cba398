"""Reporters: one module per format, each a pure ``render(result) -> str``."""

from __future__ import annotations

import importlib
from typing import Callable

from soc2gate.errors import UsageError
from soc2gate.model import Result

Renderer = Callable[[Result], str]

REPORTERS: dict[str, str] = {
    "text": "soc2gate.reporters.text",
    "json": "soc2gate.reporters.json_report",
    "junit": "soc2gate.reporters.junit",
    "sarif": "soc2gate.reporters.sarif",
    "markdown": "soc2gate.reporters.markdown",
    "policyreport": "soc2gate.reporters.policyreport",
}


def get_renderer(name: str) -> Renderer:
    """The render function of format ``name``; an unknown name is a usage error."""
    try:
        module_name = REPORTERS[name]
    except KeyError:
        raise UsageError(f"unknown output format `{name}`; known formats: {', '.join(sorted(REPORTERS))}") from None
    return importlib.import_module(module_name).render  # type: ignore[no-any-return]
