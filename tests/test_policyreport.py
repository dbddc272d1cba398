"""--format policyreport: wgpolicyk8s.io/v1alpha2 PolicyReports that validate against the CRDs in
../shared/reference/policyreport, one per namespace, cluster-scoped and IaC results apart, split below
the API server's object size limit."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import REFERENCE, REPO, require_shared
from soc2gate.api import ScanOptions, policy_reports, scan
from soc2gate.model import Finding, Outcome, SourceSpan
from soc2gate.reporters import get_renderer
from soc2gate.reporters.policyreport import MAX_BYTES


def _schema(kind: str) -> dict:
    require_shared()
    name = {"PolicyReport": "wgpolicyk8s.io_policyreports.yaml",
            "ClusterPolicyReport": "wgpolicyk8s.io_clusterpolicyreports.yaml"}[kind]
    crd = yaml.safe_load((REFERENCE / "policyreport" / name).read_text())
    version = next(v for v in crd["spec"]["versions"] if v["name"] == "v1alpha2")
    return version["schema"]["openAPIV3Schema"]


@pytest.fixture(scope="module")
def result():
    return scan(ScanOptions(paths=(str(REPO / "examples"),), use_cache=False))


def _documents(result) -> list[dict]:
    return list(yaml.safe_load_all(get_renderer("policyreport")(result)))


def test_every_report_validates_against_its_crd(result) -> None:
    documents = _documents(result)
    assert {d["kind"] for d in documents} == {"PolicyReport", "ClusterPolicyReport"}
    for document in documents:
        jsonschema.validate(document, _schema(document["kind"]))
        assert document["apiVersion"] == "wgpolicyk8s.io/v1alpha2"
        assert document["summary"] == {k: sum(r["result"] == k for r in document["results"])
                                       for k in ("pass", "fail", "warn", "error", "skip")}


def test_results_map_outcomes_criteria_and_resources(result) -> None:
    documents = _documents(result)
    namespaced = [d for d in documents if d["kind"] == "PolicyReport"]
    assert all(d["metadata"]["namespace"] and d["metadata"]["name"] == f"soc2gate-{d['metadata']['namespace']}"
               for d in namespaced)
    for document in namespaced:
        for entry in document["results"]:
            assert entry["resources"][0]["namespace"] == document["metadata"]["namespace"]
    parts = [d for d in documents if d["metadata"]["labels"]["soc2gate.io/group"] == "iac"]
    assert parts and all(d["metadata"]["name"].startswith("soc2gate-iac") for d in parts)
    iac = {"results": [entry for part in parts for entry in part["results"]]}
    failing = [f for f in result.findings if f.outcome is Outcome.FAIL and f.surface == "terraform"]
    assert sum(r["result"] == "fail" for r in iac["results"]) == len(failing)
    sample = next(r for r in iac["results"] if r["result"] == "fail")
    finding = next(f for f in failing if f.policy_id == sample["policy"] and f.resource == sample["properties"]["resource"])
    assert sample["category"] == ", ".join(finding.controls) and sample["severity"] == finding.severity
    assert sample["properties"]["file"] == finding.span.file and sample["properties"]["blocking"] in ("true", "false")


def test_inconclusive_is_warn_and_waived_is_skip_with_the_waiver(result) -> None:
    from soc2gate.model import Waiver

    base = Finding("TF-001", Outcome.INCONCLUSIVE, "high", ("CC6.1",), "aws_s3_bucket.a", "aws_s3_bucket", "unknown",
                   SourceSpan("main.tf", 3, 3), "terraform")
    waiver = Waiver("TF-001", {"address": "aws_s3_bucket.b"}, "legacy", "alice", "2027-01-31")
    waived = replace(base, outcome=Outcome.WAIVED, resource="aws_s3_bucket.b", waiver=waiver)
    document = _documents(replace(result, findings=(base, waived)))[0]
    by_resource = {r["properties"]["resource"]: r for r in document["results"]}
    assert by_resource["aws_s3_bucket.a"]["result"] == "warn"
    assert by_resource["aws_s3_bucket.b"]["result"] == "skip"
    assert by_resource["aws_s3_bucket.b"]["properties"]["waiver.approved_by"] == "alice"


def test_a_large_report_is_split_below_the_size_limit(result) -> None:
    many = tuple(Finding(f"K8S-{i:03d}", Outcome.FAIL, "high", ("CC6.1", "CC6.8"), "Pod/shop/big", "Pod", "x" * 900,
                         SourceSpan("pods/big.yaml", 1, 1), "kubernetes") for i in range(3000))
    documents = _documents(replace(result, findings=many))  # one resource: one part, over the hard cap
    assert len(documents) >= 3 and all(len(yaml.safe_dump(d)) < MAX_BYTES * 1.3 for d in documents)
    assert [d["metadata"]["name"] for d in documents][:2] == ["soc2gate-shop-1", "soc2gate-shop-2"]
    assert sum(len(d["results"]) for d in documents) == 3000
    for document in documents:
        jsonschema.validate(document, _schema("PolicyReport"))


def test_cli_writes_policyreport(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from soc2gate.cli import cli

    out = tmp_path / "reports.yaml"
    CliRunner().invoke(cli, ["scan", str(REPO / "examples/kubernetes"), "--format", "policyreport", "--output", str(out)])
    kinds = {d["kind"] for d in yaml.safe_load_all(out.read_text())}
    assert "PolicyReport" in kinds


def test_reports_kept_across_calls_are_rebuilt_only_where_findings_changed(result) -> None:
    memo: dict = {}
    first = policy_reports(result, memo)
    assert first == policy_reports(result), "the same documents as without a memo"
    again = policy_reports(replace(result, findings=tuple(result.findings)), memo)
    assert all(a is b for a, b in zip(first, again, strict=True)), "same findings: the same document objects"
    shop = next(i for i, f in enumerate(result.findings) if f.resource.startswith("Deployment/"))
    findings = list(result.findings)
    findings[shop] = replace(findings[shop], outcome=Outcome.PASS, message="fixed")  # an equal-looking new object
    changed = policy_reports(replace(result, findings=tuple(findings)), memo)
    namespace = findings[shop].resource.split("/")[1]
    rebuilt = [c for a, c in zip(first, changed, strict=True) if a is not c]
    assert [d["metadata"].get("namespace") for d in rebuilt] == [namespace]
    assert changed == policy_reports(replace(result, findings=tuple(findings)))
    assert policy_reports(replace(result, findings=()), memo) == [] and memo == {}
