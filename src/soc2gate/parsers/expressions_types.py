"""The marker for values that cannot be known before apply (or without more input)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Unknown:
    """A value soc2gate will not guess; ``expression`` is what could not be resolved."""

    expression: str


@dataclass(frozen=True)
class Reference(Unknown):
    """An unknown value known to come from another resource (``address``; with the instance key
    when it is known: ``aws_s3_bucket.b["a"]``)."""

    address: str = ""
    scalar: bool = field(default=False, compare=False)  # a string attribute (``id``, ``arn``): never a list


@dataclass(frozen=True)
class Failed(Unknown):
    """An evaluation error Terraform would report (missing attribute, bad function argument):
    unknown to every consumer except ``try``/``can``, which skip it as Terraform does."""


@dataclass(frozen=True)
class Partial(Unknown):
    """A list or map whose shape is known but some elements are not (``{a = module.x.arn}``).

    Unknown to every consumer, except those that need only the shape: ``length``, ``keys``,
    ``for`` expressions, ``for_each`` (known keys give known instances) and indexing.
    ``value`` holds the elements, Unknown where unknown.
    """

    value: Any = field(default=None, compare=False, hash=False)


@dataclass(frozen=True)
class Template(Unknown):
    """A string template some of whose interpolations are unknown (``"arn:${data.p.partition}:s3:::b/*"``).

    Terraform refines such a result as a known, non-null string with a known prefix; the literal text
    between the unknown parts is just as certain.  ``parts`` holds that text (``str``) and the unknown
    parts (:class:`Unknown`) in order.  Unknown to every consumer except those that read the known
    text: equality with a known string, ``!= null``, other templates, and the policies
    (``r.partial``, policies/lib/partial.rego).
    """

    parts: tuple[Any, ...] = field(default=(), compare=False, hash=False)
    scalar = True  # certainly a string (never a list: ``flatten`` keeps it as one element)


@dataclass(frozen=True)
class Encoded(Unknown):
    """``jsonencode`` of a collection whose structure is known but some leaves are not: a string, the
    JSON text of ``value`` (elements Unknown where unknown)."""

    value: Any = field(default=None, compare=False, hash=False)
    scalar = True


def partial_or(text: str, value: Any) -> Any:
    """``value`` itself when no element is unknown, else Partial(text, value)."""
    items = value.values() if isinstance(value, dict) else value
    return Partial(text, value) if any(isinstance(v, Unknown) for v in items) else value


def shape(value: Any) -> Any:
    """The elements of a known or Partial collection (None when the shape is unknown)."""
    if isinstance(value, Partial):
        return value.value
    return None if isinstance(value, Unknown) else value


class _Unbound:
    """What a lookup answers for a name it does not define (then the name is a reference)."""

    def __repr__(self) -> str:
        return "UNBOUND"


UNBOUND = _Unbound()


class NotCovered(Exception):
    """The expression uses syntax or values the evaluator does not cover (the result is Unknown)."""
