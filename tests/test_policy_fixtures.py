"""One harness runs every policy's fixtures.

* each ``fail`` fixture yields at least one failure of its own policy;
* each ``pass`` fixture yields no failure and no inconclusive of its policy, and at
  least one pass (so the policy really looked at it);
* each ``inconclusive`` fixture yields an inconclusive and no failure of its policy.
A fixture is a file, or a directory scanned as one module.
"""

from __future__ import annotations

from functools import cache

import pytest

from policy_fixtures import Fixture, all_fixtures
from soc2gate.api import Gate, ScanOptions, scan
from soc2gate.model import Outcome

FIXTURES = all_fixtures()


@cache
def _gate(config: str | None) -> Gate:
    return Gate.load(ScanOptions(config_path=config))


def _outcomes(fixture: Fixture) -> list:
    config = str(fixture.config) if fixture.config else None
    options = ScanOptions(paths=(str(fixture.path),), config_path=config, use_cache=False)
    result = scan(options, gate=_gate(config))
    errors = [f for f in result.findings if f.outcome is Outcome.ERROR]
    assert not errors, f"fixture does not parse: {[e.message for e in errors]}"
    return [f for f in result.findings if f.policy_id == fixture.policy.id]


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.id for f in FIXTURES])
def test_fixture(fixture: Fixture) -> None:
    mine = _outcomes(fixture)
    outcomes = {f.outcome for f in mine}
    detail = [(f.outcome.value, f.resource, f.message) for f in mine]
    if fixture.kind == "fail":
        assert Outcome.FAIL in outcomes, f"expected a failure of {fixture.policy.id}, got {detail}"
    elif fixture.kind == "pass":
        assert Outcome.FAIL not in outcomes and Outcome.INCONCLUSIVE not in outcomes, detail
        assert Outcome.PASS in outcomes, f"{fixture.policy.id} evaluated no resource of this fixture: {detail}"
    else:
        assert Outcome.INCONCLUSIVE in outcomes and Outcome.FAIL not in outcomes, detail


def test_every_policy_has_pass_and_fail_fixtures() -> None:
    kinds: dict[str, set[str]] = {}
    for fixture in FIXTURES:
        kinds.setdefault(fixture.policy.id, set()).add(fixture.kind)
    from policy_fixtures import all_policies

    missing = [p.id for p in all_policies() if not {"pass", "fail"} <= kinds.get(p.id, set())]
    assert not missing, f"policies without both pass and fail fixtures: {missing}"
