"""Policy engines behind one Protocol; the registry names them explicitly.

An engine's module is imported when the engine is asked for, so a run on the embedded
engine never loads the OPA client code (and the reverse).
"""

from __future__ import annotations

import importlib
from typing import Any, Mapping

from soc2gate.engine.base import Engine
from soc2gate.errors import UsageError

__all__ = ["ENGINES", "Engine", "get_engine"]

# name -> (module, factory: a callable taking the engine's settings)
ENGINES: dict[str, tuple[str, str]] = {
    "regorus": ("soc2gate.engine.regorus_engine", "RegorusEngine.from_settings"),
    "opa": ("soc2gate.engine.opa_engine", "OpaEngine.from_settings"),
}


def get_engine(name: str, settings: Mapping[str, Any] | None = None) -> Engine:
    """The engine ``name``, built with its settings (e.g. the OPA server's URL)."""
    try:
        module_name, factory_name = ENGINES[name]
    except KeyError:
        raise UsageError(f"unknown engine `{name}`; known engines: {', '.join(sorted(ENGINES))}") from None
    factory: Any = importlib.import_module(module_name)
    for part in factory_name.split("."):
        factory = getattr(factory, part)
    engine: Engine = factory(settings or {})
    return engine
