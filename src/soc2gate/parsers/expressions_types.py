"""The marker for values that cannot be known before apply (or without more input)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Unknown:
    """A value soc2gate will not guess; ``expression`` is what could not be resolved."""

    expression: str


@dataclass(frozen=True)
class Reference(Unknown):
    """An unknown value known to come from another resource (``address``, without indexes)."""

    address: str = ""
