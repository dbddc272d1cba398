"""Catalog meta-tests and policy loading errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import REFERENCE, require_shared
from soc2gate.catalog.controls import load_controls
from soc2gate.catalog.locate import policies_dir
from soc2gate.catalog.policies import load_bundle
from soc2gate.errors import PolicyLoadError
from soc2gate.model import SEVERITIES

GOOD = '''# METADATA
# title: T
# description: D
# custom:
#   id: TF-900
#   severity: low
#   resource_types: [aws_s3_bucket]
#   controls:
#     CC6.1: because
#   remediation: fix it
package soc2gate.policies.terraform.test_policy

import rego.v1

deny contains {"resource": r.id, "message": "x"} if {
	some r in input.resources.aws_s3_bucket
	BODY
}
'''


def test_catalog_has_all_61_criteria() -> None:
    require_shared()
    controls = load_controls()
    assert len(controls) == 61
    reference = (REFERENCE / "tsc_2017_ids.txt").read_text()
    assert all(cid in reference for cid in controls)


def test_policy_catalog_is_well_formed() -> None:
    bundle = load_bundle([policies_dir()], load_controls())
    ids = [p.id for p in bundle.policies]
    assert len(ids) == len(set(ids))
    for policy in bundle.policies:
        assert re.fullmatch(r"(TF|K8S|CHG)-\d{3}", policy.id)
        assert policy.severity in SEVERITIES
        assert policy.controls and all(c in load_controls() for c in policy.controls)
        assert all(why for why in policy.controls.values()), f"{policy.id}: every control needs a rationale"
        assert policy.remediation and policy.resource_types
        assert Path(policy.path).parent.parent.name == policy.surface


def _load(tmp_path: Path, text: str) -> None:
    folder = tmp_path / "terraform" / "p"
    folder.mkdir(parents=True)
    (folder / "policy.rego").write_text(text)
    load_bundle([policies_dir(), tmp_path], load_controls())


def test_user_policy_loads(tmp_path: Path) -> None:
    _load(tmp_path, GOOD.replace("BODY", "true"))


@pytest.mark.parametrize("mutation, message", [
    (("CC6.1: because", "CC6.99: because"), "unknown SOC 2 control id `CC6.99`"),
    (("id: TF-900", "id: TF-9"), "is not TF-nnn"),
    (("id: TF-900", "id: TF-001"), "already used"),
    (("severity: low", "severity: urgent"), "severity `urgent`"),
    (("BODY", 'x := http.send({"url": "http://x"})'), "sandboxed"),
    (("BODY", "x := opa.runtime()"), "sandboxed"),
    (("# METADATA\n", ""), "no `# METADATA`"),
])
def test_bad_policies_are_rejected_with_file(tmp_path: Path, mutation: tuple[str, str], message: str) -> None:
    text = GOOD.replace(*mutation).replace("BODY", "true")
    with pytest.raises(PolicyLoadError) as info:
        _load(tmp_path, text)
    assert message in str(info.value) and "policy.rego" in str(info.value)


def test_rego_that_does_not_compile_is_a_load_error(tmp_path: Path) -> None:
    from soc2gate.api import Gate, ScanOptions

    _load(tmp_path, GOOD.replace("BODY", "true"))
    (tmp_path / "terraform" / "p" / "policy.rego").write_text(GOOD.replace("BODY", "r.x ==== 1"))
    with pytest.raises(PolicyLoadError) as info:
        Gate.load(ScanOptions(policy_dirs=(str(tmp_path),)))
    assert "policy.rego" in str(info.value)


def test_builtin_policies_never_take_the_users_range() -> None:
    from dataclasses import replace

    from soc2gate.catalog.policies import USER_RANGE_START, check_range

    pack = load_bundle([policies_dir()], load_controls())
    assert pack.notes == ()
    assert all(int(p.id.split("-")[1]) < USER_RANGE_START for p in pack.policies)
    moved = replace(pack.policies[0], id=pack.policies[0].id.split("-")[0] + "-950")
    with pytest.raises(PolicyLoadError, match="reserved for users' policies"):
        check_range(moved, built_in=True)


def test_a_user_policy_in_the_builtin_range_is_a_warning_in_the_result(tmp_path: Path) -> None:
    from soc2gate.api import ScanOptions, scan

    folder = tmp_path / "pack" / "terraform" / "p"
    folder.mkdir(parents=True)
    target = tmp_path / "main.tf"
    target.write_text('resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n')
    (folder / "policy.rego").write_text(GOOD.replace("BODY", "true").replace("id: TF-900", "id: TF-899"))
    result = scan(ScanOptions(paths=(str(target),), policy_dirs=(str(tmp_path / "pack"),), use_cache=False))
    assert [n for n in result.notes if "TF-899 is in the built-in range" in n and "TF-900..TF-999" in n]
    assert any(f.policy_id == "TF-899" for f in result.findings)  # a warning, not an error
    (folder / "policy.rego").write_text(GOOD.replace("BODY", "true"))
    result = scan(ScanOptions(paths=(str(target),), policy_dirs=(str(tmp_path / "pack"),), use_cache=False))
    assert not [n for n in result.notes if "built-in range" in n]
