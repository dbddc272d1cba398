"""Expiry arithmetic across time zones and on the expiry day itself; the clock is always injected."""

from __future__ import annotations

import textwrap
from datetime import date, datetime, timezone
from functools import lru_cache
from pathlib import Path

import pytest

from soc2gate.api import Gate, ScanOptions, scan
from soc2gate.model import Outcome
from soc2gate.waivers.expiry import (
    DateProblem,
    days_left,
    is_expired,
    lifetime_problem,
    load_zone,
    parse_day,
    parse_deadline,
)

UTC = timezone.utc


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.mark.parametrize(("zone", "expires", "still_valid", "expired"), [
    ("UTC", "2025-01-31", "2025-01-31T23:59:59+00:00", "2025-02-01T00:00:00+00:00"),
    # Auckland is UTC+13 in January: its 31 January ends at 11:00 UTC
    ("Pacific/Auckland", "2025-01-31", "2025-01-31T10:59:59+00:00", "2025-01-31T11:00:00+00:00"),
    # Los Angeles switches to daylight time on 9 March 2025: the day ends at 07:00 UTC (PDT, UTC-7)
    ("America/Los_Angeles", "2025-03-09", "2025-03-10T06:59:59+00:00", "2025-03-10T07:00:00+00:00"),
    # and back on 2 November: that day has 25 hours and ends at 08:00 UTC (PST, UTC-8)
    ("America/Los_Angeles", "2025-11-02", "2025-11-03T07:59:59+00:00", "2025-11-03T08:00:00+00:00"),
    ("Asia/Kolkata", "2025-06-30", "2025-06-30T18:29:59+00:00", "2025-06-30T18:30:00+00:00"),
])
def test_date_expires_at_the_end_of_that_day_in_the_waiver_time_zone(zone: str, expires: str, still_valid: str,
                                                                      expired: str) -> None:
    tz = load_zone(zone)
    deadline = parse_deadline(expires, tz)
    assert not is_expired(deadline, _at(still_valid))
    assert is_expired(deadline, _at(expired))
    assert days_left(deadline, _at(still_valid), tz) == 0  # the expiry day itself: still valid, 0 days left
    assert deadline.last_day == date.fromisoformat(expires)


def test_clock_time_zone_does_not_matter_only_the_instant() -> None:
    deadline = parse_deadline("2025-01-31", UTC)
    same_instant_in_tokyo = _at("2025-02-01T08:59:59+09:00")  # = 2025-01-31T23:59:59Z
    assert not is_expired(deadline, same_instant_in_tokyo)
    assert is_expired(deadline, _at("2025-02-01T09:00:00+09:00"))
    assert not is_expired(deadline, datetime(2025, 1, 31, 23, 59, 59))  # a naive clock is read as UTC


def test_timestamps_expire_at_their_instant() -> None:
    berlin = load_zone("Europe/Berlin")
    deadline = parse_deadline("2025-03-31T17:00:00+02:00", UTC)
    assert deadline.instant == _at("2025-03-31T15:00:00+00:00") and deadline.last_day == date(2025, 3, 31)
    assert not is_expired(deadline, _at("2025-03-31T14:59:59+00:00")) and is_expired(deadline, _at("2025-03-31T15:00:00+00:00"))
    local = parse_deadline("2025-03-31T00:00:00", berlin)  # no offset: read in the waiver zone
    assert local.instant == _at("2025-03-30T22:00:00+00:00") and local.last_day == date(2025, 3, 30)
    assert parse_deadline(datetime(2025, 3, 31, 12, tzinfo=UTC), UTC).text == "2025-03-31T12:00:00+00:00"
    assert parse_deadline(date(2025, 3, 31), UTC).text == "2025-03-31"  # YAML gives a date object


def test_days_left_counts_calendar_days_in_the_waiver_zone() -> None:
    auckland = load_zone("Pacific/Auckland")
    deadline = parse_deadline("2025-01-31", auckland)
    assert days_left(deadline, _at("2025-01-29T10:00:00+00:00"), auckland) == 2  # 29 Jan, 23:00 in Auckland
    assert days_left(deadline, _at("2025-01-29T12:00:00+00:00"), auckland) == 1  # already 30 Jan there
    assert days_left(deadline, _at("2025-01-29T12:00:00+00:00"), UTC) == 2


@pytest.mark.parametrize("text", ["31/01/2025", "2025-1-31", "2025-02-29", "tomorrow", "", 20250131])
def test_bad_dates_are_rejected(text: object) -> None:
    with pytest.raises(DateProblem):
        parse_deadline(text, UTC)


def test_unknown_zone_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown time zone `Mars/Base`"):
        load_zone("Mars/Base")


def test_lifetime_limit() -> None:
    now = _at("2025-01-15T12:00:00+00:00")
    ninety = parse_deadline("2025-04-01", UTC)  # 2025-01-01 + 90 days
    assert lifetime_problem(ninety, date(2025, 1, 1), now, UTC, 90) is None
    assert "lifetime of 91 days" in lifetime_problem(parse_deadline("2025-04-02", UTC), date(2025, 1, 1), now, UTC, 90)
    assert lifetime_problem(parse_deadline("2025-04-15", UTC), None, now, UTC, 90) is None  # counted from today
    assert "from today" not in (lifetime_problem(parse_deadline("2025-04-16", UTC), None, now, UTC, 90) or "x")
    assert "(today to 2025-04-16)" in lifetime_problem(parse_deadline("2025-04-16", UTC), None, now, UTC, 90)
    assert "before it was created" in lifetime_problem(ninety, date(2025, 4, 5), now, UTC, 90)
    assert "in the future" in lifetime_problem(ninety, date(2025, 1, 16), now, UTC, 90)
    # "today" is the waiver zone's today: at 12:00 UTC on 15 January it is already 16 January in Auckland
    auckland = load_zone("Pacific/Auckland")
    assert lifetime_problem(parse_deadline("2025-04-16", auckland), None, now, auckland, 90) is None
    assert parse_day("2025-01-16T00:30:00+13:00", UTC) == date(2025, 1, 15)


# --- through the gate, with the clock injected ----------------------------------------------------


@lru_cache(maxsize=1)
def _disabled() -> str:
    return ", ".join(p.id for p in Gate.load(ScanOptions()).bundle.policies if p.id != "TF-001")


def _outcomes(tmp_path: Path, zone: str, now: str) -> tuple[Outcome, list[str], tuple[str, ...]]:
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "data" {\n  bucket = "acme-data"\n}\n')
    (tmp_path / "c.yaml").write_text(textwrap.dedent(f"""\
        waivers:
          timezone: {zone}
          entries:
            - policy: TF-001
              selector: {{address: aws_s3_bucket.data}}
              reason: Legacy
              approved_by: alice
              created: 2025-01-01
              expires: 2025-01-31
        policies:
          disable: [{_disabled()}]
    """))
    result = scan(ScanOptions(paths=(str(tmp_path / "main.tf"),), config_path=str(tmp_path / "c.yaml"),
                              now=_at(now), use_cache=False))
    [finding] = [f for f in result.findings if f.policy_id == "TF-001"]
    return finding.outcome, [f.message for f in result.findings if f.policy_id == "SYS-004"], result.notes


def test_gate_on_the_expiry_day_and_the_day_after_in_auckland(tmp_path: Path) -> None:
    outcome, problems, notes = _outcomes(tmp_path, "Pacific/Auckland", "2025-01-31T10:59:59+00:00")
    assert outcome is Outcome.WAIVED and not problems
    assert any("expires 2025-01-31 (today)" in n for n in notes)
    outcome, problems, _ = _outcomes(tmp_path, "Pacific/Auckland", "2025-01-31T11:00:00+00:00")
    assert outcome is Outcome.FAIL and len(problems) == 1 and "expired on 2025-01-31" in problems[0]
    # the same instant is still 31 January in UTC: the waiver applies there
    outcome, problems, _ = _outcomes(tmp_path, "UTC", "2025-01-31T11:00:00+00:00")
    assert outcome is Outcome.WAIVED and not problems


def test_gate_a_day_before_expiry_warns_with_one_day_left(tmp_path: Path) -> None:
    outcome, _, notes = _outcomes(tmp_path, "UTC", "2025-01-30T08:00:00-05:00")
    assert outcome is Outcome.WAIVED and any("(in 1 day)" in n for n in notes)
