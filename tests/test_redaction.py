"""Literal secrets in unknown expressions never reach a report; TF-062 judges each value."""

from __future__ import annotations

from pathlib import Path

import pytest

from soc2gate.api import ScanOptions, scan
from soc2gate.engine.redaction import redact_literals
from soc2gate.model import Outcome
from soc2gate.reporters import get_renderer

SECRET = "S3cretPW"

POLICY = '''# METADATA
# title: Database URL is checked
# description: A policy that reads environment.variables.DB_URL, which is unknown here.
# custom:
#   id: TF-990
#   severity: high
#   resource_types: [aws_lambda_function]
#   controls:
#     CC6.1: because
#   remediation: fix it
package soc2gate.policies.terraform.db_url_checked

import rego.v1

deny contains {"resource": r.id, "path": "environment.variables.DB_URL", "message": "DB_URL is not allowed"} if {
	some r in input.resources.aws_lambda_function
}
'''

CONFIG = '''resource "aws_db_instance" "db" {
  engine = "postgres"
}

resource "aws_lambda_function" "f" {
  function_name = "f"
  role          = "arn:aws:iam::123456789012:role/x"
  environment {
    variables = {
      DB_HOST     = aws_db_instance.db.address
      DB_PASSWORD = "hunter2-literal"
      DB_URL      = "postgres://admin:%s@${aws_db_instance.db.address}/app"
    }
  }
}
''' % SECRET


@pytest.mark.parametrize("expression, shown", [
    ("postgres://admin:PW@${aws_db_instance.db.address}", "***${aws_db_instance.db.address}"),
    ("aws_db_instance.db.address", "aws_db_instance.db.address"),
    ('var.env == "prod" ? "hunter2" : var.x', 'var.env == "***" ? "***" : var.x'),
    ('lookup(var.m, "k\\"x")', 'lookup(var.m, "***")'),
    ('${format("%s:pw", var.u)}', '${format("***", var.u)}'),
    ('jsonencode({a = "s3cr3t", b = var.b})', 'jsonencode({a = "***", b = var.b})'),
    ("x $${notref} ${a.b}", "***${a.b}"),
    ("<<EOT\nsecret text\nEOT", "<<EOT *** EOT"),
    ("%{ if var.x }secret%{ endif }", "%{ if var.x }***%{ endif }"),
    ('dynamic "ingress" for_each = var.rules', 'dynamic "ingress" for_each = var.rules'),
    ('"unterminated', '"***"'),
    ("", ""),
])
def test_string_literals_are_masked_and_references_kept(expression: str, shown: str) -> None:
    assert redact_literals(expression) == shown


def test_a_secret_in_an_unknown_expression_appears_in_no_report_format(tmp_path: Path) -> None:
    policy = tmp_path / "policies" / "terraform" / "db-url"
    policy.mkdir(parents=True)
    (policy / "policy.rego").write_text(POLICY)
    (tmp_path / "main.tf").write_text(CONFIG)
    result = scan(ScanOptions(paths=(str(tmp_path / "main.tf"),), policy_dirs=(str(tmp_path / "policies"),),
                              use_cache=False))
    [custom] = [f for f in result.findings if f.policy_id == "TF-990"]
    assert custom.outcome is Outcome.INCONCLUSIVE
    assert custom.unknown_expression == "***${aws_db_instance.db.address}***"
    for fmt in ("text", "json", "junit", "sarif", "markdown"):
        assert SECRET not in get_renderer(fmt)(result), fmt


def test_a_literal_secret_fails_tf_062_beside_an_unknown_sibling(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(CONFIG)
    result = scan(ScanOptions(paths=(str(tmp_path / "main.tf"),), use_cache=False))
    tf062 = {(f.outcome, f.attribute_path) for f in result.findings if f.policy_id == "TF-062"}
    assert tf062 == {(Outcome.FAIL, "environment.variables.DB_PASSWORD")}
