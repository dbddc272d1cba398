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
import ssl
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import trustme

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


class _Handler(BaseHTTPRequestHandler):
    state: ReplayState

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - keep test output quiet
        pass

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

    def _status(self, code: int, reason: str, message: str) -> None:
        self._json(code, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                          "message": message, "reason": reason, "code": code})

    def _json(self, code: int, document: dict[str, Any]) -> None:
        body = json.dumps(document).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class ReplayServer:
    """Serve ``state`` on https://127.0.0.1:<port> until ``close``."""

    def __init__(self, state: ReplayState, directory: Path) -> None:
        self.ca = trustme.CA()
        cert = self.ca.issue_cert("127.0.0.1")
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(context)
        handler = type("Handler", (_Handler,), {"state": state})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.url = f"https://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.ca_file = directory / "cluster-ca.crt"
        self.ca.cert_pem.write_to_path(str(self.ca_file))

    def kubeconfig(self, path: Path, token: str = TOKEN) -> Path:
        ca_data = base64.b64encode(self.ca.cert_pem.bytes()).decode()
        config = {
            "apiVersion": "v1", "kind": "Config", "current-context": "stale",
            "clusters": [{"name": "replay", "cluster": {"server": self.url, "certificate-authority-data": ca_data}}],
            "users": [{"name": "auditor", "user": {"token": token}},
                      {"name": "stale-user", "user": {"token": "expired-token"}}],
            "contexts": [{"name": "replay-prod", "context": {"cluster": "replay", "user": "auditor"}},
                         {"name": "stale", "context": {"cluster": "replay", "user": "stale-user"}}],
        }
        path.write_text(json.dumps(config))
        return path

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
