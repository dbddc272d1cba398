"""The ``webhook:`` section of ``.soc2gate.yaml`` as typed settings (schema: schemas/config/webhook.json)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any, Mapping

MODES = ("enforce", "warn", "audit")
MAX_BODY_BYTES = 3 * 1024 * 1024  # the apiserver's own limit on an admission request body
DEFAULT_OPERATIONS = ("CREATE", "UPDATE")
DEFAULT_EXCLUDED_NAMESPACES = ("kube-system",)


@dataclass(frozen=True)
class Exclusions:
    """Requests the webhook allows without evaluating (each one is still logged)."""

    namespaces: tuple[str, ...] = DEFAULT_EXCLUDED_NAMESPACES
    labels: tuple[Mapping[str, str], ...] = ()
    users: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()

    def reason(self, namespace: str, labels: Mapping[str, Any], user: str, groups: tuple[str, ...]) -> str:
        """Why a request is excluded, or "" when it is not."""
        if namespace and _matches(namespace, self.namespaces):
            return f"namespace `{namespace}` is excluded (webhook.exclude.namespaces)"
        for selector in self.labels:
            if all(_label_matches(labels, key, value) for key, value in selector.items()):
                pairs = ",".join(f"{k}={v}" for k, v in selector.items())
                return f"labels match excluded selector `{pairs}` (webhook.exclude.labels)"
        if user and _matches(user, self.users):
            return f"user `{user}` is excluded (webhook.exclude.users)"
        for group in groups:
            if _matches(group, self.groups):
                return f"group `{group}` is excluded (webhook.exclude.groups)"
        return ""


def _matches(value: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatchcase(value, pattern) for pattern in patterns)


def _label_matches(labels: Mapping[str, Any], key: str, value: str) -> bool:
    return key in labels and (value == "*" or str(labels[key]) == value)


@dataclass(frozen=True)
class BatchEvidence:
    """``webhook.evidence``: one evidence record per batch of decisions (docs/webhook.md, "Evidence")."""

    interval_s: float = 300.0
    chain: str | None = None  # else evidence.chain, else webhook/<namespace-or-host>
    max_keys: int = 1000  # distinct values kept per counted dimension


def batch_evidence(section: Mapping[str, Any] | None) -> BatchEvidence | None:
    if section is None:
        return None
    return BatchEvidence(interval_s=float(section.get("interval_s", 300.0)), chain=section.get("chain"),
                         max_keys=int(section.get("max_keys", 1000)))


@dataclass(frozen=True)
class WebhookSettings:
    mode: str = "enforce"
    enforcement: Mapping[str, str] = field(default_factory=dict)
    operations: tuple[str, ...] = DEFAULT_OPERATIONS
    exclude: Exclusions = field(default_factory=Exclusions)
    failure_mode: str = "deny"
    deadline_ms: int = 2000
    workers: int = 2
    idle_timeout_s: float = 30.0
    read_timeout_s: float = 10.0
    tls_handshake_timeout_s: float = 10.0
    liveness_interval_s: float = 5.0
    liveness_timeout_s: float = 1.0
    skip_policies: tuple[str, ...] = ()
    evaluate_policies: tuple[str, ...] = ()
    evidence: BatchEvidence | None = None

    def mode_of(self, policy_id: str) -> str:
        return self.enforcement.get(policy_id, self.mode)


def webhook_settings(section: Mapping[str, Any], mode_override: str | None = None) -> WebhookSettings:
    """Settings from a validated ``webhook:`` section; ``mode_override`` is the --mode option."""
    exclude = section.get("exclude", {})
    context = section.get("context_policies", {})
    return WebhookSettings(
        mode=mode_override or section.get("mode", "enforce"),
        enforcement=dict(section.get("enforcement", {})),
        operations=tuple(section.get("operations", DEFAULT_OPERATIONS)),
        exclude=Exclusions(
            namespaces=tuple(exclude.get("namespaces", DEFAULT_EXCLUDED_NAMESPACES)),
            labels=tuple(dict(s) for s in exclude.get("labels", [])),
            users=tuple(exclude.get("users", [])),
            groups=tuple(exclude.get("groups", [])),
        ),
        failure_mode=section.get("failure_mode", "deny"),
        deadline_ms=int(section.get("deadline_ms", 2000)),
        workers=int(section.get("workers", max(2, os.cpu_count() or 1))),
        idle_timeout_s=float(section.get("idle_timeout_s", 30.0)),
        read_timeout_s=float(section.get("read_timeout_s", 10.0)),
        tls_handshake_timeout_s=float(section.get("tls_handshake_timeout_s", 10.0)),
        liveness_interval_s=float(section.get("liveness_interval_s", 5.0)),
        liveness_timeout_s=float(section.get("liveness_timeout_s", 1.0)),
        skip_policies=tuple(context.get("skip", [])),
        evaluate_policies=tuple(context.get("evaluate", [])),
        evidence=batch_evidence(section.get("evidence")),
    )
