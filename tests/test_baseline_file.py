"""Baseline files: create, scan --baseline, status, governance (owner, review date, grace), validation."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from git_repos import ENCRYPTED, VOLUME, volumes
from soc2gate import api
from soc2gate.cli import cli
from soc2gate.commands import register_all
from soc2gate.errors import ConfigError
from soc2gate.model import Outcome

register_all(cli)
CREATED = datetime(2026, 3, 1, 12, tzinfo=UTC)


def _invoke(*args: str) -> tuple[int, str]:
    run = CliRunner().invoke(cli, list(args), standalone_mode=False, catch_exceptions=True)
    code = run.return_value if isinstance(run.return_value, int) else run.exit_code
    if run.exception is not None and not isinstance(run.exception, SystemExit):
        code = getattr(run.exception, "exit_code", 3)
        return code, run.output + str(run.exception)
    return code, run.output


@pytest.fixture()
def infra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra/a.tf").write_text(volumes(["a", "b", "c"]))
    return tmp_path


def _create(review_by: str = "2026-05-01", now: datetime = CREATED) -> dict:
    result = api.scan(api.ScanOptions(paths=("infra",), now=now, use_cache=False, gate="all", baseline_file=""))
    data = api.baseline_action("create", result, None, now, ("infra",),
                               {"owner": "platform-team", "review_by": review_by, "created_by": "alice"})
    Path(".soc2gate-baseline.json").write_text(json.dumps(data))
    return data


def _scan(now: datetime, gate: str = "new", baseline: str = ".soc2gate-baseline.json"):
    return api.scan(api.ScanOptions(paths=("infra",), gate=gate, baseline_file=baseline, now=now, use_cache=False))


def test_create_records_todays_failures_with_owner_review_date_and_author(infra):
    data = _create()
    assert (data["owner"], data["created_by"], data["created"], data["review_by"]) == (
        "platform-team", "alice", "2026-03-01", "2026-05-01")
    assert sorted(e["resource"] for e in data["entries"]) == [f"aws_ebs_volume.{n}" for n in "abc"]
    assert all(len(e["fingerprint"]) == 64 and e["outcome"] == "fail" for e in data["entries"])


def test_scan_with_the_baseline_fails_only_on_what_is_new(infra):
    _create()
    assert _scan(CREATED).passed
    (infra / "infra/b.tf").write_text(VOLUME.format(name="d"))
    result = _scan(CREATED)
    assert [f.resource for f in result.blocking()] == ["aws_ebs_volume.d"]
    assert {f.resource: f.baseline for f in result.by_outcome(Outcome.FAIL)} == {
        "aws_ebs_volume.a": "existing", "aws_ebs_volume.b": "existing", "aws_ebs_volume.c": "existing",
        "aws_ebs_volume.d": "new"}
    assert len(_scan(CREATED, gate="all").blocking()) == 4, "gate: all ignores the baseline for the verdict"
    assert result.extras["comparison"]["baseline_file"]["matched"] == 3


def test_review_date_warns_then_grace_then_fails(infra):
    _create(review_by="2026-05-01")
    early = _scan(datetime(2026, 4, 25, tzinfo=UTC))
    assert early.passed and any("review due 2026-05-01 (in 6 days)" in n for n in early.notes)
    grace = _scan(datetime(2026, 5, 10, tzinfo=UTC))
    assert grace.passed and any("still applies until 2026-05-15" in n for n in grace.notes)
    late = _scan(datetime(2026, 5, 16, tzinfo=UTC))
    problems = [f for f in late.blocking()]
    assert [f.policy_id for f in problems] == ["SYS-004"] and "grace period ended 2026-05-15" in problems[0].message
    assert problems[0].span.file == ".soc2gate-baseline.json" and late.exit_code == 1


def test_grace_and_warning_are_configurable(infra):
    _create(review_by="2026-05-01")
    Path(".soc2gate.yaml").write_text("version: 1\ngate: new\nbaseline:\n  file: .soc2gate-baseline.json\n"
                                      "  grace_days: 0\n  warn_days: 0\n")
    options = api.ScanOptions(paths=("infra",), now=datetime(2026, 5, 2, tzinfo=UTC), use_cache=False)
    result = api.scan(options)
    assert [f.policy_id for f in result.blocking()] == ["SYS-004"], "configuration gate and baseline.file apply"
    quiet = api.scan(api.ScanOptions(paths=("infra",), now=datetime(2026, 4, 30, tzinfo=UTC), use_cache=False))
    assert quiet.passed and not any("review" in n for n in quiet.notes)


def test_status_lists_open_fixed_unmatched_and_new(infra):
    today = datetime.now(UTC)
    _create(review_by=date.fromordinal(today.toordinal() + 30).isoformat(), now=today)
    (infra / "infra/a.tf").write_text(volumes(["a"]) + ENCRYPTED.format(name="b") + VOLUME.format(name="c2")
                                      + VOLUME.format(name="d"))
    code, out = _invoke("baseline", "status", "infra", "--baseline", ".soc2gate-baseline.json", "--format", "json")
    listing = json.loads(out)
    assert code == 0
    assert [e["resource"] for e in listing["open"]] == ["aws_ebs_volume.a"]
    assert [e["resource"] for e in listing["fixed"]] == ["aws_ebs_volume.b"]
    assert [e["resource"] for e in listing["unmatched"]] == ["aws_ebs_volume.c"]
    assert sorted(e["resource"] for e in listing["new"]) == ["aws_ebs_volume.c2", "aws_ebs_volume.d"]
    code, text = _invoke("baseline", "status", "infra", "--baseline", ".soc2gate-baseline.json")
    assert "still open: 1" in text and "fixed since: 1" in text and "no longer matched: 1" in text


def test_status_exits_1_once_the_grace_period_is_over(infra):
    _create(review_by="2026-04-01")  # the real clock is past 2026-04-15, the end of the grace period
    code, out = _invoke("baseline", "status", "infra", "--baseline", ".soc2gate-baseline.json")
    assert code == 1 and "grace period ended" in out


def test_cli_create_requires_owner_and_review_date_and_writes_the_file(infra):
    code, out = _invoke("baseline", "create", "infra", "--review-by", "2099-01-01")
    assert code == 2 and "owner" in out
    code, out = _invoke("baseline", "create", "infra", "--owner", "team", "--review-by", "01/02/2026")
    assert code == 2 and "--review-by: `01/02/2026` is not a date YYYY-MM-DD" in out
    code, out = _invoke("baseline", "create", "infra", "--owner", "team", "--review-by", "2099-01-01")
    assert code == 2 and "exceeds the maximum of 180 days" in out
    target = infra / "base/line.json"
    yesterday = date.fromordinal(datetime.now(UTC).date().toordinal() - 1).isoformat()
    code, out = _invoke("baseline", "create", "infra", "--owner", "team", "--review-by", yesterday, "--created-by",
                        "bob", "--output", str(target))
    assert code == 2 and "is before `created`" in out and not target.exists()
    next_month = (datetime.now(UTC).date().toordinal() + 30)
    review = date.fromordinal(next_month).isoformat()
    code, out = _invoke("baseline", "create", "infra", "--owner", "team", "--review-by", review, "--created-by",
                        "bob", "--output", str(target))
    assert code == 0, out
    data = json.loads(target.read_text())
    assert data["created_by"] == "bob" and len(data["entries"]) == 3
    code, out = _invoke("scan", "infra", "--baseline", str(target), "--gate", "new")
    assert code == 0 and "FAIL existing" in out


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d.pop("owner"), "invalid baseline at `(top level)`: 'owner' is a required property"),
    (lambda d: d.update(owner="  "), "invalid baseline at `owner`"),
    (lambda d: d["entries"][1].update(fingerprint="xyz"), "invalid baseline at `entries.1.fingerprint`"),
    (lambda d: d["entries"][0].update(outcome="error"), "invalid baseline at `entries.0.outcome`"),
    (lambda d: d.update(review_by="2026-02-01"), "invalid baseline at `review_by`: 2026-02-01 is before `created`"),
    (lambda d: d.update(review_by="2026-02-31"), "invalid baseline at `review_by`: `2026-02-31` is not a date"),
    (lambda d: d.update(extra=1), "invalid baseline at `(top level)`: unknown key"),
])
def test_invalid_baseline_files_name_the_key_path(infra, change, message):
    data = _create()
    change(data)
    Path(".soc2gate-baseline.json").write_text(json.dumps(data))
    with pytest.raises(ConfigError, match=None) as caught:
        _scan(CREATED)
    assert str(caught.value).startswith(".soc2gate-baseline.json: ") and message in str(caught.value)


def test_unreadable_baseline_files_exit_2(infra):
    Path("broken.json").write_text('{"version": 1,\n  "owner": }')
    code, out = _invoke("scan", "infra", "--baseline", "broken.json")
    assert code == 2 and "broken.json:2: baseline file is not valid JSON" in out
    code, out = _invoke("scan", "infra", "--baseline", "missing.json")
    assert code == 2 and "missing.json: baseline file not found" in out
    Path("list.json").write_text("[]")
    code, out = _invoke("scan", "infra", "--baseline", "list.json")
    assert code == 2 and "a JSON object at the top level" in out


def test_gate_new_without_anything_to_compare_says_so_and_blocks_everything(infra):
    result = api.scan(api.ScanOptions(paths=("infra",), gate="new", use_cache=False))
    assert len(result.blocking()) == 3 and any("nothing to compare with" in n for n in result.notes)


def test_the_first_baseline_can_be_created_when_the_configuration_already_names_it(infra):
    Path(".soc2gate.yaml").write_text("version: 1\ngate: new\nbaseline:\n  file: .soc2gate-baseline.json\n")
    with pytest.raises(ConfigError, match="baseline file not found"):
        api.scan(api.ScanOptions(paths=("infra",), use_cache=False))
    data = _create()
    assert len(data["entries"]) == 3
    assert api.scan(api.ScanOptions(paths=("infra",), now=CREATED, use_cache=False)).passed
    assert not api.scan(api.ScanOptions(paths=("infra",), baseline_file="", now=CREATED, use_cache=False)).passed


def test_entries_that_no_longer_match_are_noted_only_for_files_the_run_read(infra):
    _create()
    (infra / "infra/a.tf").write_text(volumes(["a", "c"]) + ENCRYPTED.format(name="b"))
    (infra / "other").mkdir()
    (infra / "other/x.tf").write_text(VOLUME.format(name="x"))
    result = _scan(CREATED)
    assert any("1 entries in the files read match no failure any more" in n for n in result.notes)
    elsewhere = api.scan(api.ScanOptions(paths=("other",), gate="new", baseline_file=".soc2gate-baseline.json",
                                         now=CREATED, use_cache=False))
    assert not any("match no failure" in n for n in elsewhere.notes)
    assert elsewhere.extras["comparison"]["baseline_file"]["unmatched"] == 3


def test_create_replaces_a_symbolic_link_instead_of_writing_through_it(infra):
    victim = infra / "victim.txt"
    victim.write_text("keep me\n")
    (infra / "line.json").symlink_to(victim)
    review = date.fromordinal(datetime.now(UTC).date().toordinal() + 30).isoformat()
    code, out = _invoke("baseline", "create", "infra", "--owner", "team", "--review-by", review, "--output", "line.json")
    assert code == 0, out
    assert victim.read_text() == "keep me\n" and not (infra / "line.json").is_symlink()
    assert json.loads((infra / "line.json").read_text())["owner"] == "team"
