"""Your own controls: ``controls_map`` beside the criteria in every report, ``manual_evidence`` as
current/overdue, and the ``soc2gate controls`` coverage matrix."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from soc2gate.api import ScanOptions, scan
from soc2gate.catalog.org_controls import review_state
from soc2gate.cli import cli
from soc2gate.commands import register_all
from soc2gate.errors import ConfigError
from soc2gate.reporters import get_renderer

register_all(cli)
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "terraform"
CONFIG = """controls_map:
  CC6.1: [{id: AC-01, name: Encryption at rest}, {id: AC-07}]
  CC8.1: [{id: CM-02, name: Changes are approved before deployment}]
manual_evidence:
  CC1.1:
    - {evidence: Code of conduct (HR wiki), owner: hr-lead, review_interval_days: 365, last_reviewed: "2020-01-01"}
  CC1.2:
    - {evidence: Board minutes, owner: ceo, review_interval_days: 3600, last_reviewed: "2025-01-01"}
  CC3.1:
    - {evidence: Risk register, owner: ciso, review_interval_days: 90}
"""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / ".soc2gate.yaml"
    path.write_text(CONFIG)
    return path


def test_every_reporter_shows_your_controls_beside_the_criteria(config: Path) -> None:
    result = scan(ScanOptions(paths=(str(EXAMPLE),), config_path=str(config)))
    text = get_renderer("text")(result)
    assert "CC6.1 Logical Access [AC-01 Encryption at rest; AC-07]" in text
    data = json.loads(get_renderer("json")(result))
    cc61 = next(c for c in data["controls"] if c["id"] == "CC6.1")
    assert cc61["org_controls"] == [{"id": "AC-01", "name": "Encryption at rest"}, {"id": "AC-07", "name": ""}]
    assert "org_controls" not in next(c for c in data["controls"] if c["id"] == "CC1.3")
    suites = ET.fromstring(get_renderer("junit")(result).encode())
    props = {s.get("name").split()[0]: {p.get("name"): p.get("value") for p in s.iter("property")}
             for s in suites.iter("testsuite")}
    assert props["CC6.1"]["org.controls"] == "AC-01 Encryption at rest; AC-07"
    assert "org.controls" not in props["CC1.3"]
    rules = json.loads(get_renderer("sarif")(result))["runs"][0]["tool"]["driver"]["rules"]
    tf001 = next(r for r in rules if r["id"] == "TF-001")
    assert "CC6.1" in tf001["properties"]["tags"] and "AC-01" in tf001["properties"]["tags"]
    assert "| CC6.1 | Logical Access (AC-01 Encryption at rest; AC-07) |" in get_renderer("markdown")(result)


def test_reports_are_unchanged_without_a_controls_map(tmp_path: Path) -> None:
    result = scan(ScanOptions(paths=(str(EXAMPLE),), config_path=None))
    assert "controls_map" not in result.extras and "[" not in get_renderer("text")(result).split("\n")[0]


def test_manual_evidence_review_state() -> None:
    entry = {"evidence": "doc", "owner": "o", "review_interval_days": 30}
    today = date(2025, 6, 30)
    assert review_state({**entry, "last_reviewed": "2025-06-01"}, today)["state"] == "current"
    assert review_state({**entry, "last_reviewed": "2025-05-31"}, today)["state"] == "current"  # due today
    assert review_state({**entry, "last_reviewed": "2025-05-30"}, today)["state"] == "overdue"
    assert review_state(entry, today)["state"] == "never reviewed"


def test_controls_matrix_formats(config: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(cli, ["controls", "--config", str(config), "--format", "json"])
    rows = {r["criterion"]: r for r in json.loads(out.output)["criteria"]}
    assert out.exit_code == 0 and list(rows)[:3] == ["CC1.1", "CC1.2", "CC1.3"]
    assert (rows["CC1.1"]["coverage"], rows["CC1.2"]["coverage"], rows["CC3.1"]["coverage"]) == (
        "manual (overdue)", "manual (current)", "manual (never reviewed)")
    assert rows["CC1.3"]["coverage"] == "policies" and rows["CC1.4"]["coverage"] == "not covered"
    assert rows["CC8.1"]["your_controls"] == [{"id": "CM-02", "name": "Changes are approved before deployment"}]
    table = list(csv.reader(io.StringIO(runner.invoke(cli, ["controls", "--config", str(config), "--format", "csv"]).output)))
    assert table[0] == ["criterion", "title", "policies", "your controls", "manual evidence", "coverage"]
    assert [r[0] for r in table[1:]] == list(rows)
    markdown = runner.invoke(cli, ["controls", "--config", str(config), "--format", "markdown"]).output
    assert "| CC8.1 | Change Control |" in markdown and "CM-02 Changes are approved before deployment" in markdown


@pytest.mark.parametrize("section, where", [
    ("controls_map:\n  CC8.1: [{name: no id}]\n", "controls_map"),
    ("controls_map:\n  CM-02: [{id: x}]\n", "controls_map"),
    ("manual_evidence:\n  CC1.1: [{evidence: doc, owner: o, review_interval_days: 30, last_reviewed: 'last week'}]\n",
     "manual_evidence"),
])
def test_a_bad_section_is_a_config_error_naming_it(tmp_path: Path, section: str, where: str) -> None:
    from soc2gate.config import load_config

    path = tmp_path / ".soc2gate.yaml"
    path.write_text(section)
    with pytest.raises(ConfigError, match=where):
        load_config(str(path))
