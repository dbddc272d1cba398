"""Policy engines behind one Protocol; the registry names them explicitly."""

from __future__ import annotations

from typing import Callable

from soc2gate.engine.base import Engine
from soc2gate.errors import UsageError


def _regorus() -> Engine:
    from soc2gate.engine.regorus_engine import RegorusEngine

    return RegorusEngine()


ENGINES: dict[str, Callable[[], Engine]] = {"regorus": _regorus}


def get_engine(name: str) -> Engine:
    try:
        factory = ENGINES[name]
    except KeyError:
        raise UsageError(f"unknown engine `{name}`; known engines: {', '.join(sorted(ENGINES))}") from None
    return factory()
