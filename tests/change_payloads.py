"""Change-record test payloads derived from the real webhook bodies in ../shared.

Every derived GitHub payload starts from an octokit/webhooks example and changes only what
the scenario needs (reviewer, review state and commit, merge, labels, title, branches);
``github_schema_errors`` validates it against octokit's JSON Schemas so it stays realistic.
GitLab payloads start from the atlantis and go-gitlab webhook bodies.  Generic records are
what ``soc2gate change normalize`` makes of a derived payload, completed with the fields the
REST API enrichment adds (commit authors, checks, changed files, every review).

``python tests/change_payloads.py`` (re)writes the policy fixtures under policies/change/;
tests/test_change_fixtures.py checks that the committed fixtures equal what this builds.
"""

from __future__ import annotations

import copy
import json
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from conftest import CORPORA  # noqa: E402

GITHUB = CORPORA / "github-events" / "payload-examples" / "api.github.com"
GITHUB_SCHEMAS = CORPORA / "github-events" / "payload-schemas" / "api.github.com"
GITLAB = CORPORA / "gitlab-events"
HEAD = "ec26c3e57ca3a959ca5aad62de7213c562f8c821"   # head.sha of the octokit pull request examples
BASE = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e"   # base.sha: an older commit than the head


@lru_cache(maxsize=None)
def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def real(path: Path) -> dict[str, Any]:
    return json.loads(_read(path))


def github_user(login: str) -> dict[str, Any]:
    """A real user object from the examples: Codertocat (author), octocat (reviewer), github-pages[bot]."""
    if login == "github-pages[bot]":
        return copy.deepcopy(real(GITHUB / "deployment" / "gh-pages.payload.json")["deployment"]["creator"])
    pr = real(GITHUB / "pull_request" / "opened.payload.json")["pull_request"]
    users = {u["login"]: u for u in [pr["user"], *pr["requested_reviewers"]]}
    return copy.deepcopy(users[login])


def review_event(reviewer: str, state: str = "approved", commit: str = HEAD) -> dict[str, Any]:
    event = real(GITHUB / "pull_request_review" / "submitted.payload.json")
    event["review"].update(user=github_user(reviewer), state=state, commit_id=commit)
    event["sender"] = github_user(reviewer)
    return event


def pr_event(action: str = "opened", **changes: Any) -> dict[str, Any]:
    """A pull_request event; ``merged_by`` merges it, ``labels`` relabels it, others set PR fields."""
    event = real(GITHUB / "pull_request" / f"{action}.payload.json")
    pr = event["pull_request"]
    if "merged_by" in changes:
        merged_at = changes.pop("merged_at", "2019-05-15T15:25:00Z")
        pr.update(merged=True, merged_by=github_user(changes.pop("merged_by")), merged_at=merged_at,
                  closed_at=merged_at, merge_commit_sha="c4295bd74fb0f4fda03689c3df3f2803b658fd85")
    if "labels" in changes:
        template = pr["labels"][0]
        pr["labels"] = [{**template, "name": name, "id": template["id"] + i} for i, name in enumerate(changes.pop("labels"))]
    if "base_ref" in changes:
        pr["base"]["ref"] = changes.pop("base_ref")
    if "head_ref" in changes:
        pr["head"]["ref"] = changes.pop("head_ref")
    pr.update(changes)
    return event


def gitlab_event(source: str, **attributes: Any) -> dict[str, Any]:
    paths = {"go-gitlab": GITLAB / "go-gitlab" / "testdata" / "webhooks" / "merge_request.json",
             "atlantis-ready": GITLAB / "atlantis" / "server" / "events" / "testdata" / "gitlab-merge-request-event-mark-as-ready.json"}
    event = real(paths[source])
    event["object_attributes"].update(attributes)
    return event


def record(event: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """The generic record soc2gate makes of ``event``, completed with API-shaped ``fields``."""
    from soc2gate.parsers.change.records import normalize

    document = normalize(event)
    document["spec"].update(fields)
    return document


def approval(user: str, commit: str = HEAD, at: str = "2019-05-15T15:22:00+00:00", state: str = "approved",
             user_type: str = "User") -> dict[str, Any]:
    return {"user": user, "user_type": user_type, "state": state, "submitted_at": at, "commit": commit}


def check(name: str, conclusion: str = "success", commit: str = HEAD, **extra: Any) -> dict[str, Any]:
    return {"name": name, "conclusion": conclusion, "commit": commit, "kind": "check_run", **extra}


def gitlab_record(source: str = "go-gitlab", **fields: Any) -> dict[str, Any]:
    """A merged GitLab merge request as the API enrichment completes it (approvals with approved_at)."""
    event = gitlab_event(source, action="merge", state="merged", merged_at="2019-03-01 10:00:00 UTC")
    return record(event, **{"author": "root", "commit_authors": ["root"], **fields})


GITLAB_HEAD = real(GITLAB / "go-gitlab" / "testdata" / "webhooks" / "merge_request.json")["object_attributes"]["last_commit"]["id"]
LOOKALIKE_AUTHOR = "\u00a0ＣｏｄｅｒＴｏｃａｔ\u200b"  # NFKC + zero-width + case: the author Codertocat


MERGED_BY_OTHER = pr_event("closed", merged_by="octocat")
ENRICHED = {"commit_authors": ["Codertocat"], "approvals": [approval("octocat")],
            "checks": [check("build"), check("test")], "changed_files": ["README.md"]}

# (policy folder, fixture kind, file name) -> builder
FIXTURES: dict[tuple[str, str, str], Callable[[], dict[str, Any]]] = {
    ("approvals", "pass", "review-approved-by-other.json"): lambda: review_event("octocat"),
    ("approvals", "fail", "review-approved-by-author.json"): lambda: review_event("Codertocat"),
    ("approvals", "fail", "review-stale-approval.json"): lambda: review_event("octocat", commit=BASE),
    ("approvals", "fail", "review-bot-approval.json"): lambda: review_event("github-pages[bot]"),
    ("approvals", "fail", "review-changes-requested.json"): lambda: review_event("octocat", "changes_requested"),
    ("approvals", "fail", "pr-opened-no-reviews.json"): lambda: pr_event("opened"),
    ("approvals", "fail", "gitlab-approved-by-author.json"): lambda: gitlab_event("atlantis-ready", action="approved"),
    ("approvals", "fail", "record-approved-after-merge.json"):
        lambda: record(MERGED_BY_OTHER, **{**ENRICHED, "approvals": [approval("octocat", at="2019-05-15T15:30:00+00:00")]}),
    ("approvals", "fail", "record-approval-without-time-merged.json"):
        lambda: record(MERGED_BY_OTHER, **{**ENRICHED, "approvals": [approval("octocat", at=None)]}),
    ("approvals", "fail", "record-no-head-commit.json"):
        lambda: record(MERGED_BY_OTHER, **{**ENRICHED, "head_commit": None, "approvals": [approval("octocat", commit=None)]}),
    ("approvals", "fail", "record-lookalike-self-approval.json"):
        lambda: record(MERGED_BY_OTHER, **{**ENRICHED, "approvals": [approval(LOOKALIKE_AUTHOR)]}),
    ("approvals", "fail", "gitlab-approved-after-merge.json"):
        lambda: gitlab_record(approvals=[approval("reviewer1", commit=GITLAB_HEAD, at="2019-03-01T11:00:00+00:00")]),
    ("approvals", "pass", "gitlab-approved-before-merge.json"):
        lambda: gitlab_record(approvals=[approval("reviewer1", commit=GITLAB_HEAD, at="2019-03-01T09:00:00+00:00")]),
    ("approvals", "pass", "record-approved-before-merge.json"): lambda: record(MERGED_BY_OTHER, **ENRICHED),
    ("approvals", "inconclusive", "pr-emergency-merged-unreviewed.json"):
        lambda: pr_event("closed", merged_by="Codertocat", labels=["bug", "emergency"]),
    ("ci-checks", "pass", "record-checks-succeeded.json"): lambda: record(MERGED_BY_OTHER, **ENRICHED),
    ("ci-checks", "fail", "record-failing-check.json"):
        lambda: record(MERGED_BY_OTHER, **{**ENRICHED, "checks": [check("build"), check("test", "failure")]}),
    ("ci-checks", "fail", "record-check-on-old-commit.json"):
        lambda: record(MERGED_BY_OTHER, **{**ENRICHED, "checks": [check("build", commit=BASE)]}),
    ("ci-checks", "fail", "pr-closed-no-check-data.json"): lambda: pr_event("closed", merged_by="octocat"),
    ("ci-checks", "pass", "record-gate-own-check-in-progress.json"):
        lambda: record(MERGED_BY_OTHER, **{**ENRICHED, "checks": [check("build"), check("test"),
                       check("soc2gate", "in_progress", id=4, suite=3, app="github-actions", gate=True),
                       check("soc2gate", "failure", id=2, suite=1, app="github-actions", gate=True)]}),
    ("ci-checks", "pass", "record-ignored-check-failed.json"):
        lambda: record(MERGED_BY_OTHER, **{**ENRICHED, "checks": [check("build"), check("docs preview", "failure")]}),
    ("ci-checks", "fail", "record-only-the-gate-reported.json"):
        lambda: record(MERGED_BY_OTHER, **{**ENRICHED, "checks": [check("soc2gate", "in_progress", gate=True)]}),
    ("ci-checks", "inconclusive", "record-check-in-progress.json"):
        lambda: record(MERGED_BY_OTHER, **{**ENRICHED, "checks": [check("build"), check("test", "in_progress")]}),
    ("ci-checks", "inconclusive", "record-check-queued.json"):
        lambda: record(MERGED_BY_OTHER, **{**ENRICHED, "checks": [check("build"), check("test", "queued")]}),
    ("ci-checks", "inconclusive", "gitlab-pipeline-running.json"):
        lambda: gitlab_record(checks=[{"name": "pipeline", "conclusion": "running", "kind": "pipeline",
                                       "commit": GITLAB_HEAD}]),
    ("ticket", "pass", "pr-ticket-in-title.json"):
        lambda: pr_event("opened", title="DOCS-42: Update the README with new information."),
    ("ticket", "pass", "pr-ticket-in-branch.json"): lambda: pr_event("opened", head_ref="DOCS-42-readme"),
    ("ticket", "fail", "pr-opened-no-ticket.json"): lambda: pr_event("opened"),
    ("ticket", "fail", "gitlab-mr-no-ticket.json"): lambda: gitlab_event("go-gitlab"),
    ("separation-of-duties", "pass", "pr-merged-by-other.json"): lambda: pr_event("closed", merged_by="octocat"),
    ("separation-of-duties", "pass", "record-merged-by-author-approved.json"):
        lambda: record(pr_event("closed", merged_by="Codertocat"), **ENRICHED),
    ("separation-of-duties", "fail", "pr-merged-by-author.json"): lambda: pr_event("closed", merged_by="Codertocat"),
    ("separation-of-duties", "fail", "record-deployed-by-author.json"):
        lambda: record(MERGED_BY_OTHER, **{**ENRICHED, "approvals": [], "deployer": "Codertocat"}),
    ("separation-of-duties", "fail", "pr-merged-by-author-lookalike.json"):
        lambda: pr_event("closed", merged_by="Codertocat", user={**github_user("Codertocat"), "login": "codertocat "}),
    ("separation-of-duties", "fail", "record-merged-by-author-approved-after-merge.json"):
        lambda: record(pr_event("closed", merged_by="Codertocat"),
                       **{**ENRICHED, "approvals": [approval("octocat", at="2019-05-15T16:00:00+00:00")]}),
    ("separation-of-duties", "fail", "gitlab-merged-by-author.json"):
        lambda: gitlab_event("atlantis-ready", action="merge", state="merged"),
    ("sensitive-paths", "pass", "record-readme-only.json"): lambda: record(MERGED_BY_OTHER, **ENRICHED),
    ("sensitive-paths", "pass", "record-workflow-owner-approved.json"):
        lambda: record(MERGED_BY_OTHER, **{**ENRICHED, "changed_files": [".github/workflows/ci.yml"]}),
    ("sensitive-paths", "fail", "record-workflow-one-approval.json"):
        lambda: record(pr_event("closed", merged_by="Codertocat"),
                       **{**ENRICHED, "approvals": [approval("hubot")], "changed_files": ["README.md", "modules/iam/roles.tf"]}),
    ("sensitive-paths", "fail", "pr-no-changed-files.json"): lambda: pr_event("opened"),
    ("protected-branch", "pass", "pr-into-master.json"): lambda: pr_event("opened"),
    ("protected-branch", "pass", "gitlab-mr-into-master.json"): lambda: gitlab_event("go-gitlab"),
    ("protected-branch", "fail", "pr-into-feature-branch.json"): lambda: pr_event("opened", base_ref="feature/readme"),
    ("change-freeze", "pass", "pr-merged-before-freeze.json"): lambda: pr_event("closed", merged_by="octocat"),
    ("change-freeze", "pass", "pr-emergency-merged-in-freeze.json"):
        lambda: pr_event("closed", merged_by="octocat", merged_at="2019-12-24T10:00:00Z", labels=["emergency"]),
    ("change-freeze", "fail", "pr-merged-in-freeze.json"):
        lambda: pr_event("closed", merged_by="octocat", merged_at="2019-12-24T10:00:00Z"),
    ("emergency-review", "pass", "record-emergency-reviewed-in-time.json"):
        lambda: record(pr_event("closed", merged_by="Codertocat", labels=["emergency"]),
                       **{**ENRICHED, "approvals": [approval("octocat", at="2019-05-16T09:00:00+00:00")]}),
    ("emergency-review", "pass", "pr-not-emergency.json"): lambda: pr_event("closed", merged_by="octocat"),
    ("emergency-review", "fail", "pr-emergency-never-reviewed.json"):
        lambda: pr_event("closed", merged_by="Codertocat", labels=["emergency"]),
    ("emergency-review", "fail", "record-emergency-reviewed-late.json"):
        lambda: record(pr_event("closed", merged_by="Codertocat", labels=["emergency"]),
                       **{**ENRICHED, "approvals": [approval("octocat", at="2019-05-17T09:00:00+00:00")]}),
}


# ---- GitHub REST API responses (documented shapes, built from the octokit examples) -------------------

REST_REPO = "/repos/Codertocat/Hello-World"
REST_PULL = f"{REST_REPO}/pulls/2"
GATE_RUN_ID, GATE_SUITE_ID, GATE_JOB_ID = 7100000001, 7200000002, 7300000003
GATE_RUNNER = "GitHub Actions 5"


def rest_user(login: str, kind: str = "User") -> dict[str, Any]:
    return {**github_user("octocat"), "login": login, "type": kind}


def rest_review(login: str, state: str = "APPROVED", at: str = "2019-05-15T15:22:00Z", commit: str = HEAD,
                number: int = 1) -> dict[str, Any]:
    return {"id": 80000000 + number, "node_id": f"PRR_{number}", "user": rest_user(login), "body": "",
            "state": state, "html_url": f"https://github.com/Codertocat/Hello-World/pull/2#pullrequestreview-{number}",
            "pull_request_url": f"https://api.github.com{REST_PULL}", "author_association": "MEMBER",
            "submitted_at": at, "commit_id": commit}


def rest_check_run(name: str, status: str = "completed", conclusion: str | None = "success", run_id: int = 1,
                   suite: int = 118578147, app: str = "github-actions") -> dict[str, Any]:
    """A check run as ``GET /repos/{repo}/commits/{ref}/check-runs`` lists it (octokit's example reshaped)."""
    item = copy.deepcopy(real(GITHUB / "check_run" / "completed.payload.json")["check_run"])
    item.update(id=run_id, name=name, status=status, conclusion=conclusion, head_sha=HEAD,
                completed_at=item["completed_at"] if status == "completed" else None)
    item["check_suite"] = {**item["check_suite"], "id": suite}
    item["app"] = {**item["app"], "slug": app, "name": "GitHub Actions" if app == "github-actions" else app}
    return item


def rest_status(context: str = "ci/jenkins", state: str = "success") -> dict[str, Any]:
    """One entry of ``GET /repos/{repo}/commits/{ref}/status`` ``statuses`` (octokit's status example)."""
    event = real(GITHUB / "status" / "payload.json")
    keep = ("id", "node_id", "description", "target_url", "created_at", "updated_at")
    return {**{k: event[k] for k in keep if k in event}, "url": f"https://api.github.com{REST_REPO}/statuses/{HEAD}",
            "avatar_url": event["sender"]["avatar_url"], "context": context, "state": state}


def rest_workflow_run(run_id: int = GATE_RUN_ID, suite: int = GATE_SUITE_ID) -> dict[str, Any]:
    """``GET /repos/{repo}/actions/runs/{run_id}``: the workflow run of the gate, still in progress."""
    run = copy.deepcopy(real(GITHUB / "workflow_run" / "completed.with-pull-requests.payload.json")["workflow_run"])
    run.update(id=run_id, check_suite_id=suite, status="in_progress", conclusion=None, head_sha=HEAD,
               path=".github/workflows/soc2gate.yml", name="soc2gate", event="pull_request")
    return run


def rest_job(name: str, job_id: int, runner: str | None, status: str = "in_progress",
             run_id: int = GATE_RUN_ID) -> dict[str, Any]:
    """One item of ``GET /repos/{repo}/actions/runs/{run_id}/jobs`` (octokit's workflow_job example)."""
    job = copy.deepcopy(real(GITHUB / "workflow_job" / "in_progress.payload.json")["workflow_job"])
    job.update(id=job_id, run_id=run_id, name=name, status=status, head_sha=HEAD, runner_name=runner,
               check_run_url=f"https://api.github.com{REST_REPO}/check-runs/{job_id}", workflow_name="soc2gate")
    return job


def _pages(replay: Any, path: str, items: list[Any], key: str | None = None) -> None:
    """``items`` one per page, linked with ``Link: rel="next"`` as GitHub paginates."""
    items = items or []
    for number in range(1, max(len(items), 1) + 1):
        target = f"{path}?per_page=100" + (f"&page={number}" if number > 1 else "")
        page = items[number - 1:number]
        links = {"Link": f'<{{base}}{path}?per_page=100&page={number + 1}>; rel="next"'} if number < len(items) else {}
        replay.add(target, {"total_count": len(items), key: page} if key else page, headers=links)


def github_rest(replay: Any, pr: dict[str, Any], reviews: list[dict[str, Any]], check_runs: list[dict[str, Any]],
                files: list[dict[str, Any]] | None = None, statuses: list[dict[str, Any]] | None = None,
                jobs: list[dict[str, Any]] | None = None) -> None:
    """The REST answers for pull request #2: the pull, reviews, commits and files (paginated), the head's
    check runs and combined status, and (``jobs``) the gate's workflow run with its jobs."""
    replay.add(REST_PULL, pr)
    _pages(replay, f"{REST_PULL}/reviews", reviews)
    commit = {"sha": HEAD, "node_id": "C_x", "commit": {"author": {"name": "Codertocat", "email": "c@example.com",
              "date": "2019-05-15T15:19:00Z"}, "committer": {"name": "GitHub", "email": "noreply@github.com",
              "date": "2019-05-15T15:19:00Z"}, "message": "Update README.md"},
              "author": rest_user("Codertocat"), "committer": rest_user("web-flow"), "parents": [{"sha": BASE}]}
    _pages(replay, f"{REST_PULL}/commits", [commit])
    default_files = [{"sha": "a" * 40, "filename": "README.md", "status": "modified", "additions": 1, "deletions": 1,
                      "changes": 2}]
    _pages(replay, f"{REST_PULL}/files", files if files is not None else default_files)
    _pages(replay, f"{REST_REPO}/commits/{HEAD}/check-runs", check_runs, key="check_runs")
    statuses = statuses or []
    state = "success" if all(x.get("state") == "success" for x in statuses) else "pending"
    replay.add(f"{REST_REPO}/commits/{HEAD}/status?per_page=100",
               {"state": state, "sha": HEAD, "total_count": len(statuses), "statuses": statuses})
    if jobs is not None:
        replay.add(f"{REST_REPO}/actions/runs/{GATE_RUN_ID}", rest_workflow_run())
        _pages(replay, f"{REST_REPO}/actions/runs/{GATE_RUN_ID}/jobs", jobs, key="jobs")


def fixture_path(key: tuple[str, str, str]) -> Path:
    folder, kind, name = key
    return REPO / "policies" / "change" / folder / "fixtures" / kind / name


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


@lru_cache(maxsize=1)
def _github_registry() -> tuple[Any, dict[str, dict[str, Any]]]:
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7

    registry: Any = Registry()
    schemas: dict[str, dict[str, Any]] = {}
    for path in sorted(GITHUB_SCHEMAS.rglob("*.schema.json")):
        contents = json.loads(_read(path))
        relative = path.relative_to(GITHUB_SCHEMAS).as_posix()
        resource = Resource.from_contents(contents, default_specification=DRAFT7)
        registry = registry.with_resources([(relative, resource), (contents.get("$id", relative), resource)])
        schemas[relative] = contents
    return registry, schemas


def github_schema_errors(event: dict[str, Any]) -> list[str]:
    """Violations of octokit's schema for this event and action ([] when valid)."""
    import jsonschema

    registry, schemas = _github_registry()
    name = "pull_request_review" if "review" in event else "pull_request"
    schema = schemas[f"{name}/{event['action']}.schema.json"]
    validator = jsonschema.Draft7Validator(schema, registry=registry)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:160]}" for e in validator.iter_errors(event)]


def write_all() -> None:
    for key, build in FIXTURES.items():
        path = fixture_path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(build()), encoding="utf-8")


if __name__ == "__main__":
    write_all()
    print(f"wrote {len(FIXTURES)} fixtures")
