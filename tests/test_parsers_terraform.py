"""Terraform HCL: resources, lines, variables, locals, unknowns, links, modules."""

from __future__ import annotations

from pathlib import Path

from soc2gate.parsers.collect import CollectOptions, collect


def _scan(tmp_path: Path, files: dict[str, str], var_files: tuple[str, ...] = ()) -> dict:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    out = collect([str(tmp_path)], CollectOptions(use_cache=False, var_files=var_files))
    return {"by_address": {r.address: r for r in out.resources}, "out": out}


def test_blocks_become_resources_with_lines(tmp_path: Path) -> None:
    got = _scan(tmp_path, {"main.tf": 'resource "aws_s3_bucket" "logs" {\n  bucket = "x"\n  acl = "private"\n}\n'
                                      'data "aws_iam_policy_document" "p" {}\nmodule "m" {\n  source = "git::x"\n}\n'})
    res = got["by_address"]
    assert set(res) == {"aws_s3_bucket.logs", "data.aws_iam_policy_document.p", "module.m"}
    bucket = res["aws_s3_bucket.logs"]
    assert (bucket.span.start_line, bucket.span.end_line) == (1, 4)
    assert bucket.line_of["acl"] == 3
    assert bucket.attributes == {"bucket": "x", "acl": "private"}


def test_variables_tfvars_var_file_and_locals(tmp_path: Path) -> None:
    files = {
        "main.tf": 'variable "env" { default = "dev" }\nvariable "enc" {}\nvariable "size" { default = 1 }\n'
                   'locals { name = "acme-${var.env}" }\n'
                   'resource "aws_ebs_volume" "v" {\n  encrypted = var.enc\n  size = var.size\n  tags = { Name = local.name }\n}\n',
        "terraform.tfvars": 'env = "prod"\n',
        "x.auto.tfvars": "size = 5\n",
    }
    vol = _scan(tmp_path, files)["by_address"]["aws_ebs_volume.v"]
    assert vol.attributes["tags"] == {"Name": "acme-prod"}
    assert vol.attributes["size"] == 5
    assert vol.unknown == {"encrypted": "var.enc"}
    extra = tmp_path / "extra.tfvars"
    extra.write_text("enc = true\n")
    vol = _scan(tmp_path, {}, var_files=(str(extra),))["by_address"]["aws_ebs_volume.v"]
    assert vol.attributes["encrypted"] is True and not vol.unknown


def test_count_zero_and_empty_dynamic(tmp_path: Path) -> None:
    files = {"main.tf": 'variable "create" { default = false }\n'
                        'resource "aws_s3_bucket" "gone" {\n  count = var.create ? 1 : 0\n}\n'
                        'resource "aws_security_group" "sg" {\n  dynamic "ingress" {\n    for_each = []\n'
                        '    content { from_port = 22 }\n  }\n}\n'}
    res = _scan(tmp_path, files)["by_address"]
    assert "aws_s3_bucket.gone" not in res
    assert "ingress" in res["aws_security_group.sg"].attributes
    assert res["aws_security_group.sg"].attributes["ingress"] == []


def test_linked_resources_by_reference_and_name(tmp_path: Path) -> None:
    files = {"main.tf": 'resource "aws_s3_bucket" "a" { bucket = "alpha" }\n'
                        'resource "aws_s3_bucket" "b" { bucket = "beta" }\n'
                        'resource "aws_s3_bucket_versioning" "a" {\n  bucket = aws_s3_bucket.a.id\n}\n'
                        'resource "aws_s3_bucket_logging" "b" {\n  bucket = "beta"\n}\n'}
    res = _scan(tmp_path, files)["by_address"]
    assert list(res["aws_s3_bucket.a"].links) == ["aws_s3_bucket_versioning"]
    assert list(res["aws_s3_bucket.b"].links) == ["aws_s3_bucket_logging"]


def test_unresolvable_link_marks_parent_unknown(tmp_path: Path) -> None:
    files = {"main.tf": 'variable "name" {}\nresource "aws_s3_bucket" "a" { bucket = "alpha" }\n'
                        'resource "aws_s3_bucket_server_side_encryption_configuration" "x" {\n  bucket = var.name\n}\n'}
    bucket = _scan(tmp_path, files)["by_address"]["aws_s3_bucket.a"]
    assert bucket.unknown["links.aws_s3_bucket_server_side_encryption_configuration"] == "var.name"


def test_local_module_expansion_passes_inputs(tmp_path: Path) -> None:
    files = {"main.tf": 'module "store" {\n  source = "./modules/store"\n  name = "acme"\n}\n',
             "modules/store/main.tf": 'variable "name" {}\nresource "aws_s3_bucket" "this" { bucket = var.name }\n'}
    res = _scan(tmp_path, files)["by_address"]
    assert res["module.store.aws_s3_bucket.this"].attributes["bucket"] == "acme"
    assert "aws_s3_bucket.this" not in res, "a called module directory is not evaluated as a root"


def test_registry_module_described_by_data(tmp_path: Path) -> None:
    files = {"main.tf": 'module "db" {\n  source = "terraform-aws-modules/rds/aws"\n  publicly_accessible = true\n}\n'}
    db = _scan(tmp_path, files)["by_address"]["module.db.aws_db_instance.this"]
    assert db.attributes["publicly_accessible"] is True
    assert db.attributes["storage_encrypted"] is True, "documented module default"
    assert db.line_of["publicly_accessible"] == 3 and db.span.start_line == 1


def test_syntax_error_is_sys001_with_line(tmp_path: Path) -> None:
    out = _scan(tmp_path, {"bad.tf": 'resource "a" "b" {\n  x = \n}\n'})["out"]
    assert [f.policy_id for f in out.findings] == ["SYS-001"]
    assert out.findings[0].span.file.endswith("bad.tf") and out.findings[0].span.start_line == 2


def test_tf_json(tmp_path: Path) -> None:
    text = '{"resource": {"aws_ebs_volume": {"v": {"encrypted": false}}}}'
    res = _scan(tmp_path, {"main.tf.json": text})["by_address"]
    assert res["aws_ebs_volume.v"].attributes == {"encrypted": False}


def test_link_through_conditional_reference_and_nested_dynamic(tmp_path: Path) -> None:
    files = {"main.tf": 'variable "directory" { default = false }\n'
                        'variable "sse" { default = { algorithm = "aws:kms" } }\n'
                        'resource "aws_s3_bucket" "this" { bucket = "b" }\n'
                        'resource "aws_s3_bucket_server_side_encryption_configuration" "this" {\n'
                        '  bucket = var.directory ? aws_s3_directory_bucket.this[0].bucket : aws_s3_bucket.this.id\n'
                        '  rule {\n    dynamic "apply_server_side_encryption_by_default" {\n'
                        '      for_each = [var.sse]\n      content { sse_algorithm = apply_server_side_encryption_by_default.value.algorithm }\n'
                        '    }\n  }\n}\n'}
    res = _scan(tmp_path, files)["by_address"]
    bucket = res["aws_s3_bucket.this"]
    linked = bucket.links["aws_s3_bucket_server_side_encryption_configuration"][0]["attributes"]
    assert linked["rule"][0]["apply_server_side_encryption_by_default"][0]["sse_algorithm"] == "aws:kms"
    assert "rule.apply_server_side_encryption_by_default.sse_algorithm" not in \
        res["aws_s3_bucket_server_side_encryption_configuration.this"].unknown, "the iterator value is known"


def test_expression_evaluator_cases() -> None:
    from soc2gate.parsers.expressions import resolve_string
    from soc2gate.parsers.expressions_types import UNBOUND, Reference, Unknown

    values = {"a": True, "n": 3, "m": {"k": "v"}}

    def lookup(root: str, name: str):
        if root in ("var", "local"):
            return values.get(name, Unknown(f"{root}.{name}"))
        return UNBOUND  # not a symbol of this scope: a reference to a resource (or unknown)

    assert resolve_string("${var.a ? 1 : 0}", lookup) == 1
    assert resolve_string("x-${var.n}-${var.m.k}", lookup) == "x-3-v"
    assert resolve_string("${length([1, 2]) >= 2 && !false}", lookup) is True
    assert resolve_string('${jsonencode({a = 1, b = ["x"]})}', lookup) == '{"a":1,"b":["x"]}'
    assert resolve_string('${lookup(var.m, "k", "d")}', lookup) == "v"
    assert resolve_string("${false && var.unset}", lookup) is False
    assert isinstance(resolve_string("${var.unset ? 1 : 0}", lookup), Unknown)
    assert isinstance(resolve_string("${[for s in var.l : s]}", lookup), Unknown)
    assert resolve_string('${[for k, v in var.m : "${k}=${v}"]}', lookup) == ["k=v"]
    assert resolve_string("${{for i in range(3) : tostring(i) => i * 2 if i > 0}}", lookup) == {"1": 2, "2": 4}
    assert resolve_string("${try(var.m.missing, jsondecode(var.m), \"d\")}", lookup) == "d"
    assert isinstance(resolve_string("${try(var.unset, 1)}", lookup), Unknown), "unknown is not an error"
    reference = resolve_string("${aws_kms_key.k.arn}", lookup)
    assert isinstance(reference, Reference) and reference.address == "aws_kms_key.k"
    assert not isinstance(resolve_string("${each.value}", lookup), Reference)


def test_registry_module_legacy_default_by_major_version(tmp_path: Path) -> None:
    files = {"main.tf": 'module "old" {\n  source = "terraform-aws-modules/sqs/aws"\n  version = "~> 2.0"\n}\n'
                        'module "new" {\n  source = "terraform-aws-modules/sqs/aws"\n}\n'}
    res = _scan(tmp_path, files)["by_address"]
    assert res["module.old.aws_sqs_queue.this"].attributes["sqs_managed_sse_enabled"] is False
    assert res["module.new.aws_sqs_queue.this"].attributes["sqs_managed_sse_enabled"] is True


def test_knative_and_pod_template_are_workloads(tmp_path: Path) -> None:
    target = tmp_path / "k.yaml"
    target.write_text("apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: hello}\nspec:\n"
                      "  template:\n    spec:\n      containers: [{image: x}]\n---\n"
                      "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: ClusterIP}\n")
    out = collect([str(target)], CollectOptions(use_cache=False))
    pods = {r.address: r.meta["pod"] for r in out.resources}
    assert pods["Service/hello"]["containers"][0]["path"] == "spec.template.spec.containers[0]"
    assert pods["Service/web"] is None


def test_broken_hcl2_install_is_a_clear_error(monkeypatch) -> None:
    """bc-python-hcl2 (a checkov dependency) replaces python-hcl2's API: say so, do not crash."""
    import sys

    import pytest

    from soc2gate.errors import BrokenEnvironment
    from soc2gate.parsers.hcl_file import parse_file

    monkeypatch.setitem(sys.modules, "hcl2.api", None)
    with pytest.raises(BrokenEnvironment) as info:
        parse_file('resource "a" "b" {}\n', "main.tf")
    assert "bc-python-hcl2" in str(info.value) and "own venv" in str(info.value)
