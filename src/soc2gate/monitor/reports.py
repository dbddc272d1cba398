"""Write PolicyReports so they converge: apply what is new or changed (server-side apply, field manager
``soc2gate``, forced), delete soc2gate's reports that no longer apply (the objects they described are
gone). A server without server-side apply (415 Unsupported Media Type) gets create, and replace with
a retry on 409 Conflict using the current resourceVersion, instead."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

GROUP, VERSION = "wgpolicyk8s.io", "v1alpha2"
PLURALS = {"PolicyReport": "policyreports", "ClusterPolicyReport": "clusterpolicyreports"}
MANAGED = "app.kubernetes.io/managed-by=soc2gate"
RETRIES = 5
FIELD_MANAGER = "soc2gate"
APPLY = "application/apply-patch+yaml"
WRITERS = 4  # reports written at once: one at a time, a cycle of hundreds of writes waits on each round trip

Key = tuple[str, str, str]  # (kind, namespace, name)


@dataclass
class WriteStats:
    created: int = 0
    replaced: int = 0
    unchanged: int = 0
    deleted: int = 0
    conflicts: int = 0
    applied: int = 0                 # of created + replaced, written by server-side apply
    stopped: bool = False            # leadership lost: the remaining writes were not made
    errors: list[str] = field(default_factory=list)

    def add(self, other: WriteStats) -> None:
        for name in ("created", "replaced", "unchanged", "deleted", "conflicts", "applied"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.stopped = self.stopped or other.stopped
        self.errors.extend(other.errors)


def key_of(document: dict[str, Any]) -> Key:
    metadata = document["metadata"]
    return document["kind"], str(metadata.get("namespace") or ""), str(metadata["name"])


class ReportWriter:
    """Remembers what it wrote (resourceVersion and content per report): an unchanged report costs no
    API call, a changed one a single apply or replace (a 409 re-reads it); ``WRITERS`` reports are written
    at once (each report's writes stay on one thread). The full listing of soc2gate's reports,
    which finds reports left by an earlier run, happens on the first and on every full convergence."""

    def __init__(self, api_client: Any, server_side_apply: bool = True) -> None:
        from kubernetes import client

        self.api = client.CustomObjectsApi(api_client)
        self.server_side_apply = server_side_apply  # turned off for good by a 415 (a server without it)
        self._applied = False  # an apply succeeded: writes may go in parallel without probing again
        self._written: dict[Key, tuple[str, str]] = {}  # key -> (resourceVersion, content digest)
        # id -> (document, digest, body) of the last call's documents (``_remember``)
        self._digests: dict[int, tuple[dict[str, Any], str, bytes]] = {}

    def converge(self, documents: list[dict[str, Any]], full: bool = True,
                 may_write: Callable[[], bool] = lambda: True) -> WriteStats:
        """``may_write`` is asked before every write: a monitor that lost its leadership stops at once."""
        stats = WriteStats()
        self._remember(documents)
        if full or not self._written:
            self._written = self._existing()
        wanted = {key_of(d): d for d in documents}
        items = []
        for key, document in wanted.items():  # unchanged ones cost no call (and no thread hand-off)
            known = self._written.get(key)
            if known is not None and known[1] == self._digests[id(document)][1]:
                stats.unchanged += 1
            else:
                items.append((key, document))
        while items and self.server_side_apply and not self._applied and not stats.stopped:
            stats.add(self._put_checked(*items.pop(0), may_write))  # one at a time until apply is known to work
        if items:
            with ThreadPoolExecutor(max_workers=WRITERS) as pool:
                for part in pool.map(lambda item: self._put_checked(item[0], item[1], may_write), items):
                    stats.add(part)
        if stats.stopped:
            return stats
        for key in set(self._written) - set(wanted):
            if not may_write():
                stats.stopped = True
                return stats
            self._delete(key, stats)
        return stats

    def _remember(self, documents: list[dict[str, Any]]) -> None:
        """Serialise (and digest) each document once: the monitor hands the same objects again for reports
        whose findings did not change, and a changed one is sent as the bytes digested here."""
        previous, self._digests = self._digests, {}
        for document in documents:
            known = previous.get(id(document))
            if known is not None and known[0] is document:
                self._digests[id(document)] = known
            else:
                body, digest = serialized(document)
                self._digests[id(document)] = (document, digest, body)

    def _put_checked(self, key: Key, document: dict[str, Any], may_write: Callable[[], bool]) -> WriteStats:
        """One report's write on a writer thread, with its own counts (merged by ``converge``)."""
        stats = WriteStats()
        if not may_write():
            stats.stopped = True
        else:
            self._put(key, document, stats)
        return stats

    def _existing(self) -> dict[Key, tuple[str, str]]:
        found = {}
        for kind, plural in PLURALS.items():
            listed: Any = self.api.list_cluster_custom_object(GROUP, VERSION, plural, label_selector=MANAGED)
            for item in listed.get("items") or []:
                metadata = item.get("metadata") or {}
                key = (kind, str(metadata.get("namespace") or ""), str(metadata.get("name")))
                found[key] = (str(metadata.get("resourceVersion") or ""), serialized(item)[1])
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
                self._written.pop(key, None)  # someone else wrote it: read it again
        stats.errors.append(f"{key[0]} {key[1]}/{key[2]}: still conflicting after {RETRIES} attempts")

    def _put_once(self, key: Key, document: dict[str, Any], stats: WriteStats) -> None:
        from kubernetes.client.exceptions import ApiException

        kind, namespace, name = key
        _, content, body = self._digests[id(document)]
        known = self._written.get(key)
        if known is not None and known[1] == content:
            stats.unchanged += 1
            return
        if self.server_side_apply and self._apply(key, body, content, stats):
            return
        if known is None or not known[0]:  # not written by us, or applied (no version kept): read it
            try:
                current = self._call("get", kind, namespace, name)
            except ApiException as exc:
                if exc.status != 404:
                    raise
                created = self._call("create", kind, namespace, None, document)
                self._written[key] = (_version(created), content)
                stats.created += 1
                return
            known = (_version(current), serialized(current)[1])
        if known[1] == content:
            self._written[key] = known
            stats.unchanged += 1
            return
        versioned = {**document, "metadata": {**document["metadata"], "resourceVersion": known[0]}}
        self._written[key] = (_version(self._call("replace", kind, namespace, name, versioned)), content)
        stats.replaced += 1

    def _apply(self, key: Key, body: bytes, content: str, stats: WriteStats) -> bool:
        """Server-side apply (create or update in one call, no resourceVersion needed); False when the
        server cannot apply: 415 (no server-side apply: never tried again) or 404 (create instead).
        The answer (the whole stored report) is not decoded: applying needs no resourceVersion."""
        from kubernetes.client.exceptions import ApiException

        try:
            response = self._call("apply", *key, body)
        except ApiException as exc:
            if exc.status == 415:
                self.server_side_apply = False
                return False
            if exc.status == 404:
                return False
            raise
        try:
            response.read()
        finally:
            response.release_conn()
        if key in self._written:
            stats.replaced += 1
        else:
            stats.created += 1
        stats.applied += 1
        self._applied = True
        self._written[key] = ("", content)
        return True

    def _delete(self, key: Key, stats: WriteStats) -> None:
        from kubernetes.client.exceptions import ApiException

        try:
            self._call("delete", *key)
            stats.deleted += 1
            self._written.pop(key, None)
        except ApiException as exc:
            if exc.status == 404:
                self._written.pop(key, None)
            else:
                stats.errors.append(f"{key[0]} {key[1]}/{key[2]}: delete: {exc.status} {exc.reason}")

    def _call(self, verb: str, kind: str, namespace: str, name: str | None, body: Any = None) -> Any:
        plural = PLURALS[kind]
        scope = "namespaced" if namespace else "cluster"
        if verb == "apply":
            return self._apply_call(namespace, plural, str(name), body)
        method = getattr(self.api, f"{verb}_{scope}_custom_object")
        args: list[Any] = [GROUP, VERSION] + ([namespace] if namespace else []) + [plural]
        if verb == "create":
            return method(*args, body)
        if verb == "replace":
            return method(*args, name, body)
        return method(*args, name)

    def _apply_call(self, namespace: str, plural: str, name: str, body: bytes) -> Any:
        """PATCH apply-patch+yaml with ``body`` sent as the bytes it is (the generated method would walk and
        re-serialise the whole report); the answer undecoded. Non-2xx raises ``ApiException``."""
        from kubernetes.client.exceptions import ApiException

        client = self.api.api_client
        path = "/apis/{group}/{version}" + ("/namespaces/{namespace}" if namespace else "") + "/{plural}/{name}"
        params = {"group": GROUP, "version": VERSION, "plural": plural, "name": name}
        if namespace:
            params["namespace"] = namespace
        request = client.param_serialize(
            method="PATCH", resource_path=path, path_params=params,
            query_params=[("fieldManager", FIELD_MANAGER), ("force", True)],
            header_params={"Accept": "application/json", "Content-Type": APPLY}, body=body,
            auth_settings=["BearerToken"])
        response = client.call_api(*request)
        if not 200 <= response.status <= 299:
            response.read()
            raise ApiException.from_response(http_resp=response, body=None, data=None)
        return response.response


def serialized(document: dict[str, Any]) -> tuple[bytes, str]:
    """(the document as JSON, the digest of what soc2gate writes in a report: its labels, summary and
    results); one serialisation of the results serves both. Keys sorted: a report read back from the
    server (whatever its key order) digests like the document that was written."""
    parts = {key: json.dumps(value, sort_keys=True, separators=(",", ":")) for key, value in document.items()
             if key != "metadata"}
    metadata = document.get("metadata") or {}
    labels = json.dumps(metadata.get("labels"), sort_keys=True, separators=(",", ":"))
    content = "\x00".join([labels] + [parts.get(key, "null") for key in ("summary", "results")])
    parts["metadata"] = json.dumps(metadata, sort_keys=True, separators=(",", ":"))
    body = "{" + ",".join(f"{json.dumps(key)}:{parts[key]}" for key in document) + "}"
    return body.encode(), hashlib.sha256(content.encode()).hexdigest()


def _version(document: Any) -> str:
    return str(((document or {}).get("metadata") or {}).get("resourceVersion") or "")
