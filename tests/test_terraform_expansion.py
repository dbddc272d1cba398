"""Terraform semantics the parser reproduces: count/for_each instances, dynamic blocks, override files."""

from __future__ import annotations

from pathlib import Path

import pytest

from soc2gate.api import ScanOptions, scan
from soc2gate.model import Outcome
from soc2gate.parsers.collect import CollectOptions, collect


def _resources(tmp_path: Path, files: dict[str, str]) -> dict:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    out = collect([str(tmp_path)], CollectOptions(use_cache=False))
    assert not out.findings, [f.message for f in out.findings]
    return {r.address: r for r in out.resources}


@pytest.mark.parametrize("collection, keys", [
    ('["b", "a", "a"]', ['["a"]', '["b"]']),
    ('toset(["x", "y"])', ['["x"]', '["y"]']),
    ("{ one = 1, two = 2 }", ['["one"]', '["two"]']),
    ("local.m", ['["k1"]', '["k2"]']),
    ('{ for k, v in local.m : k => v if v != "skip" }', ['["k1"]']),
    ("merge(local.m, { k3 = 3 })", ['["k1"]', '["k2"]', '["k3"]']),
    ("toset(keys(local.m))", ['["k1"]', '["k2"]']),
    ('var.on ? { a = 1 } : {}', []),
    ('toset([for i in range(2) : "n${i}"])', ['["n0"]', '["n1"]']),
])
def test_for_each_collections_expand_to_instance_addresses(tmp_path: Path, collection: str, keys: list[str]) -> None:
    text = ('variable "on" { default = false }\nlocals { m = { k1 = "v1", k2 = "skip" } }\n'
            f'resource "aws_instance" "web" {{\n  for_each = {collection}\n  ami = "ami-${{each.key}}"\n}}\n')
    res = _resources(tmp_path, {"main.tf": text})
    assert sorted(res) == [f"aws_instance.web{k}" for k in keys]
    for key in keys:
        assert res[f"aws_instance.web{key}"].attributes["ami"] == "ami-" + key[2:-2]
        assert res[f"aws_instance.web{key}"].meta["instance_key"] == key[2:-2]


def test_count_and_each_resolve_per_instance_and_zero_means_absent(tmp_path: Path) -> None:
    text = ('variable "sizes" { default = { a = 10, b = 20 } }\nvariable "n" { default = 3 }\n'
            'resource "aws_ebs_volume" "c" {\n  count = var.n - 1\n  size = 8 * (count.index + 1)\n}\n'
            'resource "aws_ebs_volume" "e" {\n  for_each = var.sizes\n  size = each.value\n  tags = { k = each.key }\n}\n'
            'resource "aws_ebs_volume" "none" {\n  count = 0\n}\n'
            'data "aws_ami" "a" {\n  count = length(var.sizes) > 5 ? 1 : 0\n}\n')
    res = _resources(tmp_path, {"main.tf": text})
    assert sorted(res) == ['aws_ebs_volume.c[0]', 'aws_ebs_volume.c[1]', 'aws_ebs_volume.e["a"]', 'aws_ebs_volume.e["b"]']
    assert [res[f"aws_ebs_volume.c[{i}]"].attributes["size"] for i in (0, 1)] == [8, 16]
    assert res['aws_ebs_volume.e["b"]'].attributes["size"] == 20
    assert res['aws_ebs_volume.e["b"]'].attributes["tags"] == {"k": "b"}
    assert res['aws_ebs_volume.e["b"]'].line_of["size"] == 9, "instances keep the block's line map"


def test_unknown_collection_gives_one_block_judged_as_every_instance(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('variable "zones" {}\nresource "aws_ebs_volume" "v" {\n'
                                      '  for_each = var.zones\n  encrypted = false\n}\n'
                                      'resource "aws_ebs_volume" "w" {\n  count = var.zones == null ? 0 : 1\n'
                                      '  encrypted = true\n}\n'
                                      'resource "aws_ebs_volume" "x" {\n  for_each = var.zones\n  encrypted = each.value\n}\n')
    result = scan(ScanOptions(paths=(str(tmp_path),), use_cache=False))
    ebs = [f for f in result.findings if f.resource.startswith("aws_ebs_volume.")]
    assert {f.resource for f in ebs} == {"aws_ebs_volume.v", "aws_ebs_volume.w", "aws_ebs_volume.x"}, "one per block"
    failed = [f for f in ebs if f.resource == "aws_ebs_volume.v" and f.outcome is Outcome.FAIL]
    assert failed, "how many instances exist is unknown; that each one is unencrypted is not"
    assert "how many exist depends on `for_each = var.zones`" in failed[0].message
    assert Outcome.PASS in {f.outcome for f in ebs if f.resource == "aws_ebs_volume.w"}, "compliant either way"
    per_instance = {f.outcome for f in ebs if f.resource == "aws_ebs_volume.x"}
    assert per_instance == {Outcome.INCONCLUSIVE}, "configuration that depends on each.value stays undecided"


def test_splat_length_follows_the_blocks_count(tmp_path: Path) -> None:
    text = ('variable "on" { default = false }\n'
            'data "aws_iam_policy_document" "extra" {\n  count = var.on ? 1 : 0\n}\n'
            'data "aws_iam_policy_document" "base" {\n  count = 2\n}\n'
            'locals {\n  docs = concat(data.aws_iam_policy_document.extra[*].json, [])\n'
            '  all = data.aws_iam_policy_document.base[*].json\n}\n'
            'resource "aws_iam_policy" "p" {\n  count = length(local.docs) > 0 ? 1 : 0\n}\n'
            'resource "aws_iam_policy" "q" {\n  count = length(local.all)\n  policy = local.all[count.index]\n}\n')
    res = _resources(tmp_path, {"main.tf": text})
    assert not [a for a in res if a.startswith("aws_iam_policy.p")], "no extra document: count = 0"
    assert res["aws_iam_policy.q[1]"].unknown["policy"] == "data.aws_iam_policy_document.base[*].json"
    assert res["aws_iam_policy.q[1]"].meta["refs"]["policy"] == "data.aws_iam_policy_document.base[1]"


def test_huge_collections_are_not_expanded_but_inconclusive(tmp_path: Path) -> None:
    text = ('resource "aws_ebs_volume" "many" {\n  count = 1000000\n  encrypted = false\n}\n'
            'resource "aws_ebs_volume" "range" {\n  for_each = toset([for i in range(50000) : tostring(i)])\n}\n')
    res = _resources(tmp_path, {"main.tf": text})
    assert sorted(res) == ["aws_ebs_volume.many", "aws_ebs_volume.range"]
    assert "1000000 instances" in res["aws_ebs_volume.many"].meta["instances_unknown"]
    assert res["aws_ebs_volume.range"].meta["instances_unknown"].startswith("for_each = toset(")
    both = _resources(tmp_path / "both", {"main.tf": 'resource "a" "b" {\n  count = 1\n  for_each = {}\n}\n'})
    assert "both set" in both["a.b"].meta["instances_unknown"], "an invalid block is judged, never dropped"


def test_module_instances_carry_keys_and_call_sites(tmp_path: Path) -> None:
    files = {"main.tf": 'module "db" {\n  for_each = { eu = true, us = false }\n  source = "./db"\n'
                        '  encrypted = each.value\n}\nmodule "off" {\n  count = 0\n  source = "./db"\n}\n',
             "db/main.tf": 'variable "encrypted" {}\n\nresource "aws_db_instance" "this" {\n'
                           '  storage_encrypted = var.encrypted\n}\n'}
    res = _resources(tmp_path, files)
    eu, us = res['module.db["eu"].aws_db_instance.this'], res['module.db["us"].aws_db_instance.this']
    assert (eu.attributes["storage_encrypted"], us.attributes["storage_encrypted"]) == (True, False)
    assert eu.meta["call_sites"] == [{"address": 'module.db["eu"]', "file": str(tmp_path / "main.tf"), "line": 1}]
    assert eu.span.file == str(tmp_path / "db" / "main.tf") and eu.span.start_line == 3
    assert not [a for a in res if a.startswith("module.off")]


def test_dynamic_blocks_conditional_nested_and_iterator(tmp_path: Path) -> None:
    text = ('variable "enabled" { default = false }\nlocals { rules = [{ port = 22, cidrs = ["10.0.0.0/8"] }] }\n'
            'resource "aws_security_group" "sg" {\n'
            '  dynamic "egress" {\n    for_each = var.enabled ? [1] : []\n    content { from_port = 0 }\n  }\n'
            '  dynamic "ingress" {\n    for_each = local.rules\n    iterator = r\n'
            '    content {\n      from_port = r.value.port\n      cidr_blocks = r.value.cidrs\n'
            '      dynamic "tag" {\n        for_each = r.value.cidrs\n        content { cidr = tag.value }\n      }\n'
            '    }\n  }\n}\n')
    sg = _resources(tmp_path, {"main.tf": text})["aws_security_group.sg"]
    assert "egress" in sg.attributes and sg.attributes["egress"] == [], "false condition generates no block"
    assert sg.attributes["ingress"] == [{"from_port": 22, "cidr_blocks": ["10.0.0.0/8"], "tag": [{"cidr": "10.0.0.0/8"}]}]
    assert not sg.unknown
    assert sg.line_of["ingress.from_port"] == 12, "generated blocks point at the dynamic block's content"


def test_override_files_merge_as_terraform_documents(tmp_path: Path) -> None:
    files = {
        "main.tf": 'locals { size = 10 }\nresource "aws_ebs_volume" "v" {\n  size = local.size\n  encrypted = false\n'
                   '  lifecycle {\n    ignore_changes = [tags]\n  }\n}\n'
                   'resource "aws_security_group" "sg" {\n  ingress { from_port = 22 }\n  ingress { from_port = 80 }\n'
                   '  dynamic "egress" {\n    for_each = [1]\n    content { from_port = 1 }\n  }\n}\n'
                   'resource "aws_s3_bucket" "gone" { bucket = "x" }\n',
        "override.tf": 'resource "aws_ebs_volume" "v" {\n  encrypted = true\n  lifecycle { prevent_destroy = true }\n}\n'
                       'locals { size = 20 }\n',
        "z_override.tf": 'resource "aws_ebs_volume" "v" {\n  encrypted = false\n}\n'
                         'resource "aws_security_group" "sg" {\n  egress { from_port = 443 }\n}\n',
        "b_override.tf.json": '{"resource": {"aws_s3_bucket": {"gone": {"count": 0}},'
                              ' "aws_security_group": {"sg": {"ingress": [{"from_port": 443}]}}}}',
    }
    res = _resources(tmp_path, files)
    assert "aws_s3_bucket.gone" not in res, "count = 0 in an override removes the resource"
    volume = res["aws_ebs_volume.v"]
    assert volume.attributes["size"] == 20, "locals override value by value"
    assert volume.attributes["encrypted"] is False, "later override files win (lexicographical order)"
    assert volume.attributes["lifecycle"] == [{"ignore_changes": ["tags"], "prevent_destroy": True}]
    assert [o["file"].rsplit("/", 1)[-1] for o in volume.meta["overridden_by"]] == ["override.tf", "z_override.tf"]
    assert "encrypted" not in volume.line_of and volume.line_of["size"] == 3
    sg = res["aws_security_group.sg"]
    assert sg.attributes["ingress"] == [{"from_port": 443}], "nested blocks of a type are replaced as a whole"
    assert sg.attributes["egress"] == [{"from_port": 443}], "a static block replaces a dynamic one of its type"


def test_line_map_is_exact_inside_nested_blocks_objects_and_lists(tmp_path: Path) -> None:
    text = ('resource "x" "y" {\n  rule {\n    name = "a"\n  }\n  rule {\n    name = "b"\n  }\n'
            '  env {\n    variables = {\n      A = "1"\n      SECRET = "2"\n    }\n  }\n'
            '  items = [\n    { port = 1 },\n    {\n      port = 2\n    },\n  ]\n}\n')
    lines = _resources(tmp_path, {"main.tf": text})["x.y"].line_of
    assert (lines["rule[1]"], lines["rule[1].name"], lines["rule.name"]) == (5, 6, 3)
    assert lines["env.variables.SECRET"] == 11 and lines["env[0].variables.A"] == 10
    assert (lines["items[1]"], lines["items[1].port"], lines["items[0].port"]) == (16, 17, 15)


def test_links_follow_instance_keys(tmp_path: Path) -> None:
    text = ('resource "aws_s3_bucket" "b" {\n  for_each = toset(["a", "b"])\n  bucket = each.key\n}\n'
            'resource "aws_s3_bucket_versioning" "v" {\n  for_each = toset(["a", "b"])\n'
            '  bucket = aws_s3_bucket.b[each.key].id\n'
            '  versioning_configuration { status = each.key == "a" ? "Enabled" : "Suspended" }\n}\n')
    res = _resources(tmp_path, {"main.tf": text})
    for key, status in (("a", "Enabled"), ("b", "Suspended")):
        linked = res[f'aws_s3_bucket.b["{key}"]'].links["aws_s3_bucket_versioning"]
        assert [d["attributes"]["versioning_configuration"][0]["status"] for d in linked] == [status]
