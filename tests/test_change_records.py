"""Change records: adapters over the real GitHub/GitLab webhook bodies, the generic record,
bad input, auto-detection, and the committed fixtures derived from the shared corpora."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import change_payloads as cp
from conftest import CORPORA, require_shared
from soc2gate.api import ScanOptions, scan
from soc2gate.parsers.change import records
from soc2gate.errors import InputError
from soc2gate.model import Outcome

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
