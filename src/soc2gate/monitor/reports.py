"""Write PolicyReports so they converge: create what is new, replace what changed (retrying on 409
Conflict with the current resourceVersion), delete soc2gate's reports that no longer apply (the
objects they described are gone)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

GROUP, VERSION = "wgpolicyk8s.io", "v1alpha2"
PLURALS = {"PolicyReport": "policyreports", "ClusterPolicyReport": "clusterpolicyreports"}
MANAGED = "app.kubernetes.io/managed-by=soc2gate"
RETRIES = 5

Key = tuple[str, str, str]  # (kind, namespace, name)


@dataclass
class WriteStats:
    created: int = 0
    replaced: int = 0
    unchanged: int = 0
    deleted: int = 0
    conflicts: int = 0
    errors: list[str] = field(default_factory=list)


def key_of(document: dict[str, Any]) -> Key:
    metadata = document["metadata"]
    return document["kind"], str(metadata.get("namespace") or ""), str(metadata["name"])


class ReportWriter:
    def __init__(self, api_client: Any) -> None:
        from kubernetes import client

        self.api = client.CustomObjectsApi(api_client)

    def converge(self, documents: list[dict[str, Any]]) -> WriteStats:
        stats = WriteStats()
        wanted = {key_of(d): d for d in documents}
        for key, document in wanted.items():
            self._put(key, document, stats)
        for key in self._existing() - set(wanted):
            self._delete(key, stats)
        return stats

    def _existing(self) -> set[Key]:
        found = set()
        for kind, plural in PLURALS.items():
            listed = self.api.list_cluster_custom_object(GROUP, VERSION, plural, label_selector=MANAGED)
            for item in listed.get("items") or []:
                metadata = item.get("metadata") or {}
                found.add((kind, str(metadata.get("namespace") or ""), str(metadata.get("name"))))
        return found

    def _put(self, key: Key, document: dict[str, Any], stats: WriteStats) -> None:
        from kubernetes.client.exceptions import ApiException

        for _ in range(RETRIES):
            try:
                self._put_once(key, document, stats)
                return
            except ApiException as exc:
                if exc.status != 409:
                    stats.errors.append(f"{key[0]} {key[1]}/{key[2]}: {exc.status} {exc.reason}")
                    return
                stats.conflicts += 1
        stats.errors.append(f"{key[0]} {key[1]}/{key[2]}: still conflicting after {RETRIES} attempts")

    def _put_once(self, key: Key, document: dict[str, Any], stats: WriteStats) -> None:
        from kubernetes.client.exceptions import ApiException

        kind, namespace, name = key
        try:
            current = self._call("get", kind, namespace, name)
        except ApiException as exc:
            if exc.status != 404:
                raise
            self._call("create", kind, namespace, None, document)
            stats.created += 1
            return
        if {k: current.get(k) for k in ("summary", "results")} == {k: document.get(k) for k in ("summary", "results")}:
            stats.unchanged += 1
            return
        body = {**document, "metadata": {**document["metadata"],
                                         "resourceVersion": (current.get("metadata") or {}).get("resourceVersion")}}
        self._call("replace", kind, namespace, name, body)
        stats.replaced += 1

    def _delete(self, key: Key, stats: WriteStats) -> None:
        from kubernetes.client.exceptions import ApiException

        try:
            self._call("delete", *key)
            stats.deleted += 1
        except ApiException as exc:
            if exc.status != 404:
                stats.errors.append(f"{key[0]} {key[1]}/{key[2]}: delete: {exc.status} {exc.reason}")

    def _call(self, verb: str, kind: str, namespace: str, name: str | None, body: Any = None) -> Any:
        plural = PLURALS[kind]
        scope = "namespaced" if namespace else "cluster"
        method = getattr(self.api, f"{verb}_{scope}_custom_object")
        args: list[Any] = [GROUP, VERSION] + ([namespace] if namespace else []) + [plural]
        if verb == "create":
            return method(*args, body)
        if verb == "replace":
            return method(*args, name, body)
        return method(*args, name)
