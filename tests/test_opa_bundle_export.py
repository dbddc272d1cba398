"""``soc2gate policies export --format bundle``: an OPA bundle of the pack users can load in their own OPA."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

from click.testing import CliRunner
from opa_client import OpaClient

from opa_standin import StandInOpa
from policy_fixtures import all_fixtures
from soc2gate.api import Gate, ScanOptions
from soc2gate.api.gate import _collect
from soc2gate.catalog.controls import load_controls
from soc2gate.catalog.locate import policies_dir
from soc2gate.catalog.policies import load_bundle
from soc2gate.commands.policies import command
from soc2gate.engine.base import split_by_package
from soc2gate.engine.input_doc import build_input


def _export(tmp_path: Path, name: str, *extra: str) -> tuple[Path, dict[str, bytes]]:
    output = tmp_path / name
    run = CliRunner().invoke(command, ["export", "--format", "bundle", "--output", str(output), *extra])
    assert run.exit_code == 0, run.output
    with tarfile.open(output, "r:gz") as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}
    return output, members


def test_bundle_holds_the_manifest_and_every_module(tmp_path: Path) -> None:
    _, members = _export(tmp_path, "bundle.tar.gz")
    bundle = load_bundle([policies_dir()], load_controls())
    manifest = json.loads(members.pop(".manifest"))
    assert manifest["revision"] == bundle.digest
    assert manifest["roots"] == ["soc2gate"]
    expected = {f"policies/{Path(p).relative_to(policies_dir()).as_posix()}": s.encode() for p, s in bundle.modules}
    assert members == expected
    assert not [n for n in members if "/fixtures/" in n or n.endswith("_test.rego")]


def test_export_is_reproducible(tmp_path: Path) -> None:
    first, _ = _export(tmp_path, "a.tar.gz")
    second, _ = _export(tmp_path, "b.tar.gz")
    assert first.read_bytes() == second.read_bytes()


def test_extra_policy_dir_is_included(tmp_path: Path) -> None:
    extra = tmp_path / "mine" / "terraform" / "custom"
    extra.mkdir(parents=True)
    source = Path(policies_dir() / "terraform" / "aws-s3-encryption" / "policy.rego").read_text(encoding="utf-8")
    source = source.replace("id: TF-001", "id: TF-990").replace("aws_s3_encryption", "custom_copy")
    (extra / "policy.rego").write_text(source, encoding="utf-8")
    _, members = _export(tmp_path, "extra.tar.gz", "--policy-dir", str(tmp_path / "mine"))
    assert members["extra-1/terraform/custom/policy.rego"] == source.encode()
    assert json.loads(members[".manifest"])["metadata"]["policies"] == len(load_bundle([policies_dir()], load_controls()).policies) + 1


def test_loaded_into_an_opa_rest_api_it_decides_like_the_gate(tmp_path: Path) -> None:
    """Load the bundle's modules through the REST API of the loopback STAND-IN (not OPA) and query it."""
    _, members = _export(tmp_path, "bundle.tar.gz")
    fixture = next(f for f in all_fixtures() if f.kind == "fail" and f.config is None and f.policy.surface == "terraform")
    gate = Gate.load(ScanOptions())
    document = build_input(_collect(ScanOptions(paths=(str(fixture.path),), use_cache=False), gate.config).resources,
                           gate.params())
    with StandInOpa() as opa:
        client = OpaClient(host="127.0.0.1", port=int(opa.url.rsplit(":", 1)[1]), timeout=30)
        for name, data in members.items():
            if name.endswith(".rego"):
                assert client.update_policy_from_string(data.decode(), name, rego_compat=False)
        answer = client.query_rule(input_data=document, package_path="soc2gate.policies")
        client.close_connection()
    exported = split_by_package(gate.bundle, answer["result"])
    native = gate.engine.evaluate(document)
    assert exported.denies[fixture.policy.id], "the fail fixture must produce a deny"
    assert exported.denies == {k: v for k, v in native.denies.items()}
