"""Reporters: JUnit validates against the Jenkins XSD; JSON carries what auditors need (from the hand-made
Result of golden_result.py: a policy change never breaks these)."""

from __future__ import annotations

import json
from pathlib import Path

import xmlschema

from conftest import REFERENCE, require_shared
from golden_result import sample_result
from soc2gate.api import ScanOptions, scan
from soc2gate.reporters import get_renderer
from soc2gate.reporters.json_report import report_dict

REPO = Path(__file__).resolve().parent.parent


def _result(*paths: str):
    return scan(ScanOptions(paths=paths or (str(REPO / "examples"),), use_cache=False))


def test_junit_validates_against_jenkins_xsd_and_groups_by_control() -> None:
    require_shared()
    xml = get_renderer("junit")(sample_result())
    schema = xmlschema.XMLSchema(str(REFERENCE / "junit-jenkins.xsd"))
    schema.validate(xml.encode())
    root = schema.to_dict(xml.encode())
    names = [suite["@name"] for suite in root["testsuite"]]
    assert "CC6.1 Logical access security" in names and "soc2gate: inputs and policies" in names
    cc61 = root["testsuite"][names.index("CC6.1 Logical access security")]
    cases = cc61["testcase"]
    assert any("failure" in c for c in cases) and any("failure" not in c and "skipped" not in c for c in cases)
    assert all(c["@classname"].startswith(("TF-", "K8S-", "CHG-")) for c in cases)


def test_json_report_fields() -> None:
    data = report_dict(sample_result())
    assert data["schema_version"] == "1.0" and data["policy_bundle_digest"].startswith("sha256:")
    assert all(len(i["sha256"]) == 64 for i in data["inputs"])
    outcomes = {f["outcome"] for f in data["findings"]}
    assert {"pass", "fail", "inconclusive"} <= outcomes
    failing = [f for f in data["findings"] if f["outcome"] == "fail"]
    assert all(f["file"] and f["line"] > 0 and f["controls"] for f in failing)
    inconclusive = [f for f in data["findings"] if f["outcome"] == "inconclusive"]
    assert all(f["unknown_expression"] for f in inconclusive)
    control = next(c for c in data["controls"] if c["id"] == "CC6.1")
    assert control["status"] == "failed" and control["fail"] >= 1
    assert next(c for c in report_dict(_result())["controls"] if c["status"] == "not tested")


def test_text_colour_only_when_asked() -> None:
    render = get_renderer("text")
    result = _result()
    assert "\033[" not in render(result)
    assert "\033[31m" in render(result, color=True)  # type: ignore[call-arg]


def test_scope_categories_limit_controls(tmp_path: Path) -> None:
    config = tmp_path / ".soc2gate.yaml"
    config.write_text("scope:\n  categories: [availability]\n")
    result = scan(ScanOptions(paths=(str(REPO / "examples"),), config_path=str(config), use_cache=False))
    categories = {c.category for c in result.controls}
    assert categories == {"security", "availability"}
    data = json.loads(get_renderer("json")(result))
    assert data["scope"]["categories"] == ["security", "availability"]


def test_json_report_validates_against_its_schema() -> None:
    import jsonschema

    schema = json.loads((REPO / "src/soc2gate/schemas/report.schema.json").read_text())
    data = json.loads(get_renderer("json")(sample_result()))
    jsonschema.Draft202012Validator(schema).validate(data)
    assert any(f["policy"] == "SYS-001" for f in data["findings"])
