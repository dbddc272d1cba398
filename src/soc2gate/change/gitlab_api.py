"""Enrich a GitLab change record from the REST API v4 (gitlab.com or self-managed).

``GET /projects/:id/merge_requests/:iid`` (author, merger, head sha, labels),
``.../approvals`` (who approved; ``approved_at`` on GitLab 17+, no commit),
``.../pipelines`` (newest pipeline per commit) and ``.../diffs`` (changed paths).
"""

from __future__ import annotations

import urllib.parse
from typing import Any

from soc2gate.change.api_client import ApiClient, distinct_values
from soc2gate.errors import InputError

TOKEN_HINT = " (--gitlab-token / GITLAB_TOKEN; it needs the read_api scope)"
PIPELINE_CONCLUSIONS = {"success": "success", "failed": "failure", "canceled": "cancelled", "skipped": "skipped"}


def api_url_for(document_url: str | None, given: str | None) -> str:
    """``given``, or ``<scheme>://<host>/api/v4`` of the merge request's web URL."""
    if given:
        return given
    parts = urllib.parse.urlsplit(document_url or "")
    if not parts.scheme or not parts.netloc:
        raise InputError("GitLab API: cannot tell the API URL from the event; pass --gitlab-api-url")
    return f"{parts.scheme}://{parts.netloc}/api/v4"


def client(token: str, api_url: str, **options: Any) -> ApiClient:
    return ApiClient("GitLab API", api_url, {"PRIVATE-TOKEN": token}, hint=TOKEN_HINT, **options)


def enrich(spec: dict[str, Any], api: ApiClient, ci_run: dict[str, Any] | None = None) -> dict[str, Any]:
    """A copy of ``spec`` completed with the merge request's state, approvals, pipelines and diffs."""
    project = urllib.parse.quote(str(spec["repository"]), safe="")
    base = f"/projects/{project}/merge_requests/{spec['number']}"
    out = dict(spec)
    out.update(_merge_request(api.get(base)))
    out["approvals"] = approvals(api.get(f"{base}/approvals"))
    out["checks"] = own_pipeline_jobs(pipelines(api.get_all(f"{base}/pipelines")), api, project, ci_run or {})
    out["changed_files"] = diffs(api.get_all(f"{base}/diffs"))
    source = dict(out.get("source") or {})
    source["enriched_from"] = [f"{api.base_url.rstrip('/')}{base}"]
    out["source"] = source
    return out


def _username(user: Any) -> str | None:
    return str(user["username"]) if isinstance(user, dict) and user.get("username") else None


def _merge_request(mr: dict[str, Any]) -> dict[str, Any]:
    merger = _username(mr.get("merged_by")) or _username(mr.get("merge_user"))
    fields = {
        "title": mr.get("title"),
        "description": mr.get("description"),
        "url": mr.get("web_url"),
        "author": _username(mr.get("author")),
        "labels": [str(label) for label in mr.get("labels") or [] if isinstance(label, str)],
        "head_commit": mr.get("sha"),
        "source_branch": mr.get("source_branch"),
        "target_branch": mr.get("target_branch"),
        "state": mr.get("state"),
        "merged": mr.get("state") == "merged",
        "merged_by": merger if mr.get("state") == "merged" else None,
        "merged_at": mr.get("merged_at"),
    }
    return {k: v for k, v in fields.items() if v is not None or k in ("merged_by", "merged_at")}


def approvals(body: Any) -> list[dict[str, Any]]:
    """Current approvals; GitLab does not say on which commit (``commit`` stays null)."""
    entries = body.get("approved_by") if isinstance(body, dict) else None
    out = []
    for entry in entries or []:
        user = entry.get("user") if isinstance(entry, dict) else None
        if isinstance(user, dict) and _username(user):
            bot = bool(user.get("bot")) or str(user["username"]).endswith("[bot]")
            out.append({"user": _username(user), "user_type": "Bot" if bot else "User", "state": "approved",
                        "submitted_at": entry.get("approved_at"), "commit": None})
    return out


def pipelines(items: list[Any]) -> list[dict[str, Any]]:
    """The newest pipeline of each commit (GitLab lists newest first) as a check named ``pipeline``."""
    seen: set[str] = set()
    checks = []
    for item in items:
        sha = item.get("sha") if isinstance(item, dict) else None
        if not sha or sha in seen:
            continue
        seen.add(sha)
        status = str(item.get("status") or "unknown")
        check = {"name": "pipeline", "conclusion": PIPELINE_CONCLUSIONS.get(status, status), "commit": sha,
                 "kind": "pipeline"}
        checks.append({**check, "id": item["id"]} if isinstance(item.get("id"), int) else check)
    return checks


def own_pipeline_jobs(checks: list[dict[str, Any]], api: ApiClient, project: str,
                      ci_run: dict[str, Any]) -> list[dict[str, Any]]:
    """The pipeline running the gate (``CI_PIPELINE_ID``) cannot have succeeded yet: it is replaced by
    its jobs (``GET /projects/:id/pipelines/:pipeline_id/jobs``) that count toward its status, the
    gate's own job (``CI_JOB_ID``) marked ``gate: true``, so the other jobs are judged (running or
    created ones are pending)."""
    pipeline = str(ci_run.get("pipeline_id") or "")
    if not pipeline.isdigit() or not any(c.get("id") == int(pipeline) for c in checks):
        return checks
    jobs = api.get_all(f"/projects/{project}/pipelines/{pipeline}/jobs")
    rest = [c for c in checks if c.get("id") != int(pipeline)]
    return rest + [_job(job, str(ci_run.get("job_id") or "")) for job in jobs if _counts_for_pipeline(job)]


def _counts_for_pipeline(job: Any) -> bool:
    """Jobs GitLab counts toward the pipeline's status: not manual or skipped, not allowed to fail."""
    return (isinstance(job, dict) and bool(job.get("name")) and job.get("allow_failure") is not True
            and job.get("status") not in ("manual", "skipped"))


def _job(job: dict[str, Any], own: str) -> dict[str, Any]:
    status = str(job.get("status") or "unknown")
    commit = (job.get("commit") or {}).get("id") if isinstance(job.get("commit"), dict) else None
    check = {"name": str(job["name"]), "conclusion": PIPELINE_CONCLUSIONS.get(status, status), "commit": commit,
             "kind": "job", "id": job.get("id") if isinstance(job.get("id"), int) else None}
    if own and str(job.get("id")) == own:
        check["gate"] = True
    return {k: v for k, v in check.items() if v is not None}


def diffs(items: list[Any]) -> list[str]:
    return distinct_values(items, ("new_path", "old_path"))
