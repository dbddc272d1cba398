"""Plans, Kubernetes manifests, encodings and skipped paths."""

from __future__ import annotations

import json
from pathlib import Path

from soc2gate.model import Outcome
from soc2gate.parsers.collect import CollectOptions, collect
from soc2gate.parsers.textio import UnreadableInput, decode

REPO = Path(__file__).resolve().parent.parent


def _collect(*paths: str):
    return collect(list(paths), CollectOptions(use_cache=False))


def test_plan_resources_unknown_and_deleted() -> None:
    out = _collect(str(REPO / "examples/plan/tfplan.json"))
    res = {r.address: r for r in out.resources}
    assert "module.network.aws_security_group.web" in res
    assert res["module.network.aws_security_group.web"].meta["module"] == "module.network"
    assert res["aws_s3_bucket.reports"].unknown["server_side_encryption_configuration"] == "(known after apply)"
    assert res["aws_backup_vault.legacy"].meta["actions"] == ["delete"]
    assert res["aws_ebs_volume.data"].span.start_line > 1


def test_plan_utf16_with_bom(tmp_path: Path) -> None:
    text = (REPO / "examples/plan/tfplan.json").read_text()
    target = tmp_path / "plan.json"
    target.write_bytes(text.encode("utf-16"))
    assert len(_collect(str(target)).resources) == 5


def test_decode_rejects_binary_and_bad_utf8() -> None:
    for data in (b"\x00\x01\x02binary\x00\xff", b"ok\n\xff\xfe\xfa bad"):
        try:
            decode(data, "f.yaml")
        except UnreadableInput as exc:
            assert "f.yaml" in str(exc)
        else:
            raise AssertionError("expected UnreadableInput")


def test_kubernetes_multi_document_list_and_lines(tmp_path: Path) -> None:
    target = tmp_path / "m.yaml"
    target.write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers: [{name: c, image: x}]\n"
                      "---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: s}\n"
                      "---\nfoo: bar\n")
    out = _collect(str(target))
    res = {r.address: r for r in out.resources}
    assert set(res) == {"Pod/a", "Service/s"}
    assert res["Pod/a"].span.start_line == 1 and res["Service/s"].span.start_line == 10
    assert res["Pod/a"].meta["pod"]["containers"][0]["path"] == "spec.containers[0]"
    assert any("#3" in s.path for s in out.skipped)


def test_helm_template_is_reported_not_crashed(tmp_path: Path) -> None:
    target = tmp_path / "deploy.yaml"
    target.write_text("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Values.name }}\n")
    out = _collect(str(target))
    assert [f.policy_id for f in out.findings] == ["SYS-001"]
    assert "helm template" in out.findings[0].message and out.findings[0].span.start_line == 4
    assert out.findings[0].outcome is Outcome.ERROR


def test_walk_skips_vendor_dirs_and_lists_others(tmp_path: Path) -> None:
    (tmp_path / ".terraform").mkdir()
    (tmp_path / ".terraform" / "x.tf").write_text("garbage {{{")
    (tmp_path / "notes.md").write_text("hi")
    (tmp_path / "other.json").write_text(json.dumps({"a": 1}))
    out = _collect(str(tmp_path))
    assert not out.findings
    reasons = {Path(s.path).name: s.reason for s in out.skipped}
    assert "notes.md" in reasons and "other.json" in reasons and "x.tf" not in reasons


def test_missing_and_explicit_unsupported_paths_fail(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x")
    out = _collect(str(tmp_path / "nope.tf"), str(tmp_path / "a.txt"))
    assert [f.policy_id for f in out.findings] == ["SYS-005", "SYS-005"]


def test_plan_nulls_and_computed_values_read_like_hcl(tmp_path: Path) -> None:
    """null = not set; a value computed at apply that the configuration does not set is absent."""
    plan = {
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": [{
            "address": "aws_db_instance.db", "mode": "managed", "type": "aws_db_instance", "name": "db",
            "values": {"engine": "mysql", "storage_encrypted": None, "kms_key_id": None}}]}},
        "resource_changes": [{"address": "aws_db_instance.db", "type": "aws_db_instance", "name": "db",
                              "change": {"actions": ["create"], "after_unknown": {"kms_key_id": True, "arn": True}}}],
        "configuration": {"root_module": {"resources": [{"address": "aws_db_instance.db",
                                                         "expressions": {"engine": {"constant_value": "mysql"}}}]}},
    }
    target = tmp_path / "plan.json"
    target.write_text(json.dumps(plan))
    hcl = tmp_path / "hcl" / "main.tf"
    hcl.parent.mkdir()
    hcl.write_text('resource "aws_db_instance" "db" {\n  engine = "mysql"\n}\n')
    planned = _collect(str(target)).resources[0]
    written = _collect(str(hcl)).resources[0]
    assert planned.attributes == written.attributes == {"engine": "mysql"}
    assert "kms_key_id" in planned.unknown


ALIAS_BOMB = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"  {chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(7))


def test_yaml_alias_bomb_is_refused_not_expanded(tmp_path: Path) -> None:
    target = tmp_path / "bomb.yaml"
    target.write_text(ALIAS_BOMB)
    out = _collect(str(target))
    assert [f.policy_id for f in out.findings] == ["SYS-001"]
    assert "alias" in out.findings[0].message and not out.resources


def test_config_alias_bomb_is_a_config_error(tmp_path: Path) -> None:
    import pytest

    from soc2gate.config import load_config
    from soc2gate.errors import ConfigError

    config = tmp_path / "c.yaml"
    config.write_text(ALIAS_BOMB.replace("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n", "x:\n"))
    with pytest.raises(ConfigError, match="alias"):
        load_config(str(config))


def test_too_deep_inputs_fail_closed_with_file_and_line(tmp_path: Path) -> None:
    from soc2gate.api import ScanOptions, scan

    yaml_file = tmp_path / "deep.yaml"
    yaml_file.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d}\ndata:\n  k: " + "[" * 300 + "]" * 300 + "\n")
    json_file = tmp_path / "deep.json"
    json_file.write_text('{"format_version": "1.0", "planned_values": ' + "[" * 100000 + "]" * 100000 + "}")
    result = scan(ScanOptions(paths=(str(yaml_file), str(json_file)), use_cache=False))
    errors = {Path(f.span.file).name: f for f in result.findings if f.policy_id == "SYS-001"}
    assert set(errors) == {"deep.yaml", "deep.json"} and not result.passed
    assert "nested" in errors["deep.yaml"].message and errors["deep.yaml"].span.start_line == 1
