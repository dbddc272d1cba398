"""Policy fixtures, run like ``conftest verify``: what each fixture expects and what a scan gave.

A policy folder ``<surface>/<slug>/`` holds ``fixtures/pass/*``, ``fixtures/fail/*`` and
``fixtures/inconclusive/*`` (a file, or a directory scanned as one module) and optionally
``fixtures/config.yaml`` (the configuration its fixtures are scanned with).  Expectations:

* ``fail``: at least one failure of the policy;
* ``pass``: no failure and no inconclusive of the policy, and at least one pass (it looked);
* ``inconclusive``: at least one inconclusive and no failure of the policy;
and for every kind: the fixture parses (no SYS-001/SYS-002 finding).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from soc2gate.catalog.controls import load_controls
from soc2gate.catalog.locate import policies_dir
from soc2gate.catalog.policies import load_bundle
from soc2gate.errors import UsageError
from soc2gate.model import Finding, Outcome, Policy, Result

KINDS = ("pass", "fail", "inconclusive")


@dataclass(frozen=True)
class Fixture:
    """One fixture of one policy; ``policy_dirs`` are the user policy roots to load beside the pack."""

    policy: Policy
    kind: str
    path: Path
    policy_dirs: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return f"{self.policy.id}-{self.kind}-{self.path.name}"

    @property
    def config(self) -> str | None:
        candidate = Path(self.policy.path).parent / "fixtures" / "config.yaml"
        return str(candidate) if candidate.is_file() else None


@dataclass(frozen=True)
class FixtureCheck:
    """Expected versus got for one fixture: ``got`` lists (outcome, resource, message) of its policy."""

    fixture: Fixture
    problem: str  # "" when the fixture behaves as expected
    got: tuple[tuple[str, str, str], ...]
    notes: tuple[str, ...] = ()  # the run's warnings (e.g. a user policy in the built-in id range)

    @property
    def ok(self) -> bool:
        return not self.problem


@dataclass(frozen=True)
class VerifyReport:
    """Every fixture check of one ``policies test`` run."""

    checks: tuple[FixtureCheck, ...]

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    @property
    def notes(self) -> list[str]:
        """The loader's warnings, once each."""
        return list(dict.fromkeys(n for c in self.checks for n in c.notes))

    def text(self, verbose: bool = False) -> str:
        """A readable report: each failing fixture with its expectation and what the policy gave."""
        lines = []
        for check in self.checks:
            if check.ok and not verbose:
                continue
            lines.append(describe(check))
        failed = sum(1 for c in self.checks if not c.ok)
        policies = len({c.fixture.policy.id for c in self.checks})
        verdict = "FAILED" if failed else "passed"
        lines.append(f"{len(self.checks)} fixtures of {policies} policies: "
                     f"{len(self.checks) - failed} as expected, {failed} not — {verdict}")
        return "\n".join(lines)


def describe(check: FixtureCheck) -> str:
    """``FAIL TF-001 fixtures/fail/x.tf: expected ...`` then one line per outcome of the policy."""
    fixture = check.fixture
    where = _shown(fixture.path)
    head = f"{'ok  ' if check.ok else 'FAIL'} {fixture.policy.id} {where}"
    if check.ok:
        return f"{head}: {fixture.kind} as expected"
    lines = [f"{head}", f"    expected: {EXPECTED[fixture.kind]}", f"    got:      {check.problem}"]
    lines += [f"      {outcome:<13} {resource}  {message}".rstrip() for outcome, resource, message in check.got]
    return "\n".join(lines)


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


EXPECTED = {
    "fail": "at least one failure",
    "pass": "at least one pass, no failure, no inconclusive",
    "inconclusive": "at least one inconclusive, no failure",
}


def judge(fixture: Fixture, result: Result) -> FixtureCheck:
    """Compare what a scan of the fixture gave with what its kind expects."""
    if not any(p.id == fixture.policy.id for p in result.policies):
        return FixtureCheck(fixture, "the policy is not selected by the configuration (a criterion out of "
                            "scope.categories, or disabled): set it in the folder's fixtures/config.yaml", (),
                            result.notes)
    return _judged(fixture, result.findings, result.notes)


def _judged(fixture: Fixture, findings: Sequence[Finding], notes: tuple[str, ...]) -> FixtureCheck:
    errors = [f for f in findings if f.outcome is Outcome.ERROR]
    if errors:
        got = tuple((f.outcome.value, f.policy_id, f.message) for f in errors)
        return FixtureCheck(fixture, "the fixture does not parse", got, notes)
    mine = [f for f in findings if f.policy_id == fixture.policy.id]
    got = tuple((f.outcome.value, f.resource, f.message) for f in mine)
    return FixtureCheck(fixture, _problem(fixture.kind, {f.outcome for f in mine}), got, notes)


def _problem(kind: str, outcomes: set[Outcome]) -> str:
    counts = ", ".join(sorted(o.value for o in outcomes)) or "no outcome of this policy"
    if kind == "fail" and Outcome.FAIL not in outcomes:
        return counts
    if kind == "pass" and (outcomes & {Outcome.FAIL, Outcome.INCONCLUSIVE} or Outcome.PASS not in outcomes):
        return counts
    if kind == "inconclusive" and (Outcome.INCONCLUSIVE not in outcomes or Outcome.FAIL in outcomes):
        return counts
    return ""


def user_roots(dirs: Sequence[str]) -> tuple[str, ...]:
    """The given directories that are not inside the built-in pack (the pack is always loaded)."""
    pack = policies_dir().resolve()
    roots: list[Path] = []
    for given in dirs:
        path = Path(given)
        if not path.is_dir():
            raise UsageError(f"{given}: not a policy directory")
        resolved = path.resolve()
        if resolved == pack or pack in resolved.parents:
            continue
        roots.append(path)
    kept = [r for r in roots if not any(o.resolve() in r.resolve().parents for o in roots if o is not r)]
    return tuple(dict.fromkeys(str(r) for r in kept))


def discover(dirs: Sequence[str]) -> list[Fixture]:
    """Every fixture of every policy under ``dirs`` (the built-in pack, your own policy folders, or both;
    the built-in pack is always loaded, so that your policies can import its libraries)."""
    roots = user_roots(dirs)
    policies = load_bundle([policies_dir(), *map(Path, roots)], load_controls()).policies
    wanted = [Path(d).resolve() for d in dirs]
    fixtures: list[Fixture] = []
    for given, where in zip(dirs, wanted, strict=True):
        mine = [p for p in policies
                if where == Path(p.path).resolve().parent or where in Path(p.path).resolve().parents]
        if not mine:
            raise UsageError(f"{given}: no policy (<surface>/<slug>/policy.rego) under this directory")
    for policy in policies:
        here = Path(policy.path).resolve()
        if not any(w in here.parents for w in wanted):
            continue
        fixtures.extend(_fixtures_of(policy, roots))
    return fixtures


def _fixtures_of(policy: Policy, roots: tuple[str, ...]) -> list[Fixture]:
    found: list[Fixture] = []
    base = Path(policy.path).parent / "fixtures"
    for kind in KINDS:
        folder = base / kind
        if folder.is_dir():
            found.extend(Fixture(policy, kind, p, roots)
                         for p in sorted(folder.iterdir()) if not p.name.startswith("."))
    return found


class FixtureRunner:
    """Scans fixtures with the functions the api gives (load a gate, scan a path with it), one gate per
    (fixtures/config.yaml, user policy folders)."""

    def __init__(self, load_gate: Callable[[str | None, tuple[str, ...]], Any],
                 scan: Callable[[Any, str], Result]) -> None:
        self._load, self._scan = load_gate, scan
        self._gates: dict[tuple[str | None, tuple[str, ...]], Any] = {}

    def check(self, fixture: Fixture) -> FixtureCheck:
        key = (fixture.config, fixture.policy_dirs)
        if key not in self._gates:
            self._gates[key] = self._load(*key)
        return judge(fixture, self._scan(self._gates[key], str(fixture.path)))

    def run(self, dirs: Sequence[str]) -> VerifyReport:
        return VerifyReport(tuple(self.check(f) for f in discover(dirs)))
