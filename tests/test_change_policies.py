"""CHG policies beyond the fixtures: parameters, the injected clock, JUnit checklist names,
and configuration errors that name the key path."""

from __future__ import annotations

import json
import tempfile
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import change_payloads as cp
from soc2gate.api import Gate, ScanOptions, scan
from soc2gate.errors import ConfigError
from soc2gate.model import Outcome

_CONFIGS = tempfile.TemporaryDirectory(prefix="soc2gate-chg-")  # removed when the test process exits


def _record(**fields: Any) -> dict[str, Any]:
    return cp.record(cp.pr_event("closed", merged_by="octocat"), **{**cp.ENRICHED, **fields})


@cache
def _gate(config: str, now: str | None) -> Gate:
    """One loaded bundle per (configuration, clock): loading compiles every policy."""
    config_path = Path(_CONFIGS.name) / f"{abs(hash((config, now)))}.yaml"
    config_path.write_text(config or "version: 1\n")
    moment = datetime.fromisoformat(now) if now else None
    return Gate.load(ScanOptions(config_path=str(config_path), now=moment))


def _run(tmp_path: Path, record: dict[str, Any], config: str = "", now: str | None = None) -> dict[str, list]:
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record))
    gate = _gate(config, now)
    result = scan(ScanOptions(change_records=(str(path),), config_path=gate.config.path, use_cache=False), gate=gate)
    assert not [f for f in result.findings if f.outcome is Outcome.ERROR], result.findings
    found: dict[str, list] = {}
    for finding in result.findings:
        found.setdefault(finding.policy_id, []).append((finding.outcome, finding.message))
    return found


def _outcomes(found: dict[str, list], policy: str) -> set[Outcome]:
    return {outcome for outcome, _ in found[policy]}


def test_a_complete_independent_change_passes_every_change_policy(tmp_path: Path) -> None:
    found = _run(tmp_path, _record(title="DOCS-7: Update the README"))
    assert {p: _outcomes(found, p) for p in found} == {f"CHG-00{i}": {Outcome.PASS} for i in range(1, 9)}


def test_approval_by_a_commit_author_does_not_count(tmp_path: Path) -> None:
    found = _run(tmp_path, _record(commit_authors=["Codertocat", "octocat"]))
    assert _outcomes(found, "CHG-001") == {Outcome.FAIL}
    assert "octocat: a commit author" in found["CHG-001"][0][1]


def test_commit_author_rule_can_be_switched_off(tmp_path: Path) -> None:
    record = _record()
    del record["spec"]["commit_authors"]
    assert _outcomes(_run(tmp_path, record), "CHG-001") == {Outcome.FAIL}
    config = "change_management:\n  approvals:\n    exclude_commit_authors: false\n"
    assert _outcomes(_run(tmp_path, record, config), "CHG-001") == {Outcome.PASS}


def test_later_changes_requested_withdraws_an_approval(tmp_path: Path) -> None:
    later = cp.approval("octocat", at="2019-05-15T15:23:00+00:00", state="changes_requested")
    found = _run(tmp_path, _record(approvals=[cp.approval("octocat"), later]))
    assert "withdrawn by a later review" in found["CHG-001"][0][1]


def test_configured_bot_accounts_and_min_approvals(tmp_path: Path) -> None:
    record = _record(approvals=[cp.approval("octocat"), cp.approval("deploy-robot")])
    config = "change_management:\n  approvals:\n    min: 2\n"
    assert _outcomes(_run(tmp_path, record, config), "CHG-001") == {Outcome.PASS}
    config += "  bot_accounts: [Deploy-Robot]\n"
    found = _run(tmp_path, record, config)
    assert _outcomes(found, "CHG-001") == {Outcome.FAIL}
    assert "deploy-robot: a bot or app" in found["CHG-001"][0][1]


def test_stale_approvals_count_when_configured(tmp_path: Path) -> None:
    record = _record(approvals=[cp.approval("octocat", commit=cp.BASE)])
    assert _outcomes(_run(tmp_path, record), "CHG-001") == {Outcome.FAIL}
    config = "change_management:\n  approvals:\n    dismiss_stale: false\n"
    assert _outcomes(_run(tmp_path, record, config), "CHG-001") == {Outcome.PASS}


def test_required_checks_by_name(tmp_path: Path) -> None:
    record = _record(checks=[cp.check("build"), cp.check("lint", "failure"), cp.check("e2e", commit=cp.BASE)])
    config = "change_management:\n  checks:\n    required: [build]\n"
    assert _outcomes(_run(tmp_path, record, config), "CHG-002") == {Outcome.PASS}
    config = "change_management:\n  checks:\n    required: [build, e2e]\n"
    found = _run(tmp_path, record, config)
    assert found["CHG-002"] == [(Outcome.FAIL, "change/github/Codertocat/Hello-World#2: required checks not "
                                 "reported for the head commit ec26c3e57ca3: e2e")]
    config = "change_management:\n  checks:\n    success_conclusions: [success, failure]\n"
    assert _outcomes(_run(tmp_path, _record(checks=[cp.check("lint", "failure")]), config), "CHG-002") == {Outcome.PASS}


def test_ticket_pattern_and_description_length(tmp_path: Path) -> None:
    config = "change_management:\n  ticket:\n    pattern: '#[0-9]+'\n    min_description_length: 80\n"
    found = _run(tmp_path, _record(title="Fix #12"), config)
    assert [o for o, _ in found["CHG-003"]] == [Outcome.FAIL]
    assert "the description has 64 characters, at least 80 are required" in found["CHG-003"][0][1]
    assert _outcomes(_run(tmp_path, _record(tickets=["CHG0031337"])), "CHG-003") == {Outcome.PASS}


def test_sensitive_paths_with_two_independent_approvals(tmp_path: Path) -> None:
    files = [".github/workflows/release.yml"]
    one = _record(changed_files=files)
    assert _outcomes(_run(tmp_path, one), "CHG-005") == {Outcome.FAIL}
    two = _record(changed_files=files, approvals=[cp.approval("octocat"), cp.approval("hubot")])
    assert _outcomes(_run(tmp_path, two), "CHG-005") == {Outcome.PASS}
    config = "change_management:\n  sensitive_paths:\n    globs: ['infra/**']\n"
    assert _outcomes(_run(tmp_path, one, config), "CHG-005") == {Outcome.PASS}


def test_freeze_window_judges_an_unmerged_change_at_the_injected_now(tmp_path: Path) -> None:
    record = cp.record(cp.pr_event("opened"), **cp.ENRICHED)
    config = ("change_management:\n  freeze_windows:\n    - start: '2030-12-20T00:00:00Z'\n"
              "      end: '2031-01-02T00:00:00+01:00'\n      reason: holidays\n")
    found = _run(tmp_path, record, config, now="2030-12-24T12:00:00+00:00")
    assert _outcomes(found, "CHG-007") == {Outcome.FAIL} and "holidays" in found["CHG-007"][0][1]
    assert _outcomes(_run(tmp_path, record, config, now="2031-01-03T12:00:00+00:00"), "CHG-007") == {Outcome.PASS}


def test_emergency_review_pending_then_overdue(tmp_path: Path) -> None:
    record = cp.record(cp.pr_event("closed", merged_by="Codertocat", labels=["emergency"]), **{**cp.ENRICHED, "approvals": []})
    pending = _run(tmp_path, record, now="2019-05-16T10:00:00+00:00")
    assert _outcomes(pending, "CHG-008") == {Outcome.INCONCLUSIVE}
    assert _outcomes(pending, "CHG-001") == {Outcome.INCONCLUSIVE}
    assert _outcomes(pending, "CHG-004") == {Outcome.INCONCLUSIVE}
    assert _outcomes(_run(tmp_path, record, now="2019-05-16T15:26:00+00:00"), "CHG-008") == {Outcome.FAIL}
    config = "change_management:\n  emergency:\n    review_within_hours: 48\n    labels: [hotfix]\n"
    assert _outcomes(_run(tmp_path, record, config, now="2019-05-16T15:26:00+00:00"), "CHG-008") == {Outcome.PASS}
    record["spec"]["emergency"] = True
    assert _outcomes(_run(tmp_path, record, config, now="2019-05-16T15:26:00+00:00"), "CHG-008") == {Outcome.INCONCLUSIVE}


@pytest.mark.parametrize("config, key", [
    ("change_management:\n  approvals:\n    min: -1\n", "change_management.approvals.min"),
    ("change_management:\n  approvals:\n    minimum: 2\n", "change_management.approvals"),
    ("change_management:\n  ticket:\n    pattern: '[A-Z'\n", "change_management.ticket.pattern"),
    ("change_management:\n  freeze_windows:\n    - start: '2030-01-02T00:00:00Z'\n      end: '2030-01-01T00:00:00Z'\n",
     "change_management.freeze_windows.0"),
    ("change_management:\n  freeze_windows:\n    - start: 'soon'\n      end: '2030-01-01T00:00:00Z'\n",
     "change_management.freeze_windows.0.start"),
    ("change_management:\n  emergency:\n    review_within_hours: 0\n", "change_management.emergency.review_within_hours"),
    ("change_management:\n  protected_branches: []\n", "change_management.protected_branches"),
])
def test_invalid_parameters_are_config_errors_naming_the_key(tmp_path: Path, config: str, key: str) -> None:
    path = tmp_path / "soc2gate.yaml"
    path.write_text(config)
    with pytest.raises(ConfigError) as info:
        Gate.load(ScanOptions(config_path=str(path))).params()
    assert f"`{key}`" in str(info.value)


def test_params_fill_documented_defaults() -> None:
    params = Gate.load(ScanOptions()).params(datetime(2024, 1, 1, tzinfo=timezone.utc))
    change = params["change_management"]
    assert params["now"] == "2024-01-01T00:00:00+00:00"
    assert change["approvals"] == {"min": 1, "dismiss_stale": True, "exclude_commit_authors": True}
    assert change["emergency"] == {"labels": ["emergency"], "review_within_hours": 24}
    assert change["protected_branch_regexes"] == ["^main$", "^master$"]


def test_junit_reads_as_a_checklist_per_requirement(tmp_path: Path) -> None:
    from soc2gate.reporters.junit import render

    path = tmp_path / "event.json"
    path.write_text(cp.render(cp.pr_event("closed", merged_by="Codertocat")))
    result = scan(ScanOptions(change_records=(str(path),), use_cache=False))
    root = ET.fromstring(render(result))
    suite = next(s for s in root.iter("testsuite") if s.get("name", "").startswith("CC8.1"))
    names = {case.get("name"): case for case in suite.iter("testcase")}
    address = "change/github/Codertocat/Hello-World#2"
    for requirement in ("approvals", "ci-checks", "ticket", "separation-of-duties", "target-branch"):
        assert f"{requirement}: {address}" in names
    assert names[f"separation-of-duties: {address}"].find("failure") is not None
    assert names[f"target-branch: {address}"].find("failure") is None


def test_every_parameter_is_documented() -> None:
    import json as _json

    from soc2gate.change.params import SCHEMA

    doc = (cp.REPO / "docs" / "change-management.md").read_text()

    def keys(schema: dict, prefix: str = "") -> list[str]:
        out = []
        for name, sub in schema.get("properties", {}).items():
            out.append(name)
            out.extend(keys(sub, f"{prefix}{name}."))
        return out

    missing = [k for k in keys(_json.loads(SCHEMA.read_text())) if f"{k}:" not in doc and f"`{k}`" not in doc]
    assert not missing, missing
