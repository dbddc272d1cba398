"""Realistic admission.k8s.io/v1 AdmissionReview bodies built from real manifests.

Shaped like what kube-apiserver POSTs: request kind/resource/requestKind, userInfo of a
real user or controller, options, and the object as the apiserver sends it (namespace set,
server-populated metadata).  Used by the webhook tests and benchmarks/webhook_load.py.
"""

from __future__ import annotations

import copy
import uuid
from pathlib import Path
from typing import Any

import yaml

PLURALS = {"Pod": "pods", "Deployment": "deployments", "StatefulSet": "statefulsets", "DaemonSet": "daemonsets",
           "ReplicaSet": "replicasets", "Job": "jobs", "CronJob": "cronjobs", "Service": "services",
           "ConfigMap": "configmaps", "ServiceAccount": "serviceaccounts", "Ingress": "ingresses",
           "NetworkPolicy": "networkpolicies", "Role": "roles", "RoleBinding": "rolebindings",
           "ClusterRole": "clusterroles", "ClusterRoleBinding": "clusterrolebindings",
           "ReplicationController": "replicationcontrollers", "PodDisruptionBudget": "poddisruptionbudgets",
           "Namespace": "namespaces", "Secret": "secrets", "HorizontalPodAutoscaler": "horizontalpodautoscalers"}
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "ValidatingWebhookConfiguration"}
OPTIONS_KIND = {"CREATE": "CreateOptions", "UPDATE": "UpdateOptions", "DELETE": "DeleteOptions"}


def manifest_objects(path: Path) -> list[dict[str, Any]]:
    """Every Kubernetes object of a YAML file (List kinds expanded)."""
    objects = []
    for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
        if isinstance(document, dict) and document.get("kind", "").endswith("List") and "items" in document:
            objects.extend(i for i in document["items"] if isinstance(i, dict))
        elif isinstance(document, dict) and document.get("kind") and document.get("apiVersion"):
            objects.append(document)
    return objects


def first_object(path: Path, kind: str | None = None) -> dict[str, Any]:
    for obj in manifest_objects(path):
        if kind is None or obj["kind"] == kind:
            return obj
    raise LookupError(f"{path}: no {kind or 'object'}")


def as_stored(obj: dict[str, Any], namespace: str) -> dict[str, Any]:
    """The object as the apiserver hands it to webhooks: namespace and server fields set."""
    stored = copy.deepcopy(obj)
    metadata = stored.setdefault("metadata", {})
    if stored["kind"] not in CLUSTER_SCOPED:
        metadata["namespace"] = namespace
    metadata.setdefault("uid", str(uuid.uuid4()))
    metadata.setdefault("creationTimestamp", "2026-01-15T10:00:00Z")
    metadata.setdefault("managedFields", [{"manager": "kubectl-client-side-apply", "operation": "Update",
                                           "apiVersion": stored["apiVersion"], "time": "2026-01-15T10:00:00Z",
                                           "fieldsType": "FieldsV1", "fieldsV1": {"f:metadata": {}}}])
    return stored


def review(obj: dict[str, Any] | None, *, operation: str = "CREATE", namespace: str = "shop",
           old: dict[str, Any] | None = None, dry_run: bool = False, user: str = "alice@example.com",
           groups: tuple[str, ...] = ("system:authenticated", "developers"), uid: str | None = None) -> dict[str, Any]:
    """An AdmissionReview request for ``obj`` (or ``old`` on DELETE)."""
    subject = obj if obj is not None else old
    assert subject is not None
    group, _, version = subject["apiVersion"].rpartition("/")
    kind = {"group": group, "version": version, "kind": subject["kind"]}
    resource = {"group": group, "version": version, "resource": PLURALS.get(subject["kind"], subject["kind"].lower() + "s")}
    scoped = subject["kind"] not in CLUSTER_SCOPED
    stored = as_stored(obj, namespace) if obj is not None else None
    request = {
        "uid": uid or str(uuid.uuid4()), "kind": kind, "resource": resource, "requestKind": kind,
        "requestResource": resource, "name": subject.get("metadata", {}).get("name", ""),
        "operation": operation,
        "userInfo": {"username": user, "uid": "3f2a5e0e-5a8b-4d7c-9b1a-1c2d3e4f5a6b", "groups": list(groups)},
        "object": stored, "oldObject": as_stored(old, namespace) if old is not None else None,
        "dryRun": dry_run,
        "options": {"apiVersion": "meta.k8s.io/v1", "kind": OPTIONS_KIND.get(operation, "CreateOptions")},
    }
    if scoped:
        request["namespace"] = namespace
    return {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": request}
