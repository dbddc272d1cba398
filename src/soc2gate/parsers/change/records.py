"""Detect change-record documents and turn them into Resources of type ``change_record``.

Accepted shapes: a generic record (``apiVersion: soc2gate.io/v1``, ``kind: ChangeRecord``, JSON
or YAML), a GitHub ``pull_request``/``pull_request_review`` webhook body, a GitHub
``check_run``/``check_suite``/``workflow_run`` body (one record per pull request it names, to be
completed from the REST API), and a GitLab merge-request webhook body.  Each becomes the same
validated generic record.  YAML documents are read as they are (no round trip through JSON
text): dates become RFC 3339 strings, any other non-JSON value is an error naming its key path.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Callable

from soc2gate.errors import InputError
from soc2gate.model import Resource, SourceSpan
from soc2gate.parsers.change import github, gitlab
from soc2gate.parsers.change.logins import canonical_identities
from soc2gate.parsers.change.schema import API_VERSION, KIND, validate, wrap

_COMMON_GITHUB_KEYS = frozenset({"repository", "sender", "installation", "organization", "enterprise", "changes"})
_YAML_RECORD = re.compile(r"^kind:\s*[\"']?ChangeRecord[\"']?\s*$", re.MULTILINE)

Complete = Callable[[dict[str, Any], str], dict[str, Any]]


def is_generic(document: Any) -> bool:
    return (isinstance(document, dict) and document.get("kind") == KIND
            and str(document.get("apiVersion", "")).startswith("soc2gate.io/"))


def detect(document: Any) -> bool:
    """True for a generic change record and for GitHub/GitLab pull/merge-request (or check) events."""
    if is_generic(document) or github.detect(document) or github.detect_check_event(document):
        return True
    return gitlab.detect(document) and document.get("object_kind") == "merge_request"


def looks_like_yaml_record(text: str) -> bool:
    """Cheap test for a YAML file holding a generic change record (before parsing it)."""
    return "soc2gate.io/" in text and bool(_YAML_RECORD.search(text))


def platform_of(document: Any) -> str:
    if is_generic(document):
        return "generic"
    if github.detect(document) or github.detect_check_event(document):
        return "github"
    if gitlab.detect(document):
        return "gitlab"
    if isinstance(document, dict) and isinstance(document.get("repository"), dict) and "sender" in document:
        hint = "push" if "pusher" in document else next(
            (k for k, v in document.items() if isinstance(v, dict) and k not in _COMMON_GITHUB_KEYS), "unknown")
        raise InputError(f"unsupported GitHub event (no `pull_request` field; looks like {hint}): soc2gate reads "
                         "pull_request, pull_request_review, check_run, check_suite and workflow_run events")
    raise InputError("not a change record: expected a soc2gate.io/v1 ChangeRecord, a GitHub pull_request or "
                     "pull_request_review event, or a GitLab merge_request event")


def normalize_all(document: Any) -> list[dict[str, Any]]:
    """Every validated generic record ``document`` describes (a check event may name several pull requests)."""
    try:
        if github.detect_check_event(document) and not github.detect(document):
            return [validate(wrap(spec)) for spec in github.check_event_specs(document)]
        return [normalize(document)]
    except RecursionError:
        raise InputError("the change record is nested too deeply to read") from None


def normalize(document: Any) -> dict[str, Any]:
    """The validated generic record of any single-record shape; InputError naming the field otherwise."""
    platform = platform_of(document)
    if platform == "generic":
        document = plain(document)
        if document.get("apiVersion") != API_VERSION:
            raise InputError(f"invalid change record at `apiVersion`: must be \"{API_VERSION}\"")
        return validate(document)
    if github.detect_check_event(document) and not github.detect(document):
        specs = github.check_event_specs(document)
        if len(specs) != 1:
            raise InputError(f"the {github.check_event_name(document)} event names {len(specs)} pull requests; "
                             "expected exactly one")
        return validate(wrap(specs[0]))
    spec = github.normalize(document) if platform == "github" else gitlab.normalize(document)
    return validate(wrap(_drop_none_lists(spec)))


def plain(value: Any, path: str = "") -> Any:
    """``value`` with YAML dates as RFC 3339 strings and keys as strings; other non-JSON values refused."""
    if isinstance(value, dict):
        return {str(k): plain(v, f"{path}.{k}" if path else str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v, f"{path}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise InputError(f"invalid change record at `{path or '(top level)'}`: a YAML {type(value).__name__} "
                     "is not a JSON value")


def _drop_none_lists(spec: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in spec.items() if not (v is None and k in ("approvals", "checks", "changed_files"))}


def resource_of(record: dict[str, Any], path: str, line: int, location: str = "") -> Resource:
    """The Resource of one validated record; ``location`` (a repository file such as the workflow that
    ran the gate) is where reports place its findings, since the record's own file is a CI event."""
    spec = record["spec"]
    meta: dict[str, Any] = {"source": (spec.get("source") or {}).get("platform", "generic")}
    if location:
        meta["location"] = location
    return Resource(
        surface="change",
        type="change_record",
        name=spec["id"],
        address=f"change/{spec['id']}",
        span=SourceSpan(path, line, line),
        attributes={**spec, **canonical_identities(spec)},
        meta=meta,
    )


def to_resources(document: Any, path: str, line: int = 1, location: str = "") -> list[Resource]:
    """Resources of every record in ``document`` (InputError naming the field when one is invalid).

    The canonical logins are computed in ``resource_of``; ``normalize_all`` bounds the nesting."""
    return [resource_of(r, path, line, location) for r in normalize_all(document)]
