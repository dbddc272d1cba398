"""Drift (a plan's resource_drift) is change evidence: CHG-009 fails CC8.1 per drifted object, and the
resource policies judge the drifted state. Real plan: terraform-compliance's issue 522 (15 drifted objects)."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import CORPORA, REPO, require_shared
from soc2gate.api import ScanOptions, scan
from soc2gate.model import Outcome
from soc2gate.parsers.plan import plan_resources
from soc2gate.parsers.plan_drift import changed_paths

REAL = CORPORA / "tfplan/terraform-compliance/tests/functional/test_issue_522/plan.out.json"


def test_changed_paths_are_dotted_and_sorted() -> None:
    before = {"acl": "private", "tags": {"a": "1"}, "rules": [{"port": 443}], "same": 1}
    after = {"acl": "public-read", "tags": {"a": "2", "b": "x"}, "rules": [{"port": 22}], "same": 1}
    assert changed_paths(before, after) == ["acl", "rules.port", "tags.a", "tags.b"]
    assert changed_paths({"x": [1]}, {"x": [1, 2]}) == ["x"]


def test_every_drifted_object_of_a_real_plan_is_a_change_record_and_a_drifted_state() -> None:
    require_shared()
    text = REAL.read_text()
    document = json.loads(text)
    resources = plan_resources(document, str(REAL), text)
    records = [r for r in resources if r.type == "terraform_drift"]
    expected = {f"{e['type']}.{e['name']}" for e in document["resource_drift"]}  # Terraform 1.0: no address key
    assert len(expected) == 15 and {r.attributes["address"] for r in records} == expected
    assert all(r.surface == "change" and r.address == "drift:" + r.attributes["address"] for r in records)
    deleted = {r.attributes["address"] for r in records if r.attributes["deleted"]}
    assert len(deleted) == 6 and all(r.attributes["actions"] == ["update"] for r in records if not r.attributes["deleted"])
    states = {r.address for r in resources if r.meta.get("drift")}
    assert states == {a + " (drifted)" for a in expected if not _deleted(document, a)}
    assert {r.span.start_line for r in records} == {1}  # this plan is minified: one line


def test_each_drift_record_points_at_its_own_entry() -> None:
    path = REPO / "policies/change/drift/fixtures/fail/bucket-made-public-by-hand.json"
    text = path.read_text()
    records = [r for r in plan_resources(json.loads(text), str(path), text) if r.type == "terraform_drift"]
    lines = text.splitlines()
    for record in records:
        window = "\n".join(lines[record.span.start_line - 1:record.span.start_line + 3])
        assert f'"name": "{record.attributes["address"].split(".")[1]}"' in window


def _deleted(document: dict, address: str) -> bool:
    return any(f"{e['type']}.{e['name']}" == address and e["change"]["actions"] == ["delete"]
               for e in document["resource_drift"])


def test_scan_of_a_real_plan_fails_cc8_1_per_drifted_object_naming_the_attributes() -> None:
    require_shared()
    result = scan(ScanOptions(paths=(str(REAL),), use_cache=False))
    drift = [f for f in result.findings if f.policy_id == "CHG-009"]
    assert len(drift) == 15 and all(f.outcome is Outcome.FAIL and "CC8.1" in f.controls for f in drift)
    assert all("outside Terraform" in f.message for f in drift)
    deleted = next(f for f in drift if f.resource == "drift:aws_security_group.lambda_sg")
    assert deleted.message.endswith("aws_security_group.lambda_sg was deleted outside Terraform")
    silent = next(f for f in drift if f.resource == "drift:aws_iam_role.lambda_execution_role")
    assert "no attribute difference" in silent.message  # Terraform 1.0 reported it: it still counts
    assert not result.passed


def test_malformed_resource_drift_is_a_sys_001_finding(tmp_path: Path) -> None:
    plan = {"format_version": "1.2", "planned_values": {"root_module": {}}, "resource_drift": {"oops": 1}}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    result = scan(ScanOptions(paths=(str(path),), use_cache=False))
    errors = [f for f in result.findings if f.outcome is Outcome.ERROR]
    assert errors and "resource_drift" in errors[0].message and not result.passed
