"""admission.k8s.io/v1 AdmissionReview: read a request, write a response.

Anything that is not a well-formed v1 AdmissionReview is a ``ReviewError`` whose message
names the offending key; the app answers it with HTTP 400 and an AdmissionReview denying it.
That includes what Python's JSON reader would accept or choke on but Kubernetes never sends
(NaN, Infinity, numbers that overflow, integers longer than Python converts: ``json_strict``)
and nesting deeper than ``MAX_DEPTH`` (the policy engine reads objects up to 100 levels).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Mapping

from soc2gate.parsers import json_strict

API_VERSION = "admission.k8s.io/v1"
OPERATIONS = ("CREATE", "UPDATE", "DELETE", "CONNECT")
MAX_DEPTH = 102  # AdmissionReview > request > object, and 100 levels of object


class ReviewError(Exception):
    """The body is not a usable AdmissionReview; the message is the reason, ``uid`` the
    request's uid when the body has one (the answer then carries it)."""

    def __init__(self, message: str, uid: str = "") -> None:
        super().__init__(message)
        self.uid = uid


@dataclass(frozen=True)
class AdmissionRequest:
    """The fields of ``request`` the webhook uses."""

    uid: str
    kind: str
    api_version: str
    resource: str
    namespace: str
    name: str
    operation: str
    user: str
    groups: tuple[str, ...]
    object: Mapping[str, Any] | None
    old_object: Mapping[str, Any] | None
    dry_run: bool

    def subject(self) -> Mapping[str, Any] | None:
        """The object the policies judge: the new object, or the old one on DELETE."""
        return self.object if self.object is not None else self.old_object

    def labels(self) -> Mapping[str, Any]:
        metadata = (self.subject() or {}).get("metadata")
        labels = metadata.get("labels") if isinstance(metadata, dict) else None
        return labels if isinstance(labels, dict) else {}

    def display_name(self) -> str:
        name = self.name or _object_name(self.subject())
        return f"{self.namespace}/{name}" if self.namespace else name


def _object_name(obj: Mapping[str, Any] | None) -> str:
    metadata = (obj or {}).get("metadata")
    if not isinstance(metadata, dict):
        return ""
    return str(metadata.get("name") or metadata.get("generateName") or "")


def parse_review(body: bytes) -> AdmissionRequest:
    """The request of an AdmissionReview body, or ReviewError naming what is wrong."""
    document = _json(body)
    if not isinstance(document, dict):
        raise ReviewError("body is not a JSON object")
    if document.get("kind") != "AdmissionReview":
        raise ReviewError(f"`kind` is {document.get('kind')!r}, expected 'AdmissionReview'")
    if document.get("apiVersion") != API_VERSION:
        raise ReviewError(f"`apiVersion` is {document.get('apiVersion')!r}; only {API_VERSION} is supported "
                          "(set admissionReviewVersions: [v1])")
    request = document.get("request")
    if not isinstance(request, dict):
        raise ReviewError("`request` is missing or not an object")
    try:
        return _request(request)
    except ReviewError as exc:
        uid = request.get("uid")
        raise ReviewError(str(exc), uid if isinstance(uid, str) else "") from None


def _json(body: bytes) -> Any:
    try:
        document = json_strict.loads(body.decode("utf-8"))  # NaN, Infinity, overflow, 4,300+ digits refused
    except UnicodeDecodeError:
        raise ReviewError("body is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise ReviewError(f"body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise ReviewError(f"body is nested more than {MAX_DEPTH} levels deep") from None
    except ValueError as exc:  # anything else the reader refuses
        raise ReviewError(f"body is not valid JSON: {exc}") from None
    if _deeper_than(document, MAX_DEPTH):
        raise ReviewError(f"body is nested more than {MAX_DEPTH} levels deep (the policy engine reads 100 levels "
                          "of an object)")
    return document


def _deeper_than(document: Any, limit: int) -> bool:
    """Is ``document`` nested more than ``limit`` levels?  (Iterative: no recursion.)"""
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return False


def _request(request: dict[str, Any]) -> AdmissionRequest:
    uid = _string(request, "uid", required=True)
    operation = _string(request, "operation", required=True)
    if operation not in OPERATIONS:
        raise ReviewError(f"`request.operation` is {operation!r}, expected one of {', '.join(OPERATIONS)}")
    kind = request.get("kind")
    if not isinstance(kind, dict) or not isinstance(kind.get("kind"), str) or not kind["kind"]:
        raise ReviewError("`request.kind` must be an object with a non-empty `kind`")
    obj, old = _object(request, "object"), _object(request, "oldObject")
    if operation in ("CREATE", "UPDATE") and obj is None:
        raise ReviewError(f"`request.object` is required for {operation}")
    user = request.get("userInfo") if isinstance(request.get("userInfo"), dict) else {}
    groups = user.get("groups") if isinstance(user.get("groups"), list) else []
    resource = request.get("resource") if isinstance(request.get("resource"), dict) else {}
    group, version = str(kind.get("group") or ""), str(kind.get("version") or "")
    return AdmissionRequest(
        uid=uid,
        kind=kind["kind"],
        api_version=f"{group}/{version}" if group else version,
        resource=str(resource.get("resource") or ""),
        namespace=_string(request, "namespace"),
        name=_string(request, "name"),
        operation=operation,
        user=str(user.get("username") or ""),
        groups=tuple(str(g) for g in groups),
        object=_with_kind(obj, kind, group, version),
        old_object=_with_kind(old, kind, group, version),
        dry_run=request.get("dryRun") is True,
    )


def _string(request: dict[str, Any], key: str, required: bool = False) -> str:
    value = request.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value):
        raise ReviewError(f"`request.{key}` must be a {'non-empty ' if required else ''}string")
    return value


def _object(request: dict[str, Any], key: str) -> dict[str, Any] | None:
    value = request.get(key)
    if value is not None and not isinstance(value, dict):
        raise ReviewError(f"`request.{key}` must be an object or null")
    return value


def _with_kind(obj: dict[str, Any] | None, kind: dict[str, Any], group: str, version: str) -> dict[str, Any] | None:
    """The apiserver always sets apiVersion/kind on the object; fill them in if a caller did not."""
    if obj is None or (obj.get("kind") and obj.get("apiVersion")):
        return obj
    return {**obj, "kind": obj.get("kind") or kind["kind"],
            "apiVersion": obj.get("apiVersion") or (f"{group}/{version}" if group else version)}


def review_response(uid: str, allowed: bool, *, code: int = 200, reason: str = "", message: str = "",
                    warnings: tuple[str, ...] = (), annotations: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The AdmissionReview the apiserver expects back (status only when denying)."""
    response: dict[str, Any] = {"uid": uid, "allowed": allowed}
    if not allowed:
        response["status"] = {"code": code, "reason": reason, "message": message, "status": "Failure"}
    if warnings:
        response["warnings"] = list(warnings)
    if annotations:
        response["auditAnnotations"] = dict(annotations)
    return {"apiVersion": API_VERSION, "kind": "AdmissionReview", "response": response}
