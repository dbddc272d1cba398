"""One admission request through the gate: exclusions, the object as a Resource, the decision."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from soc2gate.api import Gate, kubernetes_resource
from soc2gate.model import Resource
from soc2gate.webhook.decision import Decision, decide, excluded
from soc2gate.webhook.evaluator import Loaded
from soc2gate.webhook.review import AdmissionRequest

DELETE_NOTE = "deletion removes the object: configuration policies are not evaluated (logged as evidence)"


def exclusion(request: AdmissionRequest, loaded: Loaded) -> Decision | None:
    """The "excluded" decision when settings say not to evaluate this request."""
    settings = loaded.settings
    if request.operation not in settings.operations:
        return excluded(f"operation {request.operation} is not evaluated (webhook.operations)")
    reason = settings.exclude.reason(request.namespace, request.labels(), request.user, request.groups)
    return excluded(reason) if reason else None


def request_resource(request: AdmissionRequest) -> Resource:
    """The object under review as a Resource; on UPDATE the old object is linked as ``oldObject``."""
    subject: dict[str, Any] = dict(request.subject() or {})
    resource = kubernetes_resource(subject, f"admission:{request.uid}")
    if request.object is not None and request.old_object is not None:
        old = {"address": resource.address, "attributes": request.old_object, "line": 0}
        resource = replace(resource, links={**resource.links, "oldObject": [old]})
    return resource


def target_name(request: AdmissionRequest) -> str:
    return f"{request.kind} {request.display_name()}".strip()


def evaluate_request(request: AdmissionRequest, gate: Gate, loaded: Loaded) -> Decision:
    """Runs in an evaluation worker process: evaluate the object and decide."""
    if request.operation == "DELETE":
        return Decision("allowed", True, message=DELETE_NOTE)
    resource = request_resource(request)
    result = gate.evaluate([resource])
    skipped = loaded.skipped_for(resource.type)
    findings = [f for f in result.findings if f.policy_id not in loaded.context
                and not (f.policy_id == "SYS-003" and f.resource in loaded.context)]
    return decide(findings, loaded.settings, gate.verdict, skipped, target_name(request))
