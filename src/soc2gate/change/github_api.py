"""Enrich a GitHub change record from the REST API (github.com or GitHub Enterprise Server).

Endpoints (all documented REST v3, paginated with Link headers where they list):
``GET /repos/{repo}/pulls/{n}``, ``.../pulls/{n}/reviews``, ``.../pulls/{n}/commits``,
``.../pulls/{n}/files``, ``/repos/{repo}/commits/{sha}/check-runs`` and
``/repos/{repo}/commits/{sha}/status``; with the CI run context (``ci_run``, see
``soc2gate.change.ci_run``) also ``/repos/{repo}/actions/runs/{run_id}`` and ``.../jobs`` to find the
gate's own check run (marked ``gate: true``, never counted by CHG-002).
"""

from __future__ import annotations

from typing import Any

from soc2gate.change.api_client import ApiClient, distinct_values
from soc2gate.change.own_checks import mark_own_check_runs
from soc2gate.parsers.change.github import login, review

DEFAULT_API_URL = "https://api.github.com"
IGNORED_COMMITTERS = frozenset({"web-flow"})
TOKEN_HINT = " (--github-token / GITHUB_TOKEN; it needs read access to pull requests, contents, checks and statuses)"


def client(token: str, api_url: str | None = None, **options: Any) -> ApiClient:
    headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28",
               "Authorization": f"Bearer {token}"}
    return ApiClient("GitHub API", api_url or DEFAULT_API_URL, headers, hint=TOKEN_HINT, **options)


def enrich(spec: dict[str, Any], api: ApiClient, ci_run: dict[str, Any] | None = None) -> dict[str, Any]:
    """A copy of ``spec`` completed with what the API knows about the pull request now."""
    repo, number = spec["repository"], spec["number"]
    base = f"/repos/{repo}/pulls/{number}"
    out = dict(spec)
    out.update(_pull(api.get(base)))
    out["approvals"] = [review(item) for item in api.get_all(f"{base}/reviews")]
    out["commit_authors"] = commit_authors(api.get_all(f"{base}/commits"))
    out["changed_files"] = changed_files(api.get_all(f"{base}/files"))
    head = out.get("head_commit")
    if head:
        runs = api.get_all(f"/repos/{repo}/commits/{head}/check-runs", key="check_runs")
        statuses = api.get_all(f"/repos/{repo}/commits/{head}/status", key="statuses")
        own = mark_own_check_runs(check_runs(runs, head), api, repo, ci_run or {})
        out["checks"] = own + commit_statuses(statuses, head)
    source = dict(out.get("source") or {})
    source["enriched_from"] = [f"{api.base_url.rstrip('/')}{base}"]
    out["source"] = source
    return out


def _pull(pr: dict[str, Any]) -> dict[str, Any]:
    head, base = pr.get("head") or {}, pr.get("base") or {}
    fields = {
        "title": pr.get("title"),
        "description": pr.get("body"),
        "url": pr.get("html_url"),
        "labels": [str(label.get("name")) for label in pr.get("labels") or [] if isinstance(label, dict)],
        "head_commit": head.get("sha"),
        "source_branch": head.get("ref"),
        "target_branch": base.get("ref"),
        "state": pr.get("state"),
        "merged": bool(pr.get("merged")) if "merged" in pr else pr.get("merged_at") is not None,
        "merged_by": login(pr.get("merged_by")),
        "merged_at": pr.get("merged_at"),
    }
    if login(pr.get("user")):
        fields["author"] = login(pr.get("user"))
    return {k: v for k, v in fields.items() if v is not None or k in ("merged_by", "merged_at", "description")}


def commit_authors(commits: list[Any]) -> list[str]:
    """Logins of the GitHub accounts that authored or committed any commit."""
    names: list[str] = []
    for item in commits:
        for role in ("author", "committer"):
            name = login(item.get(role)) if isinstance(item, dict) else None
            if name and name not in IGNORED_COMMITTERS and name not in names:
                names.append(name)
    return names


def changed_files(files: list[Any]) -> list[str]:
    return distinct_values(files, ("filename", "previous_filename"))


def check_runs(runs: list[Any], head: str) -> list[dict[str, Any]]:
    """Check runs; one not completed yet has its status (queued, in_progress, ...) as conclusion."""
    return [_check_run(run, head) for run in runs if isinstance(run, dict) and run.get("name")]


def _check_run(run: dict[str, Any], head: str) -> dict[str, Any]:
    item: dict[str, Any] = {"name": str(run.get("name")),
                            "conclusion": str(run.get("conclusion") or run.get("status") or "unknown"),
                            "commit": run.get("head_sha") or head, "kind": "check_run"}
    suite = found if isinstance(found := run.get("check_suite"), dict) else {}
    app = found if isinstance(found := run.get("app"), dict) else {}
    if isinstance(run.get("id"), int):
        item["id"] = run["id"]
    if isinstance(suite.get("id"), int):
        item["suite"] = suite["id"]
    if app.get("slug"):
        item["app"] = str(app["slug"])
    return item


def commit_statuses(statuses: list[Any], head: str) -> list[dict[str, Any]]:
    return [{"name": str(item.get("context")), "conclusion": str(item.get("state") or "unknown"),
             "commit": head, "kind": "status"}
            for item in statuses if isinstance(item, dict) and item.get("context")]
