"""Enumerate every policy's fixtures: fixtures/{pass,fail,inconclusive}/<file or dir>."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from soc2gate.catalog.controls import load_controls
from soc2gate.catalog.locate import policies_dir
from soc2gate.catalog.policies import load_bundle
from soc2gate.model import Policy

KINDS = ("pass", "fail", "inconclusive")


@dataclass(frozen=True)
class Fixture:
    policy: Policy
    kind: str
    path: Path

    @property
    def id(self) -> str:
        return f"{self.policy.id}-{self.kind}-{self.path.name}"

    @property
    def config(self) -> Path | None:
        candidate = Path(self.policy.path).parent / "fixtures" / "config.yaml"
        return candidate if candidate.is_file() else None


def all_policies() -> list[Policy]:
    return list(load_bundle([policies_dir()], load_controls()).policies)


def all_fixtures() -> list[Fixture]:
    fixtures = []
    for policy in all_policies():
        root = Path(policy.path).parent / "fixtures"
        for kind in KINDS:
            folder = root / kind
            if folder.is_dir():
                fixtures.extend(Fixture(policy, kind, p) for p in sorted(folder.iterdir()) if not p.name.startswith("."))
    return fixtures
