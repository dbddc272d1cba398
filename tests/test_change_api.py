"""REST enrichment against a loopback HTTP server replaying GitHub/GitLab-shaped responses:
real HTTP through the real client (pagination, rate limiting, 401/403/404)."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterator

import change_payloads as cp
import pytest
from click.testing import CliRunner
from conftest import CORPORA
from rest_standin import Replay, serve

from soc2gate.change.enrich import enrich_record
from soc2gate.errors import InputError
from soc2gate.parsers.change import records

REPO = "/repos/Codertocat/Hello-World"
PULL = f"{REPO}/pulls/2"


@pytest.fixture
def server() -> Iterator[Replay]:
    with serve(Replay()) as replay:
        yield replay


def github_api(replay: Replay) -> None:
    """The documented REST shapes for pull request #2, reviews and files over two pages."""
    pr = copy.deepcopy(cp.pr_event("closed", merged_by="octocat")["pull_request"])
    pr["title"] = "DOCS-42: Update the README with new information."
    reviews = [cp.rest_review("Codertocat", "COMMENTED", "2019-05-15T15:21:00Z"), cp.rest_review("octocat", number=2)]
    files = [{"sha": "a" * 40, "filename": "README.md", "status": "modified", "additions": 1, "deletions": 1, "changes": 2},
             {"sha": "b" * 40, "filename": "docs/usage.md", "status": "renamed", "previous_filename": "docs/use.md",
              "additions": 0, "deletions": 0, "changes": 0}]
    runs = [cp.rest_check_run("build", run_id=1), cp.rest_check_run("test", run_id=2)]
    cp.github_rest(replay, pr, reviews, runs, files, statuses=[{"context": "ci/jenkins", "state": "success"}])


def _event(tmp_path: Path) -> Path:
    path = tmp_path / "event.json"
    path.write_text(cp.render(cp.review_event("Codertocat", "commented")))
    return path


def _cli(*args: str) -> Any:
    from soc2gate.cli import cli
    from soc2gate.commands import register_all

    register_all(cli)
    return CliRunner().invoke(cli, list(args), env={"GITHUB_TOKEN": "", "GITLAB_TOKEN": "", "GITHUB_API_URL": "",
                                                    "CI_API_V4_URL": ""})


def test_scan_with_token_completes_the_record_and_passes(server: Replay, tmp_path: Path) -> None:
    github_api(server)
    run = _cli("scan", "--change-record", str(_event(tmp_path)), "--github-token", "t0ken",
               "--github-api-url", server.base, "--format", "json")
    assert run.exit_code == 0, run.output
    report = json.loads(run.output)
    assert report["verdict"] == "passed"
    outcomes = {f["policy"]: f["outcome"] for f in report["findings"]}
    assert outcomes == {f"CHG-00{i}": "pass" for i in range(1, 9)}
    paths = [p for p, _ in server.requests]
    assert f"{PULL}/reviews?per_page=100&page=2" in paths and f"{PULL}/files?per_page=100&page=2" in paths
    assert all(h.get("authorization") == "Bearer t0ken" for _, h in server.requests)
    assert all(h.get("x-github-api-version") == "2022-11-28" for _, h in server.requests)


def test_normalize_with_token_prints_the_enriched_record(server: Replay, tmp_path: Path) -> None:
    github_api(server)
    run = _cli("change", "normalize", str(_event(tmp_path)), "--github-token", "t", "--github-api-url", server.base)
    assert run.exit_code == 0, run.output
    spec = json.loads(run.output)["spec"]
    assert [(a["user"], a["state"]) for a in spec["approvals"]] == [("Codertocat", "commented"), ("octocat", "approved")]
    assert spec["commit_authors"] == ["Codertocat"]
    assert spec["changed_files"] == ["README.md", "docs/usage.md", "docs/use.md"]
    assert {c["name"]: c["kind"] for c in spec["checks"]} == {"build": "check_run", "test": "check_run", "ci/jenkins": "status"}
    assert spec["merged_by"] == "octocat" and spec["merged_at"] == "2019-05-15T15:25:00+00:00"
    assert spec["source"]["enriched_from"] == [f"{server.base}{PULL}"]


def _enrich(replay: Replay, tmp_path: Path, **options: Any) -> dict[str, Any]:
    record = records.normalize(json.loads(_event(tmp_path).read_text()))
    settings = {"github_token": "t", "github_api_url": replay.base}
    return enrich_record(record, settings, "event.json", **options)


def test_rate_limit_waits_as_told_then_retries(server: Replay, tmp_path: Path) -> None:
    github_api(server)
    server.routes[PULL].insert(0, (403, {"Retry-After": "7", "X-RateLimit-Remaining": "0"},
                                   {"message": "API rate limit exceeded"}))
    waits: list[float] = []
    spec = _enrich(server, tmp_path, sleep=waits.append)["spec"]
    assert waits == [7.0]
    assert spec["merged_by"] == "octocat"
    assert [p for p, _ in server.requests].count(PULL) == 2


def test_rate_limit_beyond_the_bounded_wait_is_a_clear_error(server: Replay, tmp_path: Path) -> None:
    reset = int(time.time()) + 3600
    server.add(PULL, {"message": "API rate limit exceeded for installation"}, status=403,
               headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)})
    waits: list[float] = []
    with pytest.raises(InputError) as info:
        _enrich(server, tmp_path, sleep=waits.append, max_wait=60)
    assert waits == []
    message = str(info.value)
    assert message.startswith("event.json: GitHub API: rate limited (HTTP 403)")
    assert "more than the 60 s soc2gate waits" in message and "resets at" in message


def test_secondary_rate_limit_429_without_headers_waits_a_bounded_minute(server: Replay, tmp_path: Path) -> None:
    server.add(PULL, {"message": "secondary rate limit"}, status=429)
    waits: list[float] = []
    with pytest.raises(InputError, match="rate limited .HTTP 429."):
        _enrich(server, tmp_path, sleep=waits.append, max_wait=30)
    assert waits == []


@pytest.mark.parametrize("status, expected", [
    (401, "HTTP 401 for GET .*: the token is missing, expired or invalid .--github-token / GITHUB_TOKEN"),
    (403, "HTTP 403 .*the token lacks permission.*server says: Resource not accessible by integration"),
])
def test_auth_errors_name_the_fix(server: Replay, tmp_path: Path, status: int, expected: str) -> None:
    server.add(PULL, {"message": "Resource not accessible by integration" if status == 403 else "Bad credentials"},
               status=status)
    with pytest.raises(InputError, match=expected):
        _enrich(server, tmp_path)


def test_not_found_through_the_cli_exits_2(server: Replay, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_TOKEN", "GITHUB_API_URL")}
    run = subprocess.run([sys.executable, "-c", "from soc2gate.cli import main; main()", "scan", "--change-record",
                          str(_event(tmp_path)), "--github-token", "t", "--github-api-url", server.base],
                         capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 2, run.stderr
    assert run.stderr.startswith(f"soc2gate: error: {tmp_path / 'event.json'}: GitHub API: HTTP 404 for GET")
    assert f"{PULL}: not found" in run.stderr and "Traceback" not in run.stderr


def test_pagination_never_follows_another_host(server: Replay, tmp_path: Path) -> None:
    github_api(server)
    server.routes[f"{PULL}/reviews?per_page=100"][0][1]["Link"] = '<https://evil.example/next?page=2>; rel="next"'
    with pytest.raises(InputError, match="another host .evil.example.; not sending the token"):
        _enrich(server, tmp_path)


def test_unreachable_api_is_a_clear_error(tmp_path: Path) -> None:
    record = records.normalize(json.loads(_event(tmp_path).read_text()))
    with pytest.raises(InputError, match="GitHub API: cannot reach http://127.0.0.1:9/repos"):
        enrich_record(record, {"github_token": "t", "github_api_url": "http://127.0.0.1:9"}, "event.json", timeout=5)


GITLAB_EVENT = CORPORA / "gitlab-events/atlantis/server/events/testdata/gitlab-merge-request-event.json"
GITLAB_MR = CORPORA / "gitlab-events/atlantis/server/events/testdata/gitlab-get-merge-request.json"


def test_gitlab_enrichment_from_merge_request_approvals_pipelines_and_diffs(server: Replay, tmp_path: Path) -> None:
    event = json.loads(GITLAB_EVENT.read_text())
    base = "/api/v4/projects/lkysow%2Fatlantis-example/merge_requests/12"
    mr = json.loads(GITLAB_MR.read_text())
    mr.update(iid=12, state="merged", merged_by={"id": 7, "username": "reviewer1", "name": "R"},
              merged_at="2018-12-13T10:00:00.000Z", sha="fa3b1a2c" * 5)
    server.add(base, mr)
    server.add(f"{base}/approvals", {"id": mr["id"], "iid": 12, "approvals_required": 1, "approvals_left": 0,
                                      "approved_by": [{"user": {"id": 7, "username": "reviewer1", "name": "R"},
                                                       "approved_at": "2018-12-13T09:00:00.000Z"}]})
    server.add(f"{base}/pipelines?per_page=100", [{"id": 9, "sha": "fa3b1a2c" * 5, "ref": "patch-1", "status": "success"}],
               headers={"Link": f'<{{base}}{base}/pipelines?per_page=100&page=2>; rel="next"'})
    server.add(f"{base}/pipelines?per_page=100&page=2", [{"id": 8, "sha": "fa3b1a2c" * 5, "status": "failed"},
                                                         {"id": 7, "sha": "0ld" * 10, "status": "failed"}])
    server.add(f"{base}/diffs", [{"old_path": "main.tf", "new_path": "main.tf", "diff": "@@"}])
    record = records.normalize(event)
    assert record["spec"]["author"] == "lkysow"
    spec = enrich_record(record, {"gitlab_token": "glpat", "gitlab_api_url": f"{server.base}/api/v4"}, "mr.json")["spec"]
    assert spec["merged"] is True and spec["merged_by"] == "reviewer1"
    assert spec["approvals"] == [{"user": "reviewer1", "user_type": "User", "state": "approved",
                                  "submitted_at": "2018-12-13T09:00:00+00:00", "commit": None}]
    assert spec["checks"] == [{"name": "pipeline", "conclusion": "success", "commit": "fa3b1a2c" * 5, "kind": "pipeline", "id": 9},
                              {"name": "pipeline", "conclusion": "failure", "commit": "0ld" * 10, "kind": "pipeline", "id": 7}]
    assert spec["changed_files"] == ["main.tf"]
    assert all(h.get("private-token") == "glpat" for _, h in server.requests)


def _ci_enrich(replay: Replay, tmp_path: Path) -> dict[str, Any]:
    record = records.normalize(json.loads(_event(tmp_path).read_text()))
    ci_run = {"platform": "github", "run_id": str(cp.GATE_RUN_ID), "job": "soc2gate", "runner_name": cp.GATE_RUNNER}
    return enrich_record(record, {"github_token": "t", "github_api_url": replay.base, "ci_run": ci_run}, "e.json")["spec"]


def _gate_marks(spec: dict[str, Any]) -> dict[tuple[str, int], bool]:
    return {(c["name"], c["id"]): c.get("gate", False) for c in spec["checks"] if c["kind"] == "check_run"}


def test_without_actions_read_the_gate_is_matched_by_check_suite_and_job_name(server: Replay, tmp_path: Path) -> None:
    github_api(server)
    runs = [cp.rest_check_run("build", run_id=1),
            cp.rest_check_run("soc2gate", "in_progress", None, run_id=5, suite=cp.GATE_SUITE_ID),
            cp.rest_check_run("lint", "in_progress", None, run_id=6, suite=cp.GATE_SUITE_ID),
            cp.rest_check_run("soc2gate (matrix)", "queued", None, run_id=7, suite=999)]
    server.routes.pop(f"{cp.REST_REPO}/commits/{cp.HEAD}/check-runs?per_page=100")
    server.add(f"{cp.REST_REPO}/commits/{cp.HEAD}/check-runs?per_page=100", {"total_count": 4, "check_runs": runs})
    server.add(f"{cp.REST_REPO}/actions/runs/{cp.GATE_RUN_ID}", cp.rest_workflow_run())
    server.add(f"{cp.REST_REPO}/actions/runs/{cp.GATE_RUN_ID}/jobs", {"message": "Resource not accessible by integration"},
               status=403)
    marks = _gate_marks(_ci_enrich(server, tmp_path))
    assert marks == {("build", 1): False, ("soc2gate", 5): True, ("lint", 6): False, ("soc2gate (matrix)", 7): False}


def test_earlier_runs_of_the_gate_job_on_the_head_are_the_gate_too(server: Replay, tmp_path: Path) -> None:
    """Run on a check_suite event (default branch), the gate's job is not on the PR head; the PR's
    own earlier gate run there (failed) must not fail CHG-002."""
    github_api(server)
    runs = [cp.rest_check_run("build", run_id=1), cp.rest_check_run("soc2gate", "completed", "failure", run_id=3),
            cp.rest_check_run("soc2gate", "completed", "failure", run_id=4, app="circleci-checks")]
    server.routes.pop(f"{cp.REST_REPO}/commits/{cp.HEAD}/check-runs?per_page=100")
    server.add(f"{cp.REST_REPO}/commits/{cp.HEAD}/check-runs?per_page=100", {"total_count": 3, "check_runs": runs})
    server.add(f"{cp.REST_REPO}/actions/runs/{cp.GATE_RUN_ID}", cp.rest_workflow_run())
    server.add(f"{cp.REST_REPO}/actions/runs/{cp.GATE_RUN_ID}/jobs?per_page=100",
               {"total_count": 1, "jobs": [cp.rest_job("soc2gate", cp.GATE_JOB_ID, cp.GATE_RUNNER)]})
    marks = _gate_marks(_ci_enrich(server, tmp_path))
    assert marks == {("build", 1): False, ("soc2gate", 3): True, ("soc2gate", 4): False}


GITLAB_PIPELINE = CORPORA / "gitlab-events/go-gitlab/testdata/webhooks/pipeline.json"


def test_gitlab_own_pipeline_is_judged_by_its_other_jobs(server: Replay, tmp_path: Path) -> None:
    """In GitLab CI the gate runs inside the merge request's pipeline: that pipeline is replaced by its
    jobs (from the real pipeline webhook's builds), the gate's own job (CI_JOB_ID) marked."""
    event = json.loads(GITLAB_EVENT.read_text())
    base = "/api/v4/projects/lkysow%2Fatlantis-example/merge_requests/12"
    mr = {**json.loads(GITLAB_MR.read_text()), "iid": 12, "sha": "fa3b1a2c" * 5}
    server.add(base, mr)
    server.add(f"{base}/approvals", {"approved_by": []})
    server.add(f"{base}/pipelines", [{"id": 31, "sha": "fa3b1a2c" * 5, "status": "running"}])
    server.add(f"{base}/diffs", [])
    builds = json.loads(GITLAB_PIPELINE.read_text())["builds"]
    jobs = [{"id": b["id"], "name": b["name"], "status": b["status"], "allow_failure": b.get("allow_failure", False),
             "commit": {"id": "fa3b1a2c" * 5}} for b in builds]
    jobs.append({**jobs[1], "id": 999, "name": "flaky", "status": "failed", "allow_failure": True})
    server.add("/api/v4/projects/lkysow%2Fatlantis-example/pipelines/31/jobs", jobs)
    own = next(j["id"] for j in jobs if j["name"] == "test-build")
    settings = {"gitlab_token": "glpat", "gitlab_api_url": f"{server.base}/api/v4",
                "ci_run": {"platform": "gitlab", "pipeline_id": "31", "job_id": str(own)}}
    spec = enrich_record(records.normalize(event), settings, "mr.json")["spec"]
    counted = [j for j in jobs if j["status"] != "skipped" and not j["allow_failure"]]  # GitLab's own rule
    assert [c["kind"] for c in spec["checks"]] == ["job"] * len(counted) and len(counted) < len(jobs)
    assert {c["id"]: c.get("gate", False) for c in spec["checks"]} == {j["id"]: j["id"] == own for j in counted}
    assert {c["name"]: c["conclusion"] for c in spec["checks"]}["staging"] == "created"  # pending for CHG-002


@pytest.mark.parametrize("name, conclusion", [
    ("created.payload.json", "queued"), ("completed.payload.json", "success"), ("rerequested.payload.json", "neutral"),
])
def test_real_check_run_payloads_normalize_to_pending_or_final(name: str, conclusion: str) -> None:
    """The defaults on octokit's check_run examples: a run not completed carries its status, which
    `checks.pending_conclusions` lists (pending, not failed); a completed one its conclusion."""
    from soc2gate.change.github_api import check_runs
    from soc2gate.change.params import defaults

    run = json.loads((cp.GITHUB / "check_run" / name).read_text())["check_run"]
    check = check_runs([run], cp.HEAD)[0]
    assert check["conclusion"] == conclusion and check["suite"] == run["check_suite"]["id"]
    pending = defaults()["checks"]["pending_conclusions"]
    assert (run["status"] != "completed") == (check["conclusion"] in pending)
