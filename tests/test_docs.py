"""Generated documentation never drifts from the code."""

from __future__ import annotations

from pathlib import Path

from soc2gate.catalog.controls import load_controls
from soc2gate.catalog.docs import catalog_markdown
from soc2gate.catalog.locate import policies_dir
from soc2gate.catalog.policies import load_bundle

REPO = Path(__file__).resolve().parent.parent


def test_docs_policies_md_is_current() -> None:
    policies = list(load_bundle([policies_dir()], load_controls()).policies)
    committed = (REPO / "docs" / "policies.md").read_text(encoding="utf-8")
    assert committed == catalog_markdown(policies), "run `soc2gate policies docs` and commit docs/policies.md"
    for policy in policies:
        assert f"## {policy.id}: {policy.title}" in committed
