"""One normalized pod spec for every workload kind, so a pod policy is written once."""

from __future__ import annotations

from typing import Any

from soc2gate.model import WORKLOAD_KINDS

POD_SPEC_PATHS: dict[str, tuple[str, ...]] = {
    "Pod": ("spec",),
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
    "PodTemplate": ("template", "spec"),
}
assert tuple(POD_SPEC_PATHS) == WORKLOAD_KINDS, "a workload kind without its pod spec path"
CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")


KNATIVE_SPEC_PATHS: dict[str, tuple[str, ...]] = {
    "Service": ("spec", "template", "spec"),
    "Configuration": ("spec", "template", "spec"),
    "Revision": ("spec",),
}


def _spec_steps(kind: str, document: dict[str, Any]) -> tuple[str, ...] | None:
    if str(document.get("apiVersion", "")).startswith("serving.knative.dev/"):
        return KNATIVE_SPEC_PATHS.get(kind)
    return POD_SPEC_PATHS.get(kind)


def normalized_pod(kind: str, document: dict[str, Any]) -> dict[str, Any] | None:
    """The pod spec, its metadata, its path, and every container tagged with its own path.

    Covers the built-in workload kinds and Knative Services, Configurations and Revisions.
    """
    steps = _spec_steps(kind, document)
    if steps is None:
        return None
    spec: Any = document
    for step in steps:
        spec = spec.get(step) if isinstance(spec, dict) else None
    if not isinstance(spec, dict):
        return None
    spec_path = ".".join(steps)
    template_path = steps[:-1]
    metadata: Any = document
    for step in template_path + ("metadata",) if len(steps) > 1 else ("metadata",):
        metadata = metadata.get(step) if isinstance(metadata, dict) else None
    return {
        "spec": spec,
        "path": spec_path,
        "metadata": metadata if isinstance(metadata, dict) else {},
        "containers": _containers(spec, spec_path),
    }


def _containers(spec: dict[str, Any], spec_path: str) -> list[dict[str, Any]]:
    found = []
    for list_name in CONTAINER_LISTS:
        entries = spec.get(list_name)
        if not isinstance(entries, list):
            continue
        for index, container in enumerate(entries):
            if isinstance(container, dict):
                found.append({
                    "container": container,
                    "name": str(container.get("name", f"{list_name}[{index}]")),
                    "list": list_name,
                    "path": f"{spec_path}.{list_name}[{index}]",
                })
    return found
