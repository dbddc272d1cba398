"""A waiver as declared (central or inline), validated once, with its deadline and location."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone, tzinfo
from typing import Any, Mapping

from soc2gate.model import SourceSpan, Waiver
from soc2gate.waivers.expiry import DateProblem, Deadline, lifetime_problem, parse_day, parse_deadline

REQUIRED_FIELDS: tuple[str, ...] = ("reason", "approved_by", "expires")
OPTIONAL_FIELDS: tuple[str, ...] = ("ticket", "created")
INLINE_MODES: tuple[str, ...] = ("allow", "deny")


@dataclass(frozen=True)
class Settings:
    """The ``waivers`` section's policy knobs (defaults from the issue: 90 days, warn 14 days)."""

    inline: str = "allow"
    max_days: int = 90
    warn_days: int = 14
    zone: tzinfo = timezone.utc
    zone_name: str = "UTC"


@dataclass(frozen=True)
class Declared:
    """One well-formed waiver: the plain model object plus what the engine needs about it."""

    waiver: Waiver
    deadline: Deadline
    key: str = ""

    @property
    def exact(self) -> bool:
        """Inline waivers bind to their own resource literally; central selectors are globs."""
        return self.waiver.origin != "central"

    @property
    def where(self) -> str:
        span = self.waiver.span
        location = span.location() if span else ""
        return f"{location} ({self.key})" if self.key else location


class FieldProblem(ValueError):
    """A waiver field is missing or wrong; ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def build(fields: Mapping[str, Any], policy_id: str, selector: Mapping[str, str], origin: str,
          span: SourceSpan | None, settings: Settings, now: datetime, key: str = "") -> Declared:
    """Validate the mandatory fields, dates and lifetime; raise FieldProblem naming the field."""
    for name in REQUIRED_FIELDS:
        value = fields.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise FieldProblem(name, f"`{name}` is required (reason, approved_by and expires are mandatory)")
    for name in ("reason", "approved_by", "ticket"):
        if name in fields and not isinstance(fields[name], str):
            raise FieldProblem(name, f"`{name}` must be text")
    deadline = _field(fields, "expires", lambda v: parse_deadline(v, settings.zone))
    created = _field(fields, "created", lambda v: parse_day(v, settings.zone)) if fields.get("created") else None
    problem = lifetime_problem(deadline, created, now, settings.zone, settings.max_days)
    if problem:
        raise FieldProblem("created" if problem.startswith("created") else "expires", problem)
    waiver = Waiver(
        policy_id=policy_id,
        selector=dict(selector),
        reason=str(fields["reason"]).strip(),
        approved_by=str(fields["approved_by"]).strip(),
        expires=deadline.text,
        ticket=str(fields.get("ticket") or "").strip(),
        created=created.isoformat() if isinstance(created, date) else "",
        origin=origin,
        span=span,
    )
    return Declared(waiver, deadline, key)


def _field(fields: Mapping[str, Any], name: str, parse: Any) -> Any:
    try:
        return parse(fields[name])
    except DateProblem as exc:
        raise FieldProblem(name, str(exc)) from None
