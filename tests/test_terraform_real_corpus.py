"""Terraform fidelity on real code from ../shared/corpora/real (terragoat, terraform-aws-* modules).

Findings carry Terraform instance addresses, module call sites, and lines that point at the
attribute itself: each test opens the file at the reported line and finds the attribute there.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from conftest import CORPORA, require_shared
from soc2gate.api import ScanOptions, scan
from soc2gate.model import Outcome, Result
from soc2gate.parsers.collect import CollectOptions, collect

REAL = CORPORA / "real"
_INDEX = re.compile(r"\[[^\]]*\]")


@lru_cache(maxsize=8)
def _scan(*names: str) -> tuple[Result, dict]:
    require_shared()
    paths = [str(REAL / name) for name in names]
    resources = {r.address: r for r in collect(paths, CollectOptions()).resources}
    return scan(ScanOptions(paths=tuple(paths))), resources


def _line(file: str, number: int) -> str:
    return Path(file).read_text(encoding="utf-8").splitlines()[number - 1]


def _finding(result: Result, policy: str, resource: str, path: str):
    found = [f for f in result.findings if f.policy_id == policy and f.resource == resource and f.attribute_path == path]
    assert found, f"no {policy} finding on {resource} at {path}"
    return found[0]


def test_terragoat_lines_inside_nested_blocks_and_objects() -> None:
    result, _ = _scan("terragoat/terraform/azure", "terragoat/terraform/aws")
    rdp = _finding(result, "TF-139", "azurerm_network_security_group.bad_sg", "security_rule[1]")
    assert rdp.outcome is Outcome.FAIL and rdp.span.file.endswith("azure/networking.tf")
    assert rdp.span.start_line == 86 and "AllowRDP" in _line(rdp.span.file, 89)
    lam = [f for f in result.findings if f.resource == "aws_lambda_function.analysis_lambda"
           and f.attribute_path == "environment.variables.secret_key"]
    assert lam and lam[0].span.start_line == 46 and "secret_key" in _line(lam[0].span.file, 46)


def _check_lines(result: Result, resources: dict) -> int:
    """Every failing or inconclusive finding on an attribute that exists is reported on its line."""
    checked = 0
    for finding in result.findings:
        resource = resources.get(finding.resource)
        if finding.outcome not in (Outcome.FAIL, Outcome.INCONCLUSIVE) or not finding.attribute_path or not resource:
            continue
        plain = _INDEX.sub("", finding.attribute_path)
        if finding.attribute_path not in resource.line_of and plain not in resource.line_of:
            continue  # an absent attribute: the finding points at the block
        text = _line(finding.span.file, finding.span.start_line)
        assert plain.split(".")[-1] in text, (finding.resource, finding.attribute_path, finding.span, text)
        checked += 1
    return checked


def test_every_reported_attribute_line_holds_the_attribute() -> None:
    assert _check_lines(*_scan("terragoat")) >= 30
    modules = ("terraform-aws-s3-bucket/examples/complete", "terraform-aws-vpc/examples/block-public-access",
               "terraform-aws-rds/examples/role-association-postgres")
    assert _check_lines(*_scan(*modules)) >= 5  # attribute-level failures in these examples (defaults judged since #14)


def test_module_findings_carry_instance_addresses_and_call_sites() -> None:
    result, resources = _scan("terraform-aws-vpc/examples/block-public-access")
    vpc = resources["module.vpc.aws_vpc.this[0]"]
    site = vpc.meta["call_sites"][0]
    assert site["address"] == "module.vpc" and 'module "vpc"' in _line(site["file"], site["line"])
    assert Path(vpc.span.file).resolve() == (REAL / "terraform-aws-vpc" / "main.tf").resolve() and 'resource "aws_vpc" "this"' in \
        _line(vpc.span.file, vpc.span.start_line)
    assert 'module.vpc.aws_vpc_block_public_access_exclusion.this["exclude_vpc"]' in resources, "for_each key"
    flow = [f for f in result.findings if f.resource == "module.vpc.aws_vpc.this[0]" and f.policy_id == "TF-048"]
    assert flow and flow[0].outcome is Outcome.FAIL


def test_nested_module_for_each_with_unknown_values_but_known_keys() -> None:
    _, resources = _scan("terraform-aws-rds/examples/role-association-postgres")
    address = 'module.db.module.db_instance_role_association["Lambda"].aws_db_instance_role_association.this[0]'
    association = resources[address]
    assert [s["address"] for s in association.meta["call_sites"]] == \
        ["module.db", 'module.db.module.db_instance_role_association["Lambda"]']
    for site in association.meta["call_sites"]:
        assert _line(site["file"], site["line"]).startswith("module ")
    assert association.unknown["role_arn"] == "module.rds_invoke_lambda_role.iam_role_arn", "value stays unknown"
    assert "instances_unknown" not in association.meta


def test_dynamic_blocks_of_a_real_module_are_generated() -> None:
    _, resources = _scan("terraform-aws-s3-bucket/examples/complete")
    policies = [r for a, r in resources.items() if a.startswith("module.log_bucket.data.aws_iam_policy_document.")]
    assert policies and all(a.endswith("[0]") for a in (r.address for r in policies))
    generated = [s for r in policies for s in r.attributes.get("statement", [])]
    assert generated and all(isinstance(s, dict) and "dynamic" not in s for s in generated)
    assert "module.s3_bucket.aws_s3_bucket_acl.this[0]" in resources, "an ACL is configured: count = 1"
    assert not [a for a in resources if "aws_s3_bucket_acl.this" in a and a.startswith("module.simple_bucket.")], \
        "count = 0 (no ACL configured) means the resource does not exist"
