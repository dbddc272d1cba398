"""Provider defaults and enumerations (one data file), unknown-may-be-null, and relations in the input."""

from __future__ import annotations

import pytest

from soc2gate.catalog.defaults import DefaultsError, provider_defaults, read_defaults
from soc2gate.engine.input_doc import build_input, may_be_null
from soc2gate.parsers.collect import CollectOptions, collect


def test_the_shipped_file_holds_the_defaults_policies_read() -> None:
    data = provider_defaults()
    assert data["defaults"]["aws_instance"]["root_block_device.encrypted"] is False
    assert data["defaults"]["aws_opensearch_domain"]["domain_endpoint_options"] == {"enforce_https": False}
    assert "aws:kms:dsse" in data["enums"]["aws_s3_bucket_server_side_encryption_configuration"][
        "rule.apply_server_side_encryption_by_default.sse_algorithm"]


def test_a_duplicate_key_is_refused_with_its_line(tmp_path) -> None:
    bad = tmp_path / "d.yaml"
    bad.write_text("version: 1\ndefaults:\n  aws_s3_bucket: {}\n  aws_s3_bucket: {}\nenums: {}\n")
    with pytest.raises(DefaultsError, match="duplicate key `aws_s3_bucket`"):
        read_defaults(bad)


def test_an_enumeration_must_be_a_list(tmp_path) -> None:
    bad = tmp_path / "d.yaml"
    bad.write_text("version: 1\ndefaults: {}\nenums:\n  aws_lb_listener:\n    protocol: HTTP\n")
    with pytest.raises(DefaultsError, match="enums.aws_lb_listener.protocol"):
        read_defaults(bad)


@pytest.mark.parametrize("expression,raw,expected", [
    ("aws_kms_key.k.arn", None, False),
    ("data.aws_kms_key.x.arn", None, False),
    ("aws_kms_key.k[0].arn", None, False),
    ("arn:${var.k}", None, False),
    ("var.k", None, True),
    ("local.key", None, True),
    ("module.kms.key_arn", None, True),
    ("(known after apply)", None, True),
    ("(known after apply)", "${aws_kms_key.k.arn}", False),
    ("(known after apply)", "${var.key}", True),
])
def test_which_unknown_values_may_turn_out_null(expression, raw, expected) -> None:
    assert may_be_null(expression, raw) is expected


def _input(tmp_path, text: str) -> dict:
    (tmp_path / "main.tf").write_text(text)
    collected = collect([str(tmp_path)], CollectOptions(use_cache=False))
    return build_input(collected.resources, {})


def test_the_input_carries_defaults_unknowns_and_maybe_null(tmp_path) -> None:
    document = _input(tmp_path, 'variable "k" {}\nresource "aws_kms_key" "k" {}\n'
                                'resource "aws_db_instance" "a" { kms_key_id = aws_kms_key.k.arn }\n'
                                'resource "aws_db_instance" "b" { kms_key_id = var.k }\n')
    assert document["terraform"] == provider_defaults()
    a, b = document["resources"]["aws_db_instance"]
    assert a["unknown"] == {"kms_key_id": "aws_kms_key.k.arn"} and a["maybe_null"] == {}
    assert b["maybe_null"] == {"kms_key_id": True}


def test_rules_on_the_default_security_group_are_linked_to_it(tmp_path) -> None:
    document = _input(tmp_path, '''
resource "aws_vpc" "main" { cidr_block = "10.0.0.0/16" }
resource "aws_default_security_group" "d" { vpc_id = aws_vpc.main.id }
resource "aws_security_group_rule" "r" {
  type              = "ingress"
  security_group_id = aws_default_security_group.d.id
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = ["10.0.0.0/8"]
}
resource "aws_vpc_security_group_ingress_rule" "v" {
  security_group_id = aws_vpc.main.default_security_group_id
  ip_protocol       = "-1"
  cidr_ipv4         = "10.0.0.0/8"
}
resource "aws_guardduty_detector" "g" {}
resource "aws_guardduty_organization_configuration" "o" {
  detector_id                      = aws_guardduty_detector.g.id
  auto_enable_organization_members = "ALL"
}
''')
    resources = document["resources"]
    default_group = resources["aws_default_security_group"][0]
    assert [x["address"] for x in default_group["links"]["aws_security_group_rule"]] == ["aws_security_group_rule.r"]
    vpc = resources["aws_vpc"][0]
    assert [x["address"] for x in vpc["links"]["aws_vpc_security_group_ingress_rule"]] == [
        "aws_vpc_security_group_ingress_rule.v"]
    assert "links.aws_security_group_rule" not in vpc.get("unknown", {})
    detector = resources["aws_guardduty_detector"][0]
    assert detector["links"]["aws_guardduty_organization_configuration"][0]["attributes"][
        "auto_enable_organization_members"] == "ALL"
