"""Terraform semantics that decide real modules: type constraints with optional() defaults, nullable,
partly known collections, slice/flatten lengths; and what cannot be known before apply stays so."""

from __future__ import annotations

from pathlib import Path

import pytest

from soc2gate.api import ScanOptions, scan
from soc2gate.model import Outcome
from soc2gate.parsers.collect import CollectOptions, collect
from soc2gate.parsers.hcl_types import convert, parse_type


def _resources(tmp_path: Path, text: str) -> dict:
    (tmp_path / "main.tf").write_text(text)
    out = collect([str(tmp_path)], CollectOptions(use_cache=False))
    assert not out.findings, [f.message for f in out.findings]
    return {r.address: r for r in out.resources}


def test_optional_attribute_defaults_decide_for_each_and_values(tmp_path: Path) -> None:
    text = ('variable "groups" {\n  type = map(object({\n    create = optional(bool, true)\n'
            '    size = optional(number, 8)\n    tags = optional(map(string), {})\n  }))\n'
            '  default = { a = {}, b = { create = false }, c = { size = "20", extra = 1 } }\n}\n'
            'resource "aws_ebs_volume" "v" {\n  for_each = { for k, g in var.groups : k => g if g.create }\n'
            '  size = each.value.size\n  tags = each.value.tags\n}\n')
    res = _resources(tmp_path, text)
    assert sorted(res) == ['aws_ebs_volume.v["a"]', 'aws_ebs_volume.v["c"]']
    assert res['aws_ebs_volume.v["a"]'].attributes["size"] == 8
    assert res['aws_ebs_volume.v["c"]'].attributes["size"] == 20, "a string converts to the declared number"
    assert res['aws_ebs_volume.v["c"]'].attributes["tags"] == {}


def test_null_module_input_takes_the_default_of_a_non_nullable_variable(tmp_path: Path) -> None:
    (tmp_path / "child").mkdir()
    (tmp_path / "child" / "main.tf").write_text(
        'variable "create" {\n  type = bool\n  default = true\n  nullable = false\n}\n'
        'variable "name" {\n  type = string\n  default = "x"\n}\n'
        'resource "aws_ebs_volume" "v" {\n  count = var.create ? 1 : 0\n  tags = { n = var.name }\n}\n')
    text = ('variable "nodes" {\n  type = map(object({ create = optional(bool), name = optional(string) }))\n'
            '  default = { one = {} }\n}\n'
            'module "m" {\n  source = "./child"\n  for_each = var.nodes\n  create = each.value.create\n'
            '  name = each.value.name\n}\n')
    res = _resources(tmp_path, text)
    volume = res['module.m["one"].aws_ebs_volume.v[0]']
    assert volume.attributes["tags"] == {"n": None}, "null given to a nullable variable stays null"


def test_partly_known_collections_compare_with_null_and_look_up(tmp_path: Path) -> None:
    text = ('data "aws_caller_identity" "me" {}\n'
            'locals {\n  roles = { admin = { arn = data.aws_caller_identity.me.arn, attach = true } }\n}\n'
            'resource "aws_iam_role" "r" {\n'
            '  for_each = local.roles != null ? { for k, v in local.roles : k => v if lookup(v, "attach", false) } : {}\n'
            '  name = each.key\n  description = lookup(local.roles, "admin").arn\n}\n')
    res = _resources(tmp_path, text)
    role = res['aws_iam_role.r["admin"]']
    assert role.attributes["name"] == "admin"
    assert role.unknown["description"] == "data.aws_caller_identity.me.arn", "the unknown element stays unknown"


def test_slice_of_a_data_list_has_a_known_length(tmp_path: Path) -> None:
    text = ('data "aws_availability_zones" "all" {}\n'
            'locals {\n  azs = slice(data.aws_availability_zones.all.names, 0, 3)\n'
            '  subnets = [for k, v in local.azs : cidrsubnet("10.0.0.0/16", 8, k)]\n}\n'
            'resource "aws_subnet" "s" {\n  count = length(local.subnets)\n  cidr_block = local.subnets[count.index]\n'
            '  availability_zone = local.azs[count.index]\n}\n')
    res = _resources(tmp_path, text)
    assert [res[f"aws_subnet.s[{i}]"].attributes["cidr_block"] for i in range(3)] == \
        ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"]
    assert "availability_zone" in res["aws_subnet.s[2]"].unknown, "which zone is a data source's answer"


def test_flatten_of_a_splat_of_string_attributes_keeps_its_length(tmp_path: Path) -> None:
    text = ('variable "a" { default = true }\nvariable "b" { default = false }\n'
            'data "aws_iam_policy_document" "a" {\n  count = var.a ? 1 : 0\n}\n'
            'data "aws_iam_policy_document" "b" {\n  count = var.b ? 1 : 0\n}\n'
            'data "aws_subnets" "s" {\n  count = 1\n}\n'
            'locals {\n  docs = flatten(concat(data.aws_iam_policy_document.a[*].json, data.aws_iam_policy_document.b[*].json))\n'
            '  ids = flatten(data.aws_subnets.s[*].ids)\n}\n'
            'resource "aws_iam_policy" "p" {\n  count = length(local.docs) > 0 ? 1 : 0\n}\n'
            'resource "aws_instance" "i" {\n  count = length(local.ids)\n}\n')
    res = _resources(tmp_path, text)
    assert "aws_iam_policy.p[0]" in res, "one document: the policy exists"
    assert res["aws_instance.i"].meta["instances_unknown"] == "count = length(local.ids)", \
        "a splat of a list attribute may flatten to any length"


def test_what_depends_on_a_data_source_stays_inconclusive_never_passes(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'data "aws_kms_key" "k" {\n  key_id = "alias/x"\n}\n'
        'data "aws_availability_zones" "all" {}\n'
        'resource "aws_ebs_volume" "v" {\n  count = length(data.aws_availability_zones.all.names)\n'
        '  availability_zone = "eu-west-1a"\n  encrypted = data.aws_kms_key.k.enabled\n}\n')
    result = scan(ScanOptions(paths=(str(tmp_path),), use_cache=False))
    outcomes = {f.outcome for f in result.findings if f.resource == "aws_ebs_volume.v" and f.policy_id == "TF-002"}
    assert outcomes == {Outcome.INCONCLUSIVE}


def test_type_conversion_leaves_values_that_do_not_fit() -> None:
    tree = parse_type('${object({name = string, port = optional(number, 443)})}')
    assert convert({"name": "a"}, tree) == {"name": "a", "port": 443}
    assert convert({"port": 1}, tree) == {"port": 1}, "a required attribute is missing: not converted"
    assert convert({"name": 5, "other": 1}, tree) == {"name": "5", "port": 443}, "extra attributes are dropped"
    assert parse_type("${frobnicate(string)}") is None
    assert convert(["x"], parse_type("list(bool)")) == ["x"]


def test_string_bools_decide_conditionals_and_title_capitalises(tmp_path: Path) -> None:
    text = ('variable "versioning" {\n  type = map(string)\n  default = { enabled = true }\n}\n'
            'variable "mode" { default = "suspended" }\n'
            'resource "aws_s3_bucket_versioning" "v" {\n  bucket = "b"\n  versioning_configuration {\n'
            '    status = try(var.versioning["enabled"] ? "Enabled" : "Suspended", "Enabled")\n'
            '    mfa_delete = title(lower(var.mode))\n  }\n}\n')
    res = _resources(tmp_path, text)
    config = res["aws_s3_bucket_versioning.v"].attributes["versioning_configuration"][0]
    assert config == {"status": "Enabled", "mfa_delete": "Suspended"}


def test_try_falls_through_a_string_function_given_a_partly_known_list(tmp_path: Path) -> None:
    text = ('data "aws_canonical_user_id" "me" {}\n'
            'locals {\n  grant = [{ id = data.aws_canonical_user_id.me.id, permission = "FULL_CONTROL" }]\n'
            '  grants = try(jsondecode(local.grant), local.grant)\n}\n'
            'resource "aws_s3_bucket_acl" "a" {\n  count = length(local.grants) > 0 ? 1 : 0\n  bucket = "b"\n}\n')
    res = _resources(tmp_path, text)
    assert "aws_s3_bucket_acl.a[0]" in res, "jsondecode of a list is an error try skips, not an unknown"


def test_cidrsubnets_allocates_consecutive_ranges_and_keeps_the_count_of_an_unknown_prefix() -> None:
    from soc2gate.parsers.expressions import evaluate
    from soc2gate.parsers.expressions_types import UNBOUND, Reference

    nothing = lambda root, name: UNBOUND  # noqa: E731 - every name is a reference
    assert evaluate('cidrsubnets("10.1.0.0/16", 4, 4, 8, 4)', nothing) == \
        ["10.1.0.0/20", "10.1.16.0/20", "10.1.32.0/24", "10.1.48.0/20"]  # the documented example
    unknown = evaluate('length(cidrsubnets(data.aws_vpc.v.cidr_block, 2, 2, 2))', nothing)
    assert unknown == 3
    assert isinstance(evaluate('data.aws_vpc.v.cidr_block', nothing), Reference)
    assert evaluate('cidrsubnets(data.aws_vpc.v.cidr_block, 2)[0]', nothing).__class__.__name__ == "Unknown"


def test_indented_heredoc_keeps_quotes_so_policy_json_is_judged(tmp_path: Path) -> None:
    policy = ('  policy = <<-EOT\n    {\n      "Version": "2012-10-17",\n      "Statement": [{\n'
              '        "Effect": "Allow", "Action": "*", "Resource": "*", "Sid": "${var.sid}", "Path": "a\\\\b"\n'
              '      }]\n    }\n  EOT\n')
    text = 'variable "sid" { default = "all" }\nresource "aws_iam_policy" "p" {\n  name = "p"\n' + policy + '}\n'
    res = _resources(tmp_path, text)
    assert res["aws_iam_policy.p"].attributes["policy"].startswith('{\n  "Version": "2012-10-17"')
    assert '"Sid": "all", "Path": "a\\\\b"' in res["aws_iam_policy.p"].attributes["policy"], "no escape is read"
    result = scan(ScanOptions(paths=(str(tmp_path),), use_cache=False))
    assert {f.outcome for f in result.findings if f.policy_id == "TF-040"} == {Outcome.FAIL}


def test_try_skips_a_conditional_whose_condition_fails(tmp_path: Path) -> None:
    text = ('variable "versioning" {\n  type = map(string)\n  default = { status = true }\n}\n'
            'resource "aws_s3_bucket_versioning" "v" {\n  bucket = "b"\n  versioning_configuration {\n'
            '    status = try(var.versioning["enabled"] ? "Enabled" : "Suspended",\n'
            '      tobool(var.versioning["status"]) ? "Enabled" : "Suspended", "Enabled")\n  }\n}\n')
    res = _resources(tmp_path, text)
    assert res["aws_s3_bucket_versioning.v"].attributes["versioning_configuration"][0]["status"] == "Enabled"
    assert not res["aws_s3_bucket_versioning.v"].unknown


def test_local_module_outputs_resolve_in_the_caller_and_resources_stay_unknown(tmp_path: Path) -> None:
    (tmp_path / "net").mkdir()
    (tmp_path / "net" / "main.tf").write_text(
        'variable "cidr" { default = "10.0.0.0/16" }\nvariable "azs" { type = list(string) }\n'
        'locals { subnets = [for i, az in var.azs : cidrsubnet(var.cidr, 8, i)] }\n'
        'resource "aws_vpc" "this" { cidr_block = var.cidr }\n'
        'output "subnets" { value = local.subnets }\noutput "vpc_id" { value = aws_vpc.this.id }\n')
    text = ('module "net" {\n  source = "./net"\n  azs = ["a", "b"]\n}\n'
            'module "nets" {\n  source = "./net"\n  for_each = { x = "10.1.0.0/16" }\n  cidr = each.value\n'
            '  azs = ["a"]\n}\n'
            'resource "aws_security_group_rule" "r" {\n  count = length(module.net.subnets)\n  type = "ingress"\n'
            '  cidr_blocks = [module.net.subnets[count.index], module.nets["x"].subnets[0]]\n'
            '  security_group_id = module.net.vpc_id\n}\n')
    res = _resources(tmp_path, text)
    assert res["aws_security_group_rule.r[1]"].attributes["cidr_blocks"] == ["10.0.1.0/24", "10.1.0.0/24"]
    rule = res["aws_security_group_rule.r[0]"]
    assert rule.unknown["security_group_id"] == "module.net.vpc_id", "a child's resource attribute stays unknown"
    assert rule.meta["refs"]["security_group_id"] == "module.net"


def test_cidrsubnet_is_computed_by_arithmetic_and_refuses_what_terraform_refuses() -> None:
    import ipaddress

    from soc2gate.parsers.hcl_functions import _cidrsubnet

    for prefix, newbits, netnum in [("10.0.0.0/16", 8, 200), ("10.1.2.0/24", 4, 15), ("fd00::/56", 8, 3),
                                    ("10.0.0.0/8", 16, 65535)]:
        listed = list(ipaddress.ip_network(prefix).subnets(prefixlen_diff=newbits))[netnum]
        assert _cidrsubnet(prefix, newbits, netnum) == str(listed)
    assert _cidrsubnet("10.0.0.0/8", 24, 5) == "10.0.0.5/32"  # beyond the old 16-bit listing bound
    for newbits, netnum in [(8, 256), (8, -1), (25, 0), (-1, 0)]:
        with pytest.raises(ValueError):
            _cidrsubnet("10.0.0.0/8", newbits, netnum)
