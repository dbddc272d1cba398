"""Change records: adapters over the real GitHub/GitLab webhook bodies, the generic record,
bad input, auto-detection, and the committed fixtures derived from the shared corpora."""

from __future__ import annotations

import json
from pathlib import Path

import change_payloads as cp
import pytest
from conftest import CORPORA, require_shared

from soc2gate.api import ScanOptions, scan
from soc2gate.errors import InputError
from soc2gate.model import Outcome
from soc2gate.parsers.change import records

PR_EXAMPLES = sorted((cp.GITHUB / "pull_request").glob("*.json")) + sorted((cp.GITHUB / "pull_request_review").glob("*.json"))
GITLAB_MR = sorted((CORPORA / "gitlab-events").rglob("*merge-request-event*.json")) + [
    CORPORA / "gitlab-events" / "go-gitlab" / "testdata" / "webhooks" / "merge_request.json"]


def setup_module() -> None:
    require_shared()


@pytest.mark.parametrize("path", PR_EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_github_pull_request_example_normalizes(path: Path) -> None:
    event = json.loads(path.read_text())
    assert records.detect(event)
    spec = records.normalize(event)["spec"]
    pr = event["pull_request"]
    assert spec["id"] == f"github/{event['repository']['full_name']}#{pr['number']}"
    assert spec["author"] == pr["user"]["login"]
    assert spec["head_commit"] == pr["head"]["sha"] and spec["target_branch"] == pr["base"]["ref"]
    assert spec["labels"] == [label["name"] for label in pr["labels"]]
    assert "checks" not in spec and "changed_files" not in spec and "commit_authors" not in spec
    if "review" in event:
        assert spec["approvals"] == [{"user": event["review"]["user"]["login"], "user_type": "User",
                                      "state": event["review"]["state"],
                                      "submitted_at": event["review"]["submitted_at"].replace("Z", "+00:00"),
                                      "commit": event["review"]["commit_id"]}]
    else:
        assert "approvals" not in spec


@pytest.mark.parametrize("path", GITLAB_MR, ids=lambda p: p.name)
def test_gitlab_merge_request_events_normalize(path: Path) -> None:
    event = json.loads(path.read_text())
    spec = records.normalize(event)["spec"]
    attrs = event["object_attributes"]
    assert spec["id"] == f"gitlab/{event['project']['path_with_namespace']}!{attrs['iid']}"
    assert spec["head_commit"] == attrs["last_commit"]["id"]
    actor = event["user"]
    if actor.get("id") is not None:
        expected = actor["username"] if actor["id"] == attrs["author_id"] else None
    else:
        expected = actor["username"] if attrs["action"] == "open" else None
    assert spec["author"] == expected


def test_gitlab_timestamps_are_normalized() -> None:
    path = CORPORA / "gitlab-events/atlantis/server/events/testdata/gitlab-merge-request-event.json"
    spec = records.normalize(json.loads(path.read_text()))["spec"]
    assert spec["created_at"] == "2018-12-12T16:15:21+00:00"


@pytest.mark.parametrize("relative, expected", [
    ("github-events/payload-examples/api.github.com/push/payload.json", "unsupported GitHub event"),
    ("github-events/payload-examples/api.github.com/pull_request_review_comment/created.payload.json",
     "unsupported GitHub event `pull_request_review_comment`"),
    ("github-events/payload-examples/api.github.com/status/payload.json", "looks like commit"),
    ("github-events/payload-examples/api.github.com/push/payload.json", "looks like push"),
    ("gitlab-events/go-gitlab/testdata/webhooks/note_merge_request.json", "unsupported GitLab event `note`"),
    ("gitlab-events/go-gitlab/testdata/webhooks/pipeline.json", "unsupported GitLab event `pipeline`"),
])
def test_unsupported_events_are_input_errors(relative: str, expected: str) -> None:
    with pytest.raises(InputError, match=expected.replace("`", ".")):
        records.normalize(json.loads((CORPORA / relative).read_text()))


@pytest.mark.parametrize("spec, field", [
    ({"title": "t", "author": "a"}, "spec.id"),
    ({"id": "x", "author": "a"}, "spec.title"),
    ({"id": "x", "title": "t"}, "spec.author"),
    ({"id": "x", "title": "t", "author": "a", "approvals": [{"user": "b", "state": "approved", "commit": 5}]},
     "spec.approvals[0].commit"),
    ({"id": "x", "title": "t", "author": "a", "approvals": [{"user": "b", "state": "lgtm"}]}, "spec.approvals[0].state"),
    ({"id": "x", "title": "t", "author": "a", "checks": [{"name": "ci"}]}, "spec.checks[0].conclusion"),
    ({"id": "x", "title": "t", "author": "a", "merged_at": "yesterday"}, "spec.merged_at"),
    ({"id": "x", "title": "t", "author": "a", "reviewers": []}, "spec"),
    ({"id": "x", "title": "t", "author": "a", "merged": "yes"}, "spec.merged"),
])
def test_malformed_generic_record_names_the_field(spec: dict, field: str) -> None:
    with pytest.raises(InputError) as info:
        records.normalize({"apiVersion": "soc2gate.io/v1", "kind": "ChangeRecord", "spec": spec})
    assert f"`{field}`" in str(info.value)


def test_malformed_record_in_a_scan_is_a_failing_finding(tmp_path: Path) -> None:
    bad = tmp_path / "change.json"
    bad.write_text(json.dumps({"apiVersion": "soc2gate.io/v1", "kind": "ChangeRecord", "spec": {"id": "x", "title": "t"}}))
    result = scan(ScanOptions(change_records=(str(bad),), use_cache=False))
    assert not result.passed
    assert [f.policy_id for f in result.findings] == ["SYS-001"]
    assert "`spec.author`" in result.findings[0].message and str(bad) in result.findings[0].message


def test_unsupported_event_given_explicitly_fails_the_scan() -> None:
    event = cp.GITHUB / "push" / "payload.json"
    result = scan(ScanOptions(change_records=(str(event),), use_cache=False))
    assert not result.passed and result.findings[0].policy_id == "SYS-001"
    assert "unsupported GitHub event" in result.findings[0].message


def test_directory_scan_detects_events_and_yaml_records(tmp_path: Path) -> None:
    (tmp_path / "event.json").write_text(cp.render(cp.pr_event("opened")))
    (tmp_path / "push.json").write_text((cp.GITHUB / "push" / "payload.json").read_text())
    yaml_record = Path(cp.REPO / "policies/change/protected-branch/fixtures/pass/record.yaml")
    (tmp_path / "record.yaml").write_text(yaml_record.read_text())
    result = scan(ScanOptions(paths=(str(tmp_path),), use_cache=False))
    change = {f.resource for f in result.findings if f.surface == "change"}
    assert change == {"change/github/Codertocat/Hello-World#2", "change/generic/payments/CHG0031337"}
    assert any(s.path.endswith("push.json") for s in result.skipped)
    record_findings = {f.policy_id: f.outcome for f in result.findings if f.resource.startswith("change/generic")}
    assert record_findings["CHG-001"] is Outcome.PASS and record_findings["CHG-002"] is Outcome.PASS


def test_normalized_record_is_evidence_that_scans_the_same(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from soc2gate.cli import cli
    from soc2gate.commands import register_all

    register_all(cli)
    event = tmp_path / "event.json"
    event.write_text(cp.render(cp.review_event("octocat")))
    out = tmp_path / "record.yaml"
    run = CliRunner().invoke(cli, ["change", "normalize", str(event), "--format", "yaml", "--output", str(out)],
                             env={"GITHUB_TOKEN": "", "GITLAB_TOKEN": ""})
    assert run.exit_code == 0, run.output
    first = scan(ScanOptions(change_records=(str(event),), use_cache=False))
    second = scan(ScanOptions(change_records=(str(out),), use_cache=False))
    assert [(f.policy_id, f.outcome, f.message) for f in first.findings] == \
           [(f.policy_id, f.outcome, f.message) for f in second.findings]


def test_derived_github_payloads_are_valid_against_octokit_schemas() -> None:
    checked = 0
    for key, build in cp.FIXTURES.items():
        event = build()
        if "pull_request" in event and "apiVersion" not in event:
            assert cp.github_schema_errors(event) == [], key
            checked += 1
    assert checked >= 15


def test_schema_validation_catches_an_unrealistic_payload() -> None:
    event = cp.review_event("octocat")
    event["review"]["state"] = "APPROVED"       # REST spelling, not the webhook's
    assert any("review/state" in e for e in cp.github_schema_errors(event))


def test_committed_fixtures_are_what_the_builder_derives() -> None:
    stale = [str(cp.fixture_path(k)) for k, build in cp.FIXTURES.items()
             if not cp.fixture_path(k).is_file() or cp.fixture_path(k).read_text() != cp.render(build())]
    assert not stale, f"run `python tests/change_payloads.py` to regenerate: {stale}"


def test_yaml_records_are_read_as_yaml_not_round_tripped_through_json(tmp_path: Path) -> None:
    """Unquoted YAML timestamps become RFC 3339 strings; a value JSON cannot hold is an error naming its key;
    the finding's line is the record's, and the input's digest is the YAML file's own."""
    text = (cp.REPO / "policies/change/protected-branch/fixtures/pass/record.yaml").read_text()
    unquoted = text.replace('merged_at: "2024-03-04T11:00:00Z"', "merged_at: 2024-03-04 11:00:00Z")
    assert unquoted != text
    (tmp_path / "record.yaml").write_text(unquoted)
    result = scan(ScanOptions(change_records=(str(tmp_path / "record.yaml"),), use_cache=False))
    outcomes = {f.policy_id: f.outcome for f in result.findings}
    assert outcomes["CHG-001"] is Outcome.PASS and outcomes["CHG-007"] is Outcome.PASS, result.findings
    import hashlib

    assert result.inputs[0].sha256 == hashlib.sha256(unquoted.encode()).hexdigest()
    binary = text.replace("  changed_files:", "  tickets: [!!binary aGVsbG8=]\n  changed_files:")
    (tmp_path / "binary.yaml").write_text(binary)
    bad = scan(ScanOptions(change_records=(str(tmp_path / "binary.yaml"),), use_cache=False))
    assert [f.policy_id for f in bad.findings] == ["SYS-001"]
    assert "`spec.tickets[0]`: a YAML bytes is not a JSON value" in bad.findings[0].message


def test_logins_compare_in_one_canonical_form() -> None:
    from soc2gate.parsers.change.logins import canonical_login

    same = ["Codertocat", " codertocat", "CODERTOCAT\u200b", "Ｃｏｄｅｒｔｏｃａｔ", "Coder\u2060tocat", "\ufeffcodertocat\u00a0"]
    assert {canonical_login(name) for name in same} == {"codertocat"}
    assert canonical_login("Straße") == canonical_login("STRASSE")
    assert canonical_login("octocat") != canonical_login("octocat2")
    spec = cp.record(cp.pr_event("closed", merged_by="octocat"), approvals=[cp.approval(cp.LOOKALIKE_AUTHOR)])["spec"]
    resource = records.resource_of({"spec": spec}, "r.json", 1)
    assert resource.attributes["canonical_logins"][cp.LOOKALIKE_AUTHOR] == "codertocat"
    assert resource.attributes["canonical_logins"]["Codertocat"] == "codertocat"


def test_config_account_lists_use_the_canonical_form(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("change_management:\n  bot_accounts: [' OCTOCAT\u200b']\n"
                      "  approvals:\n    exclude_commit_authors: false\n")
    event = tmp_path / "e.json"
    event.write_text(cp.render(cp.review_event("octocat")))
    result = scan(ScanOptions(change_records=(str(event),), config_path=str(config), use_cache=False))
    chg1 = next(f for f in result.findings if f.policy_id == "CHG-001")
    assert chg1.outcome is Outcome.FAIL and "octocat: a bot or app" in chg1.message


@pytest.mark.parametrize("kind, name", [("check_suite", "completed.payload.json"), ("check_run", "completed.payload.json"),
                                        ("workflow_run", "completed.with-pull-requests.payload.json")])
def test_check_events_name_their_pull_requests(kind: str, name: str) -> None:
    """The events that re-run the gate when a check completes: a skeleton record per pull request,
    completed from the REST API (without it, the CC8.1 policies fail on the unknown data)."""
    event = cp.real(cp.GITHUB / kind / name)
    found = records.normalize_all(event)
    listed = event[kind]["pull_requests"]
    assert [r["spec"]["number"] for r in found] == [p["number"] for p in listed] and found
    spec = found[0]["spec"]
    assert spec["head_commit"] == listed[0]["head"]["sha"] and spec["source"]["event"] == kind
    assert spec["author"] is None and "approvals" not in spec


def test_check_event_without_a_token_fails_closed(tmp_path: Path) -> None:
    event = cp.GITHUB / "check_suite" / "completed.payload.json"
    result = scan(ScanOptions(change_records=(str(event),), use_cache=False))
    assert not result.passed
    outcomes = {f.policy_id: f.outcome for f in result.findings}
    assert outcomes["CHG-001"] is Outcome.FAIL and outcomes["CHG-002"] is Outcome.FAIL


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_a_deeply_nested_record_is_a_finding_not_a_crash(tmp_path: Path, suffix: str) -> None:
    labels: object = "leaf"
    for _ in range(900):
        labels = [labels]
    document = {"apiVersion": "soc2gate.io/v1", "kind": "ChangeRecord",
                "spec": {"id": "x", "title": "t", "author": "a", "labels": labels}}
    path = tmp_path / f"record{suffix}"
    path.write_text(json.dumps(document))  # JSON is YAML too
    result = scan(ScanOptions(change_records=(str(path),), use_cache=False))
    assert [f.policy_id for f in result.findings] == ["SYS-001"] and not result.passed
    assert "nested too deeply" in result.findings[0].message
