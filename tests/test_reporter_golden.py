"""JSON, JUnit, SARIF and Markdown reports pinned by golden files (tests/golden/report.*), rendered from
the hand-made Result of tests/golden_result.py, so a policy change never breaks a reporter test.

Regenerate deliberately with SOC2GATE_UPDATE_GOLDEN=1 and review the diff."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from golden_result import sample_result
from soc2gate.reporters import get_renderer

GOLDEN = Path(__file__).parent / "golden"
FILES = {"json": "report.json", "junit": "report.junit.xml", "sarif": "report.sarif", "markdown": "report.md"}


@pytest.mark.parametrize("fmt", sorted(FILES))
def test_golden(fmt: str) -> None:
    text = get_renderer(fmt)(sample_result())
    golden = GOLDEN / FILES[fmt]
    if os.environ.get("SOC2GATE_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", sorted(FILES))
def test_rendering_is_pure(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Same Result, same text: no clock, no environment (SARIF's documentation link comes from the Result)."""
    first = get_renderer(fmt)(sample_result())
    monkeypatch.setenv("SOC2GATE_DOCS_URL", "https://elsewhere.example.com/policies.html")
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    assert get_renderer(fmt)(sample_result()) == first


def test_sarif_links_the_documentation_the_result_names() -> None:
    rules = json.loads(get_renderer("sarif")(sample_result("https://docs.example.com/p.html")))["runs"][0]["tool"]["driver"]["rules"]
    assert {r["id"]: r.get("helpUri") for r in rules}["K8S-001"] == "https://docs.example.com/p.html#k8s-001"
    default = json.loads((GOLDEN / FILES["sarif"]).read_text())["runs"][0]["tool"]["driver"]["rules"]
    assert all(r["helpUri"].startswith("https://github.com/soc2gate/soc2gate/blob/main/docs/policies.md#")
               for r in default if r["id"] in {"TF-001", "K8S-001"})


def test_golden_reports_are_valid_against_their_schemas() -> None:
    import jsonschema
    import xmlschema

    from conftest import REFERENCE, require_shared

    require_shared()
    repo = Path(__file__).resolve().parent.parent
    schema = json.loads((repo / "src/soc2gate/schemas/report.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(json.loads((GOLDEN / FILES["json"]).read_text()))
    sarif = json.loads((REFERENCE / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(sarif).validate(json.loads((GOLDEN / FILES["sarif"]).read_text()))
    xmlschema.XMLSchema(str(REFERENCE / "junit-jenkins.xsd")).validate((GOLDEN / FILES["junit"]).read_bytes())
