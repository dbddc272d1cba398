"""A loopback HTTPS server that replays Kubernetes API list responses.

The objects are real manifests from ../shared/corpora/real, stored the way the apiserver
returns them (uid, resourceVersion, creationTimestamp, managedFields, ownerReferences,
status); lists honour ``limit`` with opaque ``continue`` tokens like the apiserver, a
bearer token is required, and chosen paths answer with a real-looking 403 Status.
"""

from __future__ import annotations

import base64
import copy
import json
import threading
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from kube_loopback import KubeHandler, LoopbackApiServer

TOKEN = "replay-token-7f3c"
AUDITOR = "system:serviceaccount:soc2gate-system:soc2gate-auditor"


def authorized(header: str) -> bool:
    """Like the apiserver: the auth scheme is case-insensitive ("bearer" from in-cluster config)."""
    scheme, _, token = header.partition(" ")
    return scheme.lower() == "bearer" and token == TOKEN


def stored(obj: dict[str, Any], namespace: str | None, owner: dict[str, Any] | None = None) -> dict[str, Any]:
    """``obj`` as the apiserver stores it; a list response drops kind/apiVersion from items."""
    item = copy.deepcopy(obj)
    item.pop("kind", None)
    item.pop("apiVersion", None)
    metadata = item.setdefault("metadata", {})
    if namespace:
        metadata["namespace"] = namespace
    metadata.update({"uid": str(uuid.uuid4()), "resourceVersion": "48211", "generation": 1,
                     "creationTimestamp": "2026-01-15T10:00:00Z",
                     "managedFields": [{"manager": "kubectl-client-side-apply", "operation": "Update",
                                        "time": "2026-01-15T10:00:00Z", "fieldsType": "FieldsV1",
                                        "fieldsV1": {"f:metadata": {"f:labels": {}}}}]})
    if owner is not None:
        metadata["ownerReferences"] = [{"apiVersion": owner["apiVersion"], "kind": owner["kind"],
                                        "name": owner["metadata"]["name"], "uid": owner["metadata"].get("uid", ""),
                                        "controller": True, "blockOwnerDeletion": True}]
    return item


class ReplayState:
    def __init__(self) -> None:
        self.collections: dict[str, tuple[str, str, list[dict[str, Any]]]] = {}  # path -> (kind, apiVersion, items)
        self.forbidden: set[str] = set()
        self.expire_first_continue: set[str] = set()
        self.requests: list[tuple[str, dict[str, list[str]], str]] = []
        self.lock = threading.Lock()

    def add(self, api_version: str, kind: str, plural: str, item: dict[str, Any]) -> None:
        base = "/api/v1" if api_version == "v1" else f"/apis/{api_version}"
        namespace = item.get("metadata", {}).get("namespace")
        paths = [f"{base}/{plural}"] + ([f"{base}/namespaces/{namespace}/{plural}"] if namespace else [])
        for path in paths:
            self.collections.setdefault(path, (kind + "List", api_version, []))[2].append(item)

    def empty(self, api_version: str, kind: str, plural: str, namespaces: tuple[str, ...] = ()) -> None:
        base = "/api/v1" if api_version == "v1" else f"/apis/{api_version}"
        for path in [f"{base}/{plural}"] + [f"{base}/namespaces/{n}/{plural}" for n in namespaces]:
            self.collections.setdefault(path, (kind + "List", api_version, []))


class _Handler(KubeHandler):
    state: ReplayState

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        with self.state.lock:
            self.state.requests.append((url.path, query, self.headers.get("Authorization", "")))
        if not authorized(self.headers.get("Authorization", "")):
            return self._status(401, "Unauthorized", "Unauthorized")
        if any(url.path.endswith(p) for p in self.state.forbidden):
            resource = url.path.rsplit("/", 1)[1]
            group = url.path.split("/")[2] if url.path.startswith("/apis/") else ""
            return self._status(403, "Forbidden", f'{resource}.{group} is forbidden: User "{AUDITOR}" cannot list '
                                f'resource "{resource}" in API group "{group}" at the cluster scope')
        if url.path not in self.state.collections:
            return self._status(404, "NotFound", "the server could not find the requested resource")
        self._list(url.path, query)

    def _list(self, path: str, query: dict[str, list[str]]) -> None:
        kind, api_version, items = self.state.collections[path]
        start = 0
        token = query.get("continue", [""])[0]
        if token:
            if path in self.state.expire_first_continue:
                self.state.expire_first_continue.discard(path)
                return self._status(410, "Expired", "The provided continue parameter is too old to display a "
                                    "consistent list result. You can start a new list without the continue parameter.")
            start = json.loads(base64.urlsafe_b64decode(token))["start"]
        limit = int(query.get("limit", [str(len(items) or 1)])[0])
        page = items[start:start + limit]
        metadata: dict[str, Any] = {"resourceVersion": "48222"}
        if start + limit < len(items):
            metadata["continue"] = base64.urlsafe_b64encode(json.dumps({"start": start + limit}).encode()).decode()
            metadata["remainingItemCount"] = len(items) - start - limit
        self._json(200, {"kind": kind, "apiVersion": api_version, "metadata": metadata, "items": page})


class ReplayServer(LoopbackApiServer):
    """Serve ``state`` on https://127.0.0.1:<port> until ``close``."""

    def __init__(self, state: ReplayState, directory: Path) -> None:
        super().__init__(type("Handler", (_Handler,), {"state": state}))
        self.ca_file = directory / "cluster-ca.crt"
        self.ca.cert_pem.write_to_path(str(self.ca_file))

    def kubeconfig(self, path: Path, token: str = TOKEN) -> Path:
        config = self.kubeconfig_document("replay", {"auditor": token, "stale-user": "expired-token"},
                                          {"replay-prod": "auditor", "stale": "stale-user"}, current="stale")
        path.write_text(json.dumps(config))
        return path
