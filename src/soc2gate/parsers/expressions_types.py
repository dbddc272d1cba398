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


@dataclass(frozen=True)
class Failed(Unknown):
    """An evaluation error Terraform would report (missing attribute, bad function argument):
    unknown to every consumer except ``try``/``can``, which skip it as Terraform does."""


class _Unbound:
    """What a lookup answers for a name it does not define (then the name is a reference)."""

    def __repr__(self) -> str:
        return "UNBOUND"


UNBOUND = _Unbound()


class NotCovered(Exception):
    """The expression uses syntax or values the evaluator does not cover (the result is Unknown)."""
