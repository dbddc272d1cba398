"""Enrich a GitLab change record from the REST API v4 (gitlab.com or self-managed).

``GET /projects/:id/merge_requests/:iid`` (author, merger, head sha, labels),
``.../approvals`` (who approved; ``approved_at`` on GitLab 17+, no commit),
``.../pipelines`` (newest pipeline per commit) and ``.../diffs`` (changed paths).
"""

from __future__ import annotations

import urllib.parse
from typing import Any

from soc2gate.change.api_client import ApiClient
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


def enrich(spec: dict[str, Any], api: ApiClient) -> dict[str, Any]:
    """A copy of ``spec`` completed with the merge request's state, approvals, pipelines and diffs."""
    project = urllib.parse.quote(str(spec["repository"]), safe="")
    base = f"/projects/{project}/merge_requests/{spec['number']}"
    out = dict(spec)
    out.update(_merge_request(api.get(base)))
    out["approvals"] = approvals(api.get(f"{base}/approvals"))
    out["checks"] = pipelines(api.get_all(f"{base}/pipelines"))
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
        checks.append({"name": "pipeline", "conclusion": PIPELINE_CONCLUSIONS.get(status, status),
                       "commit": sha, "kind": "pipeline"})
    return checks


def diffs(items: list[Any]) -> list[str]:
    paths: list[str] = []
    for item in items:
        for key in ("new_path", "old_path"):
            value = item.get(key) if isinstance(item, dict) else None
            if value and value not in paths:
                paths.append(str(value))
    return paths
