"""Policy engines behind one Protocol; the registry names them explicitly."""

from __future__ import annotations

from typing import Any, Callable, Mapping

from soc2gate.engine.base import Engine
from soc2gate.errors import UsageError


def _regorus(settings: Mapping[str, Any]) -> Engine:
    from soc2gate.engine.regorus_engine import RegorusEngine

    from soc2gate.engine.regorus_engine import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_S

    return RegorusEngine(timeout_s=float(settings.get("eval_timeout_s", DEFAULT_TIMEOUT_S)),
                         memory_mb=int(settings.get("eval_memory_mb", DEFAULT_MEMORY_MB)))


def _opa(settings: Mapping[str, Any]) -> Engine:
    from soc2gate.engine.opa_engine import OpaEngine

    return OpaEngine.from_settings(settings)


ENGINES: dict[str, Callable[[Mapping[str, Any]], Engine]] = {"regorus": _regorus, "opa": _opa}


def get_engine(name: str, settings: Mapping[str, Any] | None = None) -> Engine:
    """The engine ``name``, built with its settings (e.g. the OPA server's URL)."""
    try:
        factory = ENGINES[name]
    except KeyError:
        raise UsageError(f"unknown engine `{name}`; known engines: {', '.join(sorted(ENGINES))}") from None
    return factory(settings or {})
