"""GitHub adapter: ``pull_request`` and ``pull_request_review`` webhook bodies -> record spec.

These are the bodies GitHub Actions stores at ``$GITHUB_EVENT_PATH``.  A webhook body does
not list reviews (except the one a review event carries), commits, check results or changed
files: those fields stay absent (unknown) unless the REST API enrichment fills them in.

``check_run``, ``check_suite`` and ``workflow_run`` bodies (the events that re-run the gate when
another check completes) name their pull requests by number, branch and head only: each becomes
a skeleton record (empty title, unknown author) that only the REST API enrichment completes;
without a token the CC8.1 policies fail on it, as on any record with unknown data.
"""

from __future__ import annotations

from typing import Any

from soc2gate.errors import InputError
from soc2gate.parsers.change.schema import required

SUPPORTED = ("pull_request", "pull_request_review")
CHECK_EVENTS = ("check_run", "check_suite", "workflow_run")
REVIEW_STATES = {"approved": "approved", "changes_requested": "changes_requested", "commented": "commented",
                 "dismissed": "dismissed", "pending": "pending"}


def detect(document: Any) -> bool:
    """A GitHub webhook body about a pull request (supported or not)."""
    return (isinstance(document, dict) and isinstance(document.get("pull_request"), dict)
            and isinstance(document.get("repository"), dict) and "head" in document["pull_request"])


def event_name(document: dict[str, Any]) -> str:
    if "review" in document:
        return "pull_request_review"
    if "comment" in document:
        return "pull_request_review_comment"
    if "thread" in document:
        return "pull_request_review_thread"
    return "pull_request"


def login(user: Any) -> str | None:
    return str(user["login"]) if isinstance(user, dict) and user.get("login") else None


def normalize(document: dict[str, Any]) -> dict[str, Any]:
    """The generic record spec of a GitHub pull request event."""
    event = event_name(document)
    if event not in SUPPORTED:
        raise InputError(f"unsupported GitHub event `{event}`: soc2gate reads "
                         f"{' and '.join(SUPPORTED)} events (or a soc2gate.io/v1 ChangeRecord)")
    pr = document["pull_request"]
    repo = str(required(document["repository"], "full_name", "GitHub event field `repository`"))
    number = required(pr, "number", "GitHub event field `pull_request`")
    head, base = pr.get("head") or {}, pr.get("base") or {}
    spec: dict[str, Any] = {
        "id": f"github/{repo}#{number}",
        "platform": "github",
        "repository": repo,
        "number": int(number),
        "title": str(required(pr, "title", "GitHub event field `pull_request`")),
        "description": pr.get("body"),
        "url": pr.get("html_url"),
        "author": login(pr.get("user")),
        "author_type": str((pr.get("user") or {}).get("type") or "User"),
        "requested_reviewers": reviewers(pr),
        "labels": [str(label.get("name")) for label in pr.get("labels") or [] if isinstance(label, dict)],
        "head_commit": head.get("sha"),
        "source_branch": head.get("ref"),
        "target_branch": base.get("ref"),
        "state": pr.get("state"),
        "merged": bool(pr["merged"]) if "merged" in pr else pr.get("merged_at") is not None,
        "merged_by": login(pr.get("merged_by")),
        "merged_at": pr.get("merged_at"),
        "created_at": pr.get("created_at"),
        "source": {"platform": "github", "event": event, "action": document.get("action"), "enriched_from": []},
    }
    if event == "pull_request_review":
        spec["approvals"] = [review(document["review"])]
    return spec


def reviewers(pr: dict[str, Any]) -> list[str]:
    users = [login(u) for u in pr.get("requested_reviewers") or []]
    teams = [f"team/{t.get('slug')}" for t in pr.get("requested_teams") or [] if isinstance(t, dict) and t.get("slug")]
    return [u for u in users if u] + teams


def review(item: Any) -> dict[str, Any]:
    """One GitHub review (webhook ``review`` or REST ``/reviews`` item) as an approval entry."""
    if not isinstance(item, dict) or not login(item.get("user")):
        raise InputError("GitHub review has no `user.login`: cannot tell who reviewed")
    state = str(item.get("state") or "").lower()
    if state not in REVIEW_STATES:
        raise InputError(f"GitHub review of {login(item['user'])} has unknown state `{item.get('state')}`")
    return {
        "user": login(item["user"]),
        "user_type": str(item["user"].get("type") or "User"),
        "state": REVIEW_STATES[state],
        "submitted_at": item.get("submitted_at"),
        "commit": item.get("commit_id"),
    }


def check_event_name(document: Any) -> str | None:
    """``check_run``, ``check_suite`` or ``workflow_run`` for such a GitHub webhook body, else None."""
    if not isinstance(document, dict) or not isinstance(document.get("repository"), dict):
        return None
    return next((k for k in CHECK_EVENTS if isinstance(document.get(k), dict)
                 and isinstance(document[k].get("pull_requests"), list)), None)


def detect_check_event(document: Any) -> bool:
    return check_event_name(document) is not None


def check_event_specs(document: dict[str, Any]) -> list[dict[str, Any]]:
    """A skeleton spec per pull request a check event names (REST enrichment completes each one)."""
    event = str(check_event_name(document))
    repo = str(required(document["repository"], "full_name", "GitHub event field `repository`"))
    specs: list[dict[str, Any]] = []
    for item in document[event]["pull_requests"]:
        if not isinstance(item, dict) or item.get("number") is None:
            raise InputError(f"GitHub {event} event: a `pull_requests` entry has no `number`")
        head, base = item.get("head") or {}, item.get("base") or {}
        number = int(item["number"])
        specs.append({
            "id": f"github/{repo}#{number}", "platform": "github", "repository": repo, "number": number,
            "title": "", "author": None, "head_commit": head.get("sha"), "source_branch": head.get("ref"),
            "target_branch": base.get("ref"),
            "source": {"platform": "github", "event": event, "action": document.get("action"), "enriched_from": []},
        })
    return specs
