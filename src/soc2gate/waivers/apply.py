"""Apply waivers to findings and report every waiver's state.

* a FAIL or INCONCLUSIVE finding covered by a live waiver becomes WAIVED with ``.waiver`` set;
* an expired waiver no longer applies: the findings it covered fail again, and the waiver is
  a failing SYS-004 finding at its file:line, as are malformed and (with
  ``waivers.inline: deny``) forbidden inline waivers.  An expired waiver that covers no
  failing finding in this run (its resources pass, or are not part of this run, as in one
  admission request) is a warning, so a stale central waiver does not fail unrelated runs;
* expiring-soon and unused waivers are warnings (``Result.notes``);
* ``extras["waivers"]`` lists every declared waiver with its state for the JSON report.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Collection, Sequence

from soc2gate.config import Config
from soc2gate.diagnostics import sys_finding
from soc2gate.model import Finding, Outcome, Resource
from soc2gate.waivers.central import load_central, load_settings
from soc2gate.waivers.declared import Declared, Settings
from soc2gate.waivers.expiry import aware, days_left, is_expired
from soc2gate.waivers.inline import collect_inline, validate
from soc2gate.waivers.match import describe, finding_facts, selector_matches

WAIVABLE = (Outcome.FAIL, Outcome.INCONCLUSIVE)


@dataclass(frozen=True)
class Applied:
    findings: list[Finding]
    notes: tuple[str, ...]
    extras: dict[str, Any]


@dataclass
class _Usage:
    """What one run did with each declared waiver (by position)."""

    waived: dict[int, list[str]] = field(default_factory=dict)
    expired: dict[int, list[str]] = field(default_factory=dict)
    passing: dict[int, list[str]] = field(default_factory=dict)


class WaiverSet:
    """The central waivers of a configuration; inline ones are read per run from the resources."""

    def __init__(self, settings: Settings, central: Sequence[Declared], policy_ids: Collection[str]) -> None:
        self.settings = settings
        self.central = list(central)
        self.policy_ids = frozenset(policy_ids)

    @classmethod
    def from_config(cls, config: Config, policy_ids: Collection[str], now: datetime) -> WaiverSet:
        settings = load_settings(config)
        return cls(settings, load_central(config, policy_ids, aware(now), settings), policy_ids)

    def declared(self, resources: Sequence[Resource],
                 now: datetime) -> tuple[list[Declared], list[Declared], list[Finding]]:
        """(waivers that count, forbidden inline waivers, SYS-004 problems)."""
        texts, problems = collect_inline(resources)
        inline, invalid = validate(texts, self.policy_ids, self.settings, aware(now))
        problems = _unique(problems + invalid)
        if self.settings.inline == "deny":
            problems += [_forbidden(d) for d in inline]
            return list(self.central), inline, problems
        return list(self.central) + inline, [], problems

    def apply(self, findings: Sequence[Finding], resources: Sequence[Resource], now: datetime) -> Applied:
        now = aware(now)
        declared, forbidden, problems = self.declared(resources, now)
        index = {(r.address, r.span.file): r for r in reversed(resources)}
        usage = _Usage()
        out = [self._one(f, index, declared, now, usage) for f in findings]
        problems += [_expired(d, usage.expired[i]) for i, d in enumerate(declared) if i in usage.expired]
        notes = self._notes(declared, usage, now)
        states = [self.state(d, now, usage, i) for i, d in enumerate(declared)]
        states += [{**self.state(d, now), "state": "forbidden"} for d in forbidden]
        return Applied(out + problems, tuple(notes), {"waivers": states})

    def listing(self, resources: Sequence[Resource], now: datetime) -> tuple[list[dict[str, Any]], list[Finding]]:
        """Every waiver's state (without usage: nothing is evaluated), and waiver problems."""
        now = aware(now)
        declared, forbidden, problems = self.declared(resources, now)
        states = [self.state(d, now) for d in declared]
        states += [{**self.state(d, now), "state": "forbidden"} for d in forbidden]
        return states, problems

    def _one(self, finding: Finding, index: dict, declared: list[Declared], now: datetime, usage: _Usage) -> Finding:
        if finding.waiver is not None or finding.policy_id.startswith("SYS-"):
            return finding
        file = finding.span.file if finding.span else ""
        facts = finding_facts(finding, index.get((finding.resource, file)))
        hits = [i for i, d in enumerate(declared) if d.waiver.policy_id == finding.policy_id
                and selector_matches(d.waiver.selector, facts, d.exact)]
        if finding.outcome not in WAIVABLE:
            for i in hits:
                usage.passing.setdefault(i, []).append(finding.resource)
            return finding
        live = [i for i in hits if not is_expired(declared[i].deadline, now)]
        for i in hits:
            target = usage.waived if i in live else usage.expired
            target.setdefault(i, []).append(finding.resource)
        if not live:
            return finding
        chosen = max(live, key=lambda i: declared[i].deadline.instant)
        return replace(finding, outcome=Outcome.WAIVED, waiver=declared[chosen].waiver)

    def _notes(self, declared: list[Declared], usage: _Usage, now: datetime) -> list[str]:
        notes = []
        for i, d in enumerate(declared):
            if is_expired(d.deadline, now):
                if i not in usage.expired:
                    notes.append(f"expired waiver: {label(d)} expired on {d.waiver.expires} and covers no failing "
                                 f"finding in this run: remove it [{d.where}]")
                continue
            left = days_left(d.deadline, now, self.settings.zone)
            if left <= self.settings.warn_days:
                when = "today" if left == 0 else f"in {left} day{'s' if left != 1 else ''}"
                notes.append(f"waiver expiring soon: {label(d)} expires {d.waiver.expires} ({when}); "
                             f"renew the approval or fix the finding [{d.where}]")
            if i not in usage.waived:
                why = ("the resources it covers pass: remove it" if i in usage.passing
                       else "it matches no failing finding in this run")
                notes.append(f"unused waiver: {label(d)}: {why} [{d.where}]")
        return notes

    def state(self, d: Declared, now: datetime, usage: _Usage | None = None, index: int = -1) -> dict[str, Any]:
        """A JSON-ready description of one waiver and what it did in this run."""
        w = d.waiver
        left = days_left(d.deadline, now, self.settings.zone)
        soon = "expiring" if left <= self.settings.warn_days else "active"
        state = "expired" if is_expired(d.deadline, now) else soon
        applied = sorted(set(usage.waived.get(index, []))) if usage else []
        return {"policy": w.policy_id, "selector": dict(w.selector), "origin": w.origin, "reason": w.reason,
                "approved_by": w.approved_by, "ticket": w.ticket, "created": w.created, "expires": w.expires,
                "file": w.span.file if w.span else "", "line": w.span.start_line if w.span else 0, "key": d.key,
                "state": state, "days_left": left, "used": bool(applied) if usage else None, "applied_to": applied}


def label(d: Declared) -> str:
    """``TF-001 on aws_s3_bucket.logs (SEC-12, approved by alice)``."""
    w = d.waiver
    target = w.selector.get("address", "") if d.exact else describe(w.selector)
    ticket = f"{w.ticket}, " if w.ticket else ""
    return f"{w.policy_id} on {target} ({ticket}approved by {w.approved_by})"


def _expired(d: Declared, resources: list[str]) -> Finding:
    w = d.waiver
    covered = sorted(set(resources))
    message = (f"{d.where}: waiver for {label(d)} expired on {w.expires}: it no longer applies; the finding(s) "
               f"it covered fail again ({', '.join(covered)}): fix them or renew the approval")
    span = w.span
    return sys_finding("SYS-004", span.file if span else "", span.start_line if span else 0, message,
                       resource=d.key or w.selector.get("address", ""))


def _forbidden(d: Declared) -> Finding:
    span = d.waiver.span
    message = (f"{d.where}: inline waiver for {label(d)} is not allowed (waivers.inline: deny): "
               "only central waivers in the configuration count; move it there for approval")
    return sys_finding("SYS-004", span.file if span else "", span.start_line if span else 0, message,
                       resource=d.waiver.selector.get("address", ""))


def _unique(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[str, str]] = set()
    out = []
    for finding in findings:
        key = (finding.span.location() if finding.span else "", finding.message)
        if key not in seen:
            seen.add(key)
            out.append(finding)
    return out
