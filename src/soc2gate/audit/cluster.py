"""Talk to a Kubernetes API server through the official client: connect, list with pagination.

Lists are read raw (``_preload_content=False``) so objects keep their API field names and
the response bytes can be digested as evidence of what was checked.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from typing import Any

from soc2gate.audit.kinds import ResourceType
from soc2gate.errors import InputError, UsageError


@dataclass(frozen=True)
class ClusterTarget:
    kubeconfig: str | None = None
    context: str | None = None
    in_cluster: bool = False
    namespace: str | None = None
    page_size: int = 500
    timeout: float = 30.0
    connections: int = 0  # HTTP connection pool size (0: the client's default); one per open watch


@dataclass
class Listing:
    """The objects of one resource type, or ``error`` saying why they could not be listed."""

    rtype: ResourceType
    items: list[dict[str, Any]] = field(default_factory=list)
    sha256: str = ""
    pages: int = 0
    error: str = ""
    resource_version: str = ""  # of the list: where a watch starts


@dataclass
class Cluster:
    api_client: Any
    name: str
    server: str
    target: ClusterTarget

    def uri(self, path: str) -> str:
        return f"k8s://{self.name}{path}"

    def list_type(self, rtype: ResourceType) -> Listing:
        """Every object of ``rtype`` (in the target namespace), following continue tokens."""
        from kubernetes.client.exceptions import ApiException

        call, args = self._method(rtype)
        listing, token, digest, restarted = Listing(rtype), None, hashlib.sha256(), False
        while True:
            try:
                response = call(*args, limit=self.target.page_size, _continue=token, _preload_content=False,
                                _request_timeout=self.target.timeout)
            except ApiException as exc:
                if exc.status == 410 and token and not restarted:  # continue token expired: start over once
                    listing, token, digest, restarted = Listing(rtype), None, hashlib.sha256(), True
                    continue
                listing.error = self._api_error(exc, rtype)
                return listing
            except Exception as exc:  # noqa: BLE001 - urllib3/ssl errors: the cluster cannot be read at all
                raise InputError(f"cannot reach the Kubernetes API server {self.server}: {_short(exc)}") from None
            token = self._page(listing, response.data, digest)
            if listing.error or not token:
                listing.sha256 = digest.hexdigest()
                return listing

    def list_call(self, rtype: ResourceType) -> tuple[Any, tuple[str, ...]]:
        """The client's list method for ``rtype`` and its positional arguments (watch uses it too)."""
        return self._method(rtype)

    def _method(self, rtype: ResourceType) -> tuple[Any, tuple[str, ...]]:
        from kubernetes import client

        api = getattr(client, rtype.api)(self.api_client)
        namespace = self.target.namespace
        if rtype.namespaced and namespace:
            return getattr(api, f"list_namespaced_{rtype.method}"), (namespace,)
        if rtype.namespaced:
            return getattr(api, f"list_{rtype.method}_for_all_namespaces"), ()
        return getattr(api, f"list_{rtype.method}"), ()

    def _page(self, listing: Listing, body: bytes, digest: Any) -> str | None:
        digest.update(body)
        listing.pages += 1
        try:
            page = json.loads(body)
        except ValueError:
            listing.error = f"GET {listing.rtype.path(self.target.namespace)}: the response is not JSON"
            return None
        items = page.get("items") if isinstance(page, dict) else None
        if not isinstance(items, list):
            listing.error = f"GET {listing.rtype.path(self.target.namespace)}: the response has no `items` list"
            return None
        listing.items.extend(api_object(listing.rtype, item) for item in items if isinstance(item, dict))
        listing.resource_version = str((page.get("metadata") or {}).get("resourceVersion") or "")
        return (page.get("metadata") or {}).get("continue") or None

    def _api_error(self, exc: Any, rtype: ResourceType) -> str:
        if exc.status == 401:
            raise InputError(f"{self.server}: the Kubernetes API server rejected the credentials "
                             f"of context `{self.name}` (401 Unauthorized)")
        path = rtype.path(self.target.namespace)
        detail = _status_message(exc.body) or (exc.reason or "")
        scope = f"namespace {self.target.namespace}" if self.target.namespace and rtype.namespaced else "the cluster"
        return (f"cannot list {rtype.resource_name()} in {scope} (GET {path}): {exc.status} {exc.reason}: {detail}; "
                f"no {rtype.kind} was evaluated: grant the auditor `list` on {rtype.resource_name()} (docs/audit.md)")


def api_object(rtype: ResourceType, item: dict[str, Any]) -> dict[str, Any]:
    """A list item as a full object: list items carry no kind/apiVersion; managedFields is noise."""
    metadata = item.get("metadata") if isinstance(item.get("metadata"), dict) else {}
    metadata = {k: v for k, v in metadata.items() if k != "managedFields"}
    return {"apiVersion": rtype.group_version, "kind": rtype.kind, **item, "metadata": metadata}


def _status_message(body: Any) -> str:
    try:
        status = json.loads(body) if body else {}
    except (TypeError, ValueError):
        return str(body)[:300]
    return str(status.get("message", "")) if isinstance(status, dict) else ""


def _short(exc: Exception) -> str:
    reason = getattr(exc, "reason", None)
    return " ".join(str(reason or exc).split())[:300]


def connect(target: ClusterTarget) -> Cluster:
    """An API client for the kubeconfig context, or for the pod's service account (in-cluster)."""
    try:
        from kubernetes import client, config  # optional dependency: the [audit] extra
    except ImportError:
        raise UsageError("soc2gate audit needs the Kubernetes client: pip install 'soc2gate[audit]'") from None

    if target.in_cluster:
        configuration = client.Configuration()
        try:
            config.load_incluster_config(client_configuration=configuration)
        except config.ConfigException as exc:
            raise UsageError(f"--in-cluster: not running in a pod with a service account: {exc}") from None
        return Cluster(_pooled(client.ApiClient(configuration), target.connections), "in-cluster",
                       configuration.host, target)
    where = target.kubeconfig or os.environ.get("KUBECONFIG") or "~/.kube/config"
    try:
        contexts, active = config.list_kube_config_contexts(config_file=target.kubeconfig)
        api_client = config.new_client_from_config(config_file=target.kubeconfig, context=target.context,
                                                   persist_config=False)
    except (config.ConfigException, OSError, ValueError, TypeError) as exc:
        raise UsageError(f"{where}: cannot use kubeconfig{_context_note(target)}: {_short(exc)}") from None
    name = target.context or (active or {}).get("name", "") or "default"
    return Cluster(_pooled(api_client, target.connections), name, api_client.configuration.host, target)


def _pooled(api_client: Any, connections: int) -> Any:
    """``api_client`` with room for ``connections`` open connections (every watch holds one)."""
    if connections:
        from kubernetes.client import rest

        api_client.configuration.connection_pool_maxsize = connections
        api_client.rest_client = rest.RESTClientObject(api_client.configuration)
    return api_client


def _context_note(target: ClusterTarget) -> str:
    return f" context `{target.context}`" if target.context else ""
