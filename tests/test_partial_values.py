"""Partial values (parsers/hcl_partial.py, policies/lib/partial.rego): what the known part of an
unknown value decides, and what stays unknown."""

from __future__ import annotations

from pathlib import Path

from soc2gate.api import ScanOptions, scan
from soc2gate.model import Outcome
from soc2gate.parsers.expressions import evaluate, resolve_string
from soc2gate.parsers.expressions_types import Encoded, Template, Unknown
from soc2gate.parsers.hcl_partial import may_equal, record
from test_terraform_resolution import _resources

PARTITION = "data.aws_partition.current.partition"


def _lookup(root: str, name: str) -> object:
    known = {("var", "bucket"): "logs", ("var", "n"): 3, ("local", "prefix"): resolve_string(
        "arn:${data.aws_partition.current.partition}:iam::aws:policy", _lookup)}
    return known.get((root, name), Unknown(f"{root}.{name}"))


def _outcomes(tmp_path: Path, text: str, policy: str) -> dict[str, Outcome]:
    (tmp_path / "main.tf").write_text(text)
    result = scan(ScanOptions(paths=(str(tmp_path),), use_cache=False))
    return {f.resource: f.outcome for f in result.findings if f.policy_id == policy}


def test_a_template_with_an_unknown_part_keeps_its_known_text_in_order() -> None:
    value = resolve_string("arn:${data.aws_partition.current.partition}:s3:::${var.bucket}/*", _lookup)
    assert isinstance(value, Template)
    assert [p if isinstance(p, str) else None for p in value.parts] == ["arn:", None, ":s3:::logs/*"]
    assert may_equal(value, "arn:aws-cn:s3:::logs/*") and may_equal(value, "arn:a:b:s3:::logs/*")
    assert not may_equal(value, "*") and not may_equal(value, "arn:aws:s3:::other/*")


def test_a_template_inside_a_template_is_spliced_and_numbers_render_as_terraform_does() -> None:
    value = resolve_string("${local.prefix}/ReadOnlyAccess-${var.n}", _lookup)
    assert [p if isinstance(p, str) else None for p in value.parts] == \
        ["arn:", None, ":iam::aws:policy/ReadOnlyAccess-3"]
    assert resolve_string("${var.bucket}-${var.n}", _lookup) == "logs-3", "all known: a plain string"


def test_equality_decides_only_what_no_value_of_the_unknown_part_can_change() -> None:
    assert evaluate('"arn:${data.p.q}:s3:::x" == "*"', _lookup) is False
    assert evaluate('"arn:${data.p.q}:s3:::x" != "*"', _lookup) is True
    assert evaluate('"${data.p.q}/file" != ""', _lookup) is True, "literal text: never empty"
    assert evaluate('"arn:${data.p.q}:s3:::x" != null', _lookup) is True, "a template is never null"
    assert isinstance(evaluate('"arn:${data.p.q}:s3:::x" == "arn:aws:s3:::x"', _lookup), Unknown)
    assert isinstance(evaluate('"${data.p.q}" == "*"', _lookup), Unknown), "no known text: nothing decided"
    assert isinstance(evaluate('"${data.p.q}${var.x}" == ""', _lookup), Unknown)


def test_a_function_of_a_template_knows_nothing_of_its_shape() -> None:
    for text in ('replace("arn:${data.p.q}:x", "x", "*")', 'lower("A${data.p.q}")', 'coalesce("${data.p.q}", "b")'):
        value = evaluate(text, _lookup)
        assert isinstance(value, Unknown) and not isinstance(value, Template), text
    flat = evaluate('length(flatten(["a-${data.p.q}", "b"]))', _lookup)
    assert flat == 2, "a template is one string, never a list"


def test_jsonencode_of_a_partly_known_object_keeps_its_structure() -> None:
    value = evaluate('jsonencode({Statement = [{Effect = "Allow", Action = ["s3:GetObject"], '
                     'Resource = "arn:${data.p.q}:s3:::${var.bucket}/*", Principal = data.x.y.arn}]})', _lookup)
    assert isinstance(value, Encoded)
    partial: dict = {}
    record(partial, "TEXT", value)
    statement = partial["TEXT"]["json"]["Statement"][0]
    assert statement["Action"] == ["s3:GetObject"] and statement["Effect"] == "Allow"
    assert statement["Principal"].startswith("${unknown(data.x"), "an unknown leaf is a marker"
    assert statement["Principal"] not in partial, "nothing known of it"
    assert partial[statement["Resource"]] == {"segments": ["arn:", None, ":s3:::logs/*"],
                                              "pattern": r"^arn:[\s\S]*:s3:::logs/\*$"}
    assert isinstance(evaluate("jsonencode(data.x.y)", _lookup), Unknown)
    assert not isinstance(evaluate("jsonencode(data.x.y)", _lookup), Encoded)


def test_shapes_reach_the_resource_and_a_key_described_twice_differently_is_dropped(tmp_path: Path) -> None:
    text = ('data "aws_partition" "current" {}\nvariable "ids" {\n  default = ["a", "b"]\n}\n'
            'resource "aws_iam_role_policy_attachment" "a" {\n  role = "r"\n'
            '  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/ReadOnlyAccess"\n}\n'
            'resource "aws_security_group" "s" {\n  dynamic "ingress" {\n    for_each = var.ids\n'
            '    content {\n      description = "${ingress.value}-${data.aws_partition.current.partition}"\n'
            '    }\n  }\n}\n')
    res = _resources(tmp_path, text)
    arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/ReadOnlyAccess"
    assert res["aws_iam_role_policy_attachment.a"].meta["partial"][arn]["segments"] == \
        ["arn:", None, ":iam::aws:policy/ReadOnlyAccess"]
    assert res["aws_iam_role_policy_attachment.a"].attributes["policy_arn"] == arn, "the text is kept"
    assert "partial" not in res["aws_security_group.s"].meta, "two iterations, two shapes: none is claimed"


def test_known_suffix_or_an_own_policy_decides_the_attachment_and_other_references_stay_inconclusive(tmp_path: Path) -> None:
    text = ('data "aws_partition" "current" {}\nresource "aws_iam_policy" "p" {\n  policy = "{}"\n}\n'
            'locals {\n  prefix = "arn:${data.aws_partition.current.partition}:iam::aws:policy"\n}\n'
            'resource "aws_iam_role_policy_attachment" "ro" {\n  role = "r"\n'
            '  policy_arn = "${local.prefix}/ReadOnlyAccess"\n}\n'
            'resource "aws_iam_role_policy_attachment" "admin" {\n  role = "r"\n'
            '  policy_arn = "${local.prefix}/AdministratorAccess"\n}\n'
            'resource "aws_iam_role_policy_attachment" "own" {\n  role = "r"\n  policy_arn = aws_iam_policy.p.arn\n}\n'
            'resource "aws_iam_role_policy_attachment" "other" {\n  role = "r"\n  policy_arn = aws_iam_role.x.arn\n}\n')
    outcomes = _outcomes(tmp_path, text, "TF-041")
    assert outcomes == {"aws_iam_role_policy_attachment.ro": Outcome.PASS,
                        "aws_iam_role_policy_attachment.admin": Outcome.INCONCLUSIVE,
                        "aws_iam_role_policy_attachment.own": Outcome.PASS,
                        "aws_iam_role_policy_attachment.other": Outcome.INCONCLUSIVE}


def test_jsonencoded_policy_decides_on_known_actions_and_fails_on_known_wildcards(tmp_path: Path) -> None:
    text = ('data "aws_partition" "current" {}\nvariable "statements" {}\n'
            'resource "aws_iam_policy" "scoped" {\n  policy = jsonencode({Version = "2012-10-17", Statement = [{\n'
            '    Effect = "Allow", Action = "*", Resource = "arn:${data.aws_partition.current.partition}:s3:::b/*"\n'
            '  }]})\n}\n'
            'resource "aws_iam_policy" "admin" {\n  policy = jsonencode({Version = "2012-10-17", Statement = [{\n'
            '    Effect = "Allow", Action = "*", Resource = "*", Sid = data.aws_partition.current.partition\n'
            '  }]})\n}\n'
            'resource "aws_iam_policy" "open" {\n  policy = jsonencode({Version = "2012-10-17", Statement = [{\n'
            '    Effect = "Allow", Action = "*", Resource = "${data.aws_partition.current.partition}"\n'
            '  }]})\n}\n'
            'resource "aws_iam_policy" "hidden" {\n  policy = jsonencode({Version = "2012-10-17",'
            ' Statement = var.statements})\n}\n')
    outcomes = _outcomes(tmp_path, text, "TF-040")
    assert outcomes == {"aws_iam_policy.scoped": Outcome.PASS, "aws_iam_policy.admin": Outcome.FAIL,
                        "aws_iam_policy.open": Outcome.INCONCLUSIVE, "aws_iam_policy.hidden": Outcome.INCONCLUSIVE}


def test_a_service_or_federated_principal_is_never_a_wildcard_whatever_its_name(tmp_path: Path) -> None:
    text = ('data "aws_caller_identity" "me" {}\nvariable "provider_arn" {}\n'
            'resource "aws_iam_role" "oidc" {\n  assume_role_policy = jsonencode({Statement = [{\n'
            '    Effect = "Allow", Action = "sts:AssumeRoleWithWebIdentity",\n'
            '    Principal = { Federated = var.provider_arn }\n  }]})\n}\n'
            'resource "aws_iam_role" "account" {\n  assume_role_policy = jsonencode({Statement = [{\n'
            '    Effect = "Allow", Action = "sts:AssumeRole",\n'
            '    Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.me.account_id}:root" }\n  }]})\n}\n')
    outcomes = _outcomes(tmp_path, text, "TF-168")
    assert outcomes == {"aws_iam_role.oidc": Outcome.PASS, "aws_iam_role.account": Outcome.INCONCLUSIVE}


def test_a_module_output_template_keeps_its_known_text_in_the_caller(tmp_path: Path) -> None:
    (tmp_path / "child").mkdir()
    (tmp_path / "child" / "main.tf").write_text(
        'data "aws_partition" "current" {}\n'
        'output "policy_arn" {\n  value = "arn:${data.aws_partition.current.partition}:iam::aws:policy/ReadOnlyAccess"\n}\n')
    text = ('module "m" {\n  source = "./child"\n}\n'
            'resource "aws_iam_role_policy_attachment" "a" {\n  role = "r"\n'
            '  policy_arn = "${module.m.policy_arn}"\n}\n')
    assert _outcomes(tmp_path, text, "TF-041") == {"aws_iam_role_policy_attachment.a": Outcome.PASS}


def test_each_value_holding_an_own_policy_arn_is_decided_and_a_looked_up_one_is_not(tmp_path: Path) -> None:
    text = ('resource "aws_iam_policy" "extra" {\n  name = "a"\n  policy = "{}"\n}\n'
            'data "aws_iam_policy" "admin" {\n  name = "AdministratorAccess"\n}\n'
            'resource "aws_iam_role_policy_attachment" "a" {\n'
            '  for_each = { own = aws_iam_policy.extra.arn, looked_up = data.aws_iam_policy.admin.arn }\n'
            '  role = "r"\n  policy_arn = each.value\n}\n')
    assert _outcomes(tmp_path, text, "TF-041") == {'aws_iam_role_policy_attachment.a["own"]': Outcome.PASS,
                                                   'aws_iam_role_policy_attachment.a["looked_up"]': Outcome.INCONCLUSIVE}


def test_a_text_known_in_one_evaluation_and_unknown_in_another_is_not_described(tmp_path: Path) -> None:
    text = ('data "aws_partition" "current" {}\nvariable "parts" {}\n'
            'locals {\n  items = { a = "arn:${data.aws_partition.current.partition}:x", b = var.parts }\n}\n'
            'resource "aws_security_group" "s" {\n  dynamic "ingress" {\n    for_each = local.items\n'
            '    content {\n      description = "${ingress.value}"\n    }\n  }\n}\n')
    res = _resources(tmp_path, text)
    assert "partial" not in res["aws_security_group.s"].meta, "iteration b knows nothing: no shape is claimed"
