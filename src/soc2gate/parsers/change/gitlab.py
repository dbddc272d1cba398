"""GitLab adapter: merge-request webhook bodies (``object_kind: merge_request``) -> record spec.

The webhook names the author only by id and the acting user by name: the author is known
when the event is the author's own (``open``) or the ids match.  An ``approved`` event
carries one approval on ``last_commit``; a ``merge`` event names the merger.  Everything
else a rule needs comes from the REST API enrichment (``gitlab_api``) or stays unknown.
"""

from __future__ import annotations

from typing import Any

from soc2gate.errors import InputError
from soc2gate.parsers.change.schema import required

APPROVAL_ACTIONS = {"approved": "approved", "approval": "approved",
                    "unapproved": "dismissed", "unapproval": "dismissed"}


def detect(document: Any) -> bool:
    """A GitLab webhook body (any ``object_kind``); only merge requests are supported."""
    return isinstance(document, dict) and isinstance(document.get("object_kind"), str) \
        and isinstance(document.get("object_attributes"), dict) and isinstance(document.get("project"), dict)


def normalize(document: dict[str, Any]) -> dict[str, Any]:
    """The generic record spec of a GitLab merge-request event."""
    kind = document.get("object_kind")
    if kind != "merge_request":
        raise InputError(f"unsupported GitLab event `{kind}`: soc2gate reads merge_request events "
                         "(or a soc2gate.io/v1 ChangeRecord)")
    attrs = document["object_attributes"]
    project = str(required(document["project"], "path_with_namespace", "GitLab event field `project`"))
    iid = required(attrs, "iid", "GitLab event field `object_attributes`")
    action = attrs.get("action")
    actor = found if isinstance(found := document.get("user"), dict) else {}
    last_commit = found if isinstance(found := attrs.get("last_commit"), dict) else {}
    spec: dict[str, Any] = {
        "id": f"gitlab/{project}!{iid}",
        "platform": "gitlab",
        "repository": project,
        "number": int(iid),
        "title": str(required(attrs, "title", "GitLab event field `object_attributes`")),
        "description": attrs.get("description"),
        "url": attrs.get("url"),
        "author": _author(attrs, actor, action),
        "requested_reviewers": [str(r["username"]) for r in document.get("reviewers") or [] if r.get("username")],
        "labels": _labels(document, attrs),
        "head_commit": last_commit.get("id"),
        "source_branch": attrs.get("source_branch"),
        "target_branch": attrs.get("target_branch"),
        "state": attrs.get("state"),
        "merged": attrs.get("state") == "merged",
        "merged_by": actor.get("username") if action == "merge" else None,
        "merged_at": attrs.get("merged_at"),
        "created_at": attrs.get("created_at"),
        "source": {"platform": "gitlab", "event": "merge_request", "action": action,
                   "author_id": attrs.get("author_id"), "enriched_from": []},
    }
    if action in APPROVAL_ACTIONS and actor.get("username"):
        spec["approvals"] = [{"user": str(actor["username"]), "user_type": _user_type(actor),
                              "state": APPROVAL_ACTIONS[action], "submitted_at": attrs.get("updated_at"),
                              "commit": last_commit.get("id")}]
    return spec


def _author(attrs: dict[str, Any], actor: dict[str, Any], action: Any) -> str | None:
    username = actor.get("username")
    if not username:
        return None
    if actor.get("id") is not None and attrs.get("author_id") is not None:
        return str(username) if actor["id"] == attrs["author_id"] else None
    return str(username) if action == "open" else None


def _labels(document: dict[str, Any], attrs: dict[str, Any]) -> list[str]:
    labels = found if isinstance(found := document.get("labels"), list) else attrs.get("labels") or []
    return [str(label.get("title")) for label in labels if isinstance(label, dict) and label.get("title")]


def _user_type(user: dict[str, Any]) -> str:
    return "Bot" if user.get("bot") is True or str(user.get("username", "")).endswith("[bot]") else "User"
