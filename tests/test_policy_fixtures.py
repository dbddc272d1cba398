"""One harness runs every policy's fixtures, through the same code path as ``soc2gate policies test``
(``api.fixture_runner``; the expectations are in ``soc2gate.catalog.verify``):

* each ``fail`` fixture yields at least one failure of its own policy;
* each ``pass`` fixture yields no failure and no inconclusive of its policy, and at
  least one pass (so the policy really looked at it);
* each ``inconclusive`` fixture yields an inconclusive and no failure of its policy.
A fixture is a file, or a directory scanned as one module; it must parse.
"""

from __future__ import annotations

import pytest

from policy_fixtures import Fixture, all_fixtures, all_policies
from soc2gate.api import fixture_runner
from soc2gate.catalog.verify import describe

FIXTURES = all_fixtures()
RUNNER = fixture_runner()


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.id for f in FIXTURES])
def test_fixture(fixture: Fixture) -> None:
    check = RUNNER.check(fixture)
    assert check.ok, describe(check)


def test_every_policy_has_pass_and_fail_fixtures() -> None:
    kinds: dict[str, set[str]] = {}
    for fixture in FIXTURES:
        kinds.setdefault(fixture.policy.id, set()).add(fixture.kind)
    missing = [p.id for p in all_policies() if not {"pass", "fail"} <= kinds.get(p.id, set())]
    assert not missing, f"policies without both pass and fail fixtures: {missing}"
