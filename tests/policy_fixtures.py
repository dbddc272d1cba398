"""Enumerate every policy's fixtures (fixtures/{pass,fail,inconclusive}/<file or dir>) exactly as
``soc2gate policies test`` does (``catalog.verify.discover``; ``api.fixture_runner().check`` runs each)."""

from __future__ import annotations

from soc2gate.catalog.controls import load_controls
from soc2gate.catalog.locate import policies_dir
from soc2gate.catalog.policies import load_bundle
from soc2gate.catalog.verify import KINDS, Fixture, discover
from soc2gate.model import Policy

__all__ = ["KINDS", "Fixture", "all_fixtures", "all_policies"]


def all_policies() -> list[Policy]:
    return list(load_bundle([policies_dir()], load_controls()).policies)


def all_fixtures() -> list[Fixture]:
    return discover([str(policies_dir())])
