"""Detect change-record documents and turn them into Resources of type ``change_record``.

Three shapes are accepted: a generic record (``apiVersion: soc2gate.io/v1``,
``kind: ChangeRecord``), a GitHub ``pull_request``/``pull_request_review`` webhook body and
a GitLab merge-request webhook body.  Each becomes the same validated generic record.
"""

from __future__ import annotations

import re
from typing import Any

from soc2gate.change import github, gitlab
from soc2gate.change.schema import API_VERSION, KIND, validate, wrap
from soc2gate.errors import InputError
from soc2gate.model import Resource, SourceSpan

_COMMON_GITHUB_KEYS = frozenset({"repository", "sender", "installation", "organization", "enterprise", "changes"})
_YAML_RECORD = re.compile(r"^kind:\s*[\"']?ChangeRecord[\"']?\s*$", re.MULTILINE)


def is_generic(document: Any) -> bool:
    return (isinstance(document, dict) and document.get("kind") == KIND
            and str(document.get("apiVersion", "")).startswith("soc2gate.io/"))


def detect(document: Any) -> bool:
    """True for a generic change record and for GitHub/GitLab pull/merge-request events."""
    if is_generic(document) or github.detect(document):
        return True
    return gitlab.detect(document) and document.get("object_kind") == "merge_request"


def looks_like_yaml_record(text: str) -> bool:
    """Cheap test for a YAML file holding a generic change record (before parsing it)."""
    return "soc2gate.io/" in text and bool(_YAML_RECORD.search(text))


def platform_of(document: Any) -> str:
    if is_generic(document):
        return "generic"
    if github.detect(document):
        return "github"
    if gitlab.detect(document):
        return "gitlab"
    if isinstance(document, dict) and isinstance(document.get("repository"), dict) and "sender" in document:
        hint = "push" if "pusher" in document else next(
            (k for k, v in document.items() if isinstance(v, dict) and k not in _COMMON_GITHUB_KEYS), "unknown")
        raise InputError(f"unsupported GitHub event (no `pull_request` field; looks like {hint}): soc2gate reads "
                         "pull_request and pull_request_review events")
    raise InputError("not a change record: expected a soc2gate.io/v1 ChangeRecord, a GitHub pull_request or "
                     "pull_request_review event, or a GitLab merge_request event")


def normalize(document: Any) -> dict[str, Any]:
    """The validated generic record of any accepted shape; InputError naming the field otherwise."""
    platform = platform_of(document)
    if platform == "generic":
        if document.get("apiVersion") != API_VERSION:
            raise InputError(f"invalid change record at `apiVersion`: must be \"{API_VERSION}\"")
        return validate(document)
    spec = github.normalize(document) if platform == "github" else gitlab.normalize(document)
    return validate(wrap(_drop_none_lists(spec)))


def _drop_none_lists(spec: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in spec.items() if not (v is None and k in ("approvals", "checks", "changed_files"))}


def to_resource(document: Any, path: str, line: int) -> Resource:
    record = normalize(document)
    spec = record["spec"]
    return Resource(
        surface="change",
        type="change_record",
        name=spec["id"],
        address=f"change/{spec['id']}",
        span=SourceSpan(path, line, line),
        attributes=spec,
        meta={"source": (spec.get("source") or {}).get("platform", "generic")},
    )
