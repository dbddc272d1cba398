"""``soc2gate change overdue``: emergency changes without a timely retroactive review."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

import change_payloads as cp


def _cli(*args: str) -> Any:
    from soc2gate.cli import cli
    from soc2gate.commands import register_all

    register_all(cli)
    return CliRunner().invoke(cli, list(args))


def _records(tmp_path: Path) -> Path:
    folder = tmp_path / "records"
    folder.mkdir()
    emergency = cp.pr_event("closed", merged_by="Codertocat", labels=["emergency"])
    (folder / "never-reviewed.json").write_text(cp.render(emergency))
    late = cp.record(emergency, **{**cp.ENRICHED, "approvals": [cp.approval("octocat", at="2019-05-17T09:00:00+00:00")]})
    late["spec"].update(id="github/Codertocat/Hello-World#3", number=3)
    (folder / "reviewed-late.json").write_text(cp.render(late))
    timely = cp.record(emergency, **{**cp.ENRICHED, "approvals": [cp.approval("octocat", at="2019-05-16T09:00:00+00:00")]})
    timely["spec"].update(id="github/Codertocat/Hello-World#4", number=4)
    (folder / "reviewed-in-time.json").write_text(cp.render(timely))
    normal = cp.record(cp.pr_event("closed", merged_by="octocat"), **cp.ENRICHED)
    normal["spec"].update(id="github/Codertocat/Hello-World#5", number=5)
    (folder / "normal.json").write_text(cp.render(normal))
    return folder


def test_lists_overdue_emergency_changes(tmp_path: Path) -> None:
    run = _cli("change", "overdue", str(_records(tmp_path)), "--now", "2019-06-01T00:00:00Z", "--format", "json")
    assert run.exit_code == 1, run.output
    report = json.loads(run.output)
    assert sorted(item["change"] for item in report["overdue"]) == [
        "change/github/Codertocat/Hello-World#2", "change/github/Codertocat/Hello-World#3"]
    assert report["pending"] == [] and report["errors"] == []
    assert report["records_checked"] == 4 and report["review_within_hours"] == 24
    assert report["as_of"] == "2019-06-01T00:00:00+00:00"


def test_hours_option_and_pending_reviews(tmp_path: Path) -> None:
    folder = _records(tmp_path)
    run = _cli("change", "overdue", str(folder), "--now", "2019-05-17T00:00:00Z", "--hours", "72")
    assert run.exit_code == 0, run.output
    lines = run.output.splitlines()
    assert [line.split()[0] for line in lines[:-1]] == ["PENDING"]
    assert "within 72 hours" in lines[0] and "never-reviewed.json" in lines[0]
    assert lines[-1] == ("0 emergency change(s) overdue, 1 pending, 4 change record(s) checked "
                         "(review within 72 h, as of 2019-05-17T00:00:00+00:00)")


def test_single_record_file_and_bad_input(tmp_path: Path) -> None:
    folder = _records(tmp_path)
    run = _cli("change", "overdue", str(folder / "reviewed-in-time.json"), "--now", "2030-01-01T00:00:00Z")
    assert run.exit_code == 0 and "1 change record(s) checked" in run.output
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"apiVersion": "soc2gate.io/v1", "kind": "ChangeRecord", "spec": {"id": "x"}}))
    run = _cli("change", "overdue", str(bad))
    assert run.exit_code == 2 and "ERROR" in run.output and "`spec.title`" in run.output
    run = _cli("change", "overdue", str(folder), "--now", "next tuesday")
    assert run.exit_code != 0 and "--now" in str(run.exception or run.output)
