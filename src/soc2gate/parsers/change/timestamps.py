"""Timestamps in change records: parsed leniently, written one way.

GitHub writes ``2019-05-15T15:20:38Z``, GitLab webhooks ``2018-12-12 16:15:21 UTC``.
Records carry ``YYYY-MM-DDTHH:MM:SS+00:00`` (UTC, RFC 3339 with a numeric offset), the
form both regorus and OPA/rego-cpp parse with ``time.parse_rfc3339_ns``.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

_GITLAB = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?) ?(UTC|[+-]\d{2}:?\d{2}|Z)?$")


class TimestampError(ValueError):
    """Not a date-time soc2gate understands."""


def parse_timestamp(value: Any) -> datetime:
    """A timezone-aware datetime; a value without a zone is taken as UTC."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and value.strip():
        moment = _parse_text(value.strip())
    else:
        raise TimestampError(f"expected an RFC 3339 date-time string, got {value!r}")
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _parse_text(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    match = _GITLAB.match(text)
    if match:
        zone = match.group(3) or "UTC"
        zone = "+00:00" if zone in ("UTC", "Z") else zone
        try:
            return datetime.fromisoformat(f"{match.group(1)}T{match.group(2)}{zone}")
        except ValueError:
            pass
    raise TimestampError(f"`{text}` is not an RFC 3339 date-time (e.g. 2024-05-01T12:00:00Z)")


def normalize_timestamp(value: Any) -> str:
    """``YYYY-MM-DDTHH:MM:SS+00:00`` in UTC (sub-second precision dropped)."""
    moment = parse_timestamp(value).astimezone(timezone.utc).replace(microsecond=0)
    return moment.isoformat()
