"""Expiry arithmetic for waivers, in one configurable time zone, against an injected clock.

``expires: 2025-03-31`` means the waiver applies through the whole of 31 March in the
waiver time zone (``waivers.timezone``, default UTC) and no longer applies from midnight
that follows.  A full timestamp (``2025-03-31T17:00:00+02:00``) expires at that instant;
a timestamp without an offset is read in the waiver time zone.  Nothing here reads the
real clock: every function takes ``now``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class DateProblem(ValueError):
    """A waiver date cannot be read; the message says what was expected."""


@dataclass(frozen=True)
class Deadline:
    """When a waiver stops applying."""

    text: str          # as the user wrote it, normalized to ISO 8601
    instant: datetime  # first moment (UTC) at which the waiver no longer applies
    last_day: date     # last calendar day (waiver time zone) on which it applies


def load_zone(name: str) -> tzinfo:
    """The IANA time zone ``name``; ValueError when unknown."""
    if name.upper() == "UTC":
        return timezone.utc
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone `{name}` (expected an IANA name such as Europe/Berlin)") from exc


def aware(moment: datetime) -> datetime:
    """``moment`` with a time zone; a naive clock value is taken as UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def local_day(moment: datetime, zone: tzinfo) -> date:
    return aware(moment).astimezone(zone).date()


def parse_deadline(value: Any, zone: tzinfo) -> Deadline:
    """Read ``expires`` (a date, a timestamp, or their ISO 8601 text)."""
    parsed = _parse(value)
    if isinstance(parsed, datetime):
        moment = parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=zone)
        instant = moment.astimezone(timezone.utc)
        last = (instant - timedelta(microseconds=1)).astimezone(zone).date()
        return Deadline(moment.isoformat(), instant, last)
    start_of_next = datetime.combine(parsed + timedelta(days=1), time(0), tzinfo=zone)
    return Deadline(parsed.isoformat(), start_of_next.astimezone(timezone.utc), parsed)


def parse_day(value: Any, zone: tzinfo) -> date:
    """Read ``created`` as a calendar day in the waiver time zone."""
    parsed = _parse(value)
    if isinstance(parsed, datetime):
        return local_day(parsed if parsed.tzinfo else parsed.replace(tzinfo=zone), zone)
    return parsed


def _parse(value: Any) -> date | datetime:
    if isinstance(value, datetime | date):
        return value
    if not isinstance(value, str) or not value.strip():
        raise DateProblem(f"expected a date YYYY-MM-DD or an ISO 8601 timestamp, got {value!r}")
    text = value.strip()
    try:
        return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
    except ValueError:
        raise DateProblem(f"`{text}` is not a valid date: expected YYYY-MM-DD or an ISO 8601 timestamp") from None


def days_left(deadline: Deadline, now: datetime, zone: tzinfo) -> int:
    """Whole days from today (waiver time zone) to the last day it applies; 0 on that day."""
    return (deadline.last_day - local_day(now, zone)).days


def is_expired(deadline: Deadline, now: datetime) -> bool:
    return aware(now) >= deadline.instant


def lifetime_problem(deadline: Deadline, created: date | None, now: datetime, zone: tzinfo,
                     max_days: int) -> str | None:
    """Why the waiver's lifetime is not allowed, or None.

    The lifetime runs from ``created`` (or, when absent, from today) to the last day.
    """
    start = created if created is not None else local_day(now, zone)
    if created is not None and deadline.last_day < created:
        last_day = deadline.last_day.isoformat()
        last = "" if deadline.text == last_day else f", last valid day {last_day}"
        return f"expires ({deadline.text}{last}) before it was created ({created.isoformat()})"
    if created is not None and created > local_day(now, zone):
        return f"created date {created.isoformat()} is in the future"
    length = (deadline.last_day - start).days
    if length > max_days:
        origin = f"created {created.isoformat()}" if created is not None else "today"
        return (f"lifetime of {length} days ({origin} to {deadline.last_day.isoformat()}) exceeds the maximum "
                f"of {max_days} days (waivers.max_days)")
    return None
