"""The policy catalog as commands show it: listing, documentation, OPA bundle export."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, Sequence

from soc2gate.api.gate import Gate, ScanOptions, scan
from soc2gate.catalog import org_controls
from soc2gate.catalog.controls import load_controls
from soc2gate.catalog.docs import catalog_markdown, policy_markdown
from soc2gate.catalog.locate import policies_dir
from soc2gate.catalog.opa_bundle import write_bundle
from soc2gate.catalog.policies import PolicyBundle, load_bundle
from soc2gate.catalog.verify import FixtureRunner
from soc2gate.errors import UsageError


def _roots(policy_dirs: Sequence[str]) -> list[Path]:
    return [policies_dir()] + [Path(d) for d in policy_dirs]


def policy_bundle(policy_dirs: Sequence[str] = ()) -> PolicyBundle:
    """The built-in policies plus those of ``policy_dirs``, validated."""
    return load_bundle(_roots(policy_dirs), load_controls())


def policy_doc(policy_id: str, policy_dirs: Sequence[str] = ()) -> str:
    """The Markdown documentation of one policy; UsageError when there is no such policy."""
    policy = policy_bundle(policy_dirs).by_id().get(policy_id.upper())
    if policy is None:
        raise UsageError(f"no policy with id {policy_id}; see `soc2gate policies list`")
    return policy_markdown(policy)


def catalog_doc() -> str:
    """The catalog of the built-in policies (docs/policies.md)."""
    return catalog_markdown(list(policy_bundle().policies))


def export_bundle(output: str, policy_dirs: Sequence[str] = ()) -> tuple[int, PolicyBundle]:
    """Write the policies as an OPA bundle to ``output``: the number of Rego modules, and the bundle."""
    bundle = policy_bundle(policy_dirs)
    try:
        return write_bundle(bundle, _roots(policy_dirs), Path(output)), bundle
    except OSError as exc:
        raise UsageError(f"{output}: cannot write the bundle: {exc.strerror or exc}") from None


def coverage_matrix(gate: Gate) -> list[dict[str, Any]]:
    """For every in-scope criterion of ``gate``: the policies that evidence it, the organisation's own
    controls (``controls_map``) and its manual evidence (``manual_evidence``), with the coverage state."""
    return org_controls.coverage_matrix(gate.controls, gate.policies, gate.config)


def fixture_runner() -> FixtureRunner:
    """``soc2gate policies test``: ``.run(dirs)`` / ``.check(fixture)`` scan policy fixtures, expected versus got."""
    return FixtureRunner(lambda config, dirs: Gate.load(ScanOptions(config_path=config, policy_dirs=dirs)),
                         lambda gate, path: scan(replace(gate.options, paths=(path,), use_cache=False), gate))
