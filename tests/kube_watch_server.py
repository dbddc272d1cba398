"""A loopback HTTPS server that speaks the Kubernetes list/watch protocol and stores PolicyReports.

Like the apiserver: every write bumps a global resourceVersion; lists return it; watches
(``?watch=true&resourceVersion=RV``) stream JSON-line events over a chunked response, send BOOKMARK
events when asked (``allowWatchBookmarks``), end after ``timeoutSeconds``, and answer a compacted
resourceVersion with an ERROR event carrying a 410 Status. Every collection (PolicyReports, Leases,
...) supports create (409 AlreadyExists), get, list by label, replace (409 Conflict on a stale
resourceVersion, or injected per resource), delete, and server-side apply (PATCH
``application/apply-patch+yaml``: ``fieldManager`` required, create-or-replace, ``managedFields``
recorded, 409 when another manager applied and ``force`` is not set; 415 when ``apply_supported`` is
off, as a server without server-side apply answers). A bearer token is required; several can be issued
(one per client); ``blocked`` ones get 503 (a partition), ``forbidden`` resources 403 (RBAC).
"""

from __future__ import annotations

import bisect
import copy
import functools
import json
import re
import ssl
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from kube_apply import APPLY, applied, apply_body, apply_conflict, apply_problem
from kube_loopback import KubeHandler, LoopbackApiServer

TOKEN = "watch-token-51a9"
_PATH = re.compile(r"^/(?:api/(?P<core>v1)|apis/(?P<group>[^/]+)/(?P<version>[^/]+))"
                   r"(?:/namespaces/(?P<ns>[^/]+))?/(?P<plural>[^/]+)(?:/(?P<name>[^/]+))?$")


class FakeApi:
    """The cluster's state: objects per (groupVersion, plural), an event log, injected faults."""

    def __init__(self) -> None:
        mutex = threading.RLock()
        self.lock = threading.Condition(mutex)
        # one condition per collection on the same lock, and each collection's own event log (as the
        # apiserver's watch cache): a watch wakes for its own collection and reads only its events
        self._changed: dict[tuple[str, str], threading.Condition] = {}
        self._mutex = mutex
        self.logs: dict[tuple[str, str], list[tuple[int, str, str, str, dict[str, Any]]]] = {}
        self.rv = 1000
        self.objects: dict[tuple[str, str], dict[tuple[str, str], dict[str, Any]]] = {}
        self.events: list[tuple[int, str, str, str, dict[str, Any]]] = []  # rv, gv, plural, type, object
        self.compacted_below = 0
        self.conflicts_to_inject: dict[str, int] = {}  # plural -> replaces answered 409 before any succeeds
        self.epoch = 0  # bumped by compact(): open watches end
        self.requests: list[str] = []
        self.calls: list[tuple[str, str, str]] = []  # (token, method, path) of every authorized request
        self.call_times: list[float] = []  # time.monotonic() of each of ``calls``
        self.written_at: dict[int, float] = {}  # resourceVersion -> time.monotonic() of the write
        self.tokens, self.blocked, self.forbidden = {TOKEN}, set[str](), set[str]()  # forbidden: plurals (403)
        self.apply_supported = True

    def put(self, gv: str, plural: str, obj: dict[str, Any], event: str | None = None,
            owned: bool = False) -> dict[str, Any]:
        """Store ``obj`` (a copy, unless the caller hands it over: ``owned``) with a new resourceVersion."""
        with self.lock:
            self.rv += 1
            stored = obj if owned else copy.deepcopy(obj)
            metadata = stored.setdefault("metadata", {})
            metadata["resourceVersion"] = str(self.rv)
            metadata.setdefault("uid", str(uuid.uuid4()))
            key = (str(metadata.get("namespace") or ""), metadata["name"])
            bucket = self.objects.setdefault((gv, plural), {})
            kind = event or ("MODIFIED" if key in bucket else "ADDED")
            bucket[key] = stored
            self._log((self.rv, gv, plural, kind, stored))
            return stored

    def _log(self, event: tuple[int, str, str, str, dict[str, Any]]) -> None:
        """Record an event (the lock held) and wake whoever waits for it."""
        self.written_at[event[0]] = time.monotonic()
        self.events.append(event)
        self.logs.setdefault((event[1], event[2]), []).append(event)
        self.changed(event[1], event[2]).notify_all()
        self.lock.notify_all()

    def changed(self, gv: str, plural: str) -> threading.Condition:
        """The condition notified when a (gv, plural) object changes (on ``lock``'s mutex)."""
        with self.lock:
            return self._changed.setdefault((gv, plural), threading.Condition(self._mutex))

    def clear_log(self) -> None:
        with self.lock:
            self.events.clear()
            self.logs.clear()

    def delete(self, gv: str, plural: str, namespace: str, name: str) -> dict[str, Any] | None:
        with self.lock:
            removed = self.objects.get((gv, plural), {}).pop((namespace, name), None)
            if removed is not None:
                self.rv += 1
                removed = {**removed, "metadata": {**removed["metadata"], "resourceVersion": str(self.rv)}}
                self._log((self.rv, gv, plural, "DELETED", removed))
            return removed

    def compact(self) -> None:
        """Forget the event log and end every open watch (as an apiserver restart does): a watch resumed
        from an older resourceVersion gets 410 Gone and must re-list."""
        with self.lock:
            self.rv += 1
            self.compacted_below = self.rv  # a list now returns rv: watching from it loses nothing
            self.events.clear()
            self.logs.clear()
            self.epoch += 1
            for condition in self._changed.values():
                condition.notify_all()
            self.lock.notify_all()

    def get(self, gv: str, plural: str, namespace: str, name: str, copied: bool = True) -> dict[str, Any] | None:
        """The stored object: a copy, or (``copied=False``) the stored one itself, to read only."""
        with self.lock:
            found = self.objects.get((gv, plural), {}).get((namespace, name))
            return copy.deepcopy(found) if copied else found

    def take_conflict(self, plural: str) -> bool:
        with self.lock:
            left = self.conflicts_to_inject.get(plural, 0)
            self.conflicts_to_inject[plural] = max(0, left - 1)
            return left > 0

    def writes(self, token: str, plural: str) -> int:
        """Writes (POST, PUT, PATCH, DELETE) the holder of ``token`` made to ``plural``."""
        with self.lock:
            return sum(1 for t, method, path in self.calls if t == token and method != "GET" and f"/{plural}" in path)

    def items(self, gv: str, plural: str, namespace: str | None) -> list[dict[str, Any]]:
        with self.lock:
            bucket = self.objects.get((gv, plural), {})
            return [copy.deepcopy(o) for (ns, _), o in sorted(bucket.items()) if namespace is None or ns == namespace]


def _routed(method: Callable[[Any, dict[str, str], dict[str, list[str]]], None]) -> Callable[[Any], None]:
    """A request method that runs only for an authorized request to a known path (``_Handler._route``)."""
    @functools.wraps(method)
    def handle(self: Any) -> None:
        routed = self._route()
        if routed is not None:
            method(self, *routed)
    return handle


class _Handler(KubeHandler):
    protocol_version = "HTTP/1.1"
    api: FakeApi

    def _route(self) -> tuple[dict[str, str], dict[str, list[str]]] | None:
        url = urlsplit(self.path)
        token, match = self.headers.get("Authorization", "").removeprefix("Bearer "), _PATH.match(url.path)
        with self.api.lock:
            self.api.requests.append(f"{self.command} {url.path}?{url.query}")
            known, blocked = token in self.api.tokens, token in self.api.blocked
            if known and not blocked:
                self.api.calls.append((token, self.command, url.path))
                self.api.call_times.append(time.monotonic())
        if not known:
            self._status(401, "Unauthorized", "Unauthorized")
            return None
        if blocked:
            self._status(503, "ServiceUnavailable", "the server is currently unable to handle the request")
            return None
        if match and match["plural"] in self.api.forbidden:
            self._status(403, "Forbidden", f'cannot {self.command} resource "{match["plural"]}"')
            return None
        if not match:
            self._status(404, "NotFound", "the server could not find the requested resource")
            return None
        parts = match.groupdict()
        parts["gv"] = parts["core"] or f"{parts['group']}/{parts['version']}"
        return parts, parse_qs(url.query)

    @_routed
    def do_GET(self, parts: dict[str, str], query: dict[str, list[str]]) -> None:  # noqa: N802
        if parts["name"]:
            return self._get_one(parts)
        if query.get("watch", ["false"])[0] in ("true", "1"):
            return self._watch(parts, query)
        items = self.api.items(parts["gv"], parts["plural"], parts["ns"])
        selector = query.get("labelSelector", [""])[0]
        if selector:
            key, _, value = selector.partition("=")
            items = [i for i in items if (i["metadata"].get("labels") or {}).get(key) == value]
        self._json(200, {"kind": "List", "apiVersion": parts["gv"], "metadata": {"resourceVersion": str(self.api.rv)},
                         "items": items})

    def _get_one(self, parts: dict[str, str]) -> None:
        found = self.api.objects.get((parts["gv"], parts["plural"]), {}).get((parts["ns"] or "", parts["name"]))
        if found is None:
            return self._status(404, "NotFound", f'{parts["plural"]} "{parts["name"]}" not found')
        self._json(200, found)

    @_routed
    def do_POST(self, parts: dict[str, str], _: dict[str, list[str]]) -> None:  # noqa: N802
        body = self._body()
        key = (parts["ns"] or "", body["metadata"]["name"])
        if key in self.api.objects.get((parts["gv"], parts["plural"]), {}):
            return self._status(409, "AlreadyExists", f'{parts["plural"]} "{key[1]}" already exists')
        body["metadata"].setdefault("namespace", parts["ns"]) if parts["ns"] else None
        self._json(201, self.api.put(parts["gv"], parts["plural"], body))

    @_routed
    def do_PUT(self, parts: dict[str, str], _: dict[str, list[str]]) -> None:  # noqa: N802
        body = self._body()
        current = self.api.objects.get((parts["gv"], parts["plural"]), {}).get((parts["ns"] or "", parts["name"]))
        if current is None:
            return self._status(404, "NotFound", f'{parts["plural"]} "{parts["name"]}" not found')
        if body.get("metadata", {}).get("name") != parts["name"]:
            return self._status(400, "BadRequest", "the name of the object does not match the name on the URL")
        stale = body["metadata"].get("resourceVersion") != current["metadata"]["resourceVersion"]
        if stale or self.api.take_conflict(parts["plural"]):
            return self._status(409, "Conflict", "Operation cannot be fulfilled: the object has been modified; "
                                "please apply your changes to the latest version and try again")
        self._json(200, self.api.put(parts["gv"], parts["plural"], body))

    @_routed
    def do_PATCH(self, parts: dict[str, str], query: dict[str, list[str]]) -> None:  # noqa: N802
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.headers.get("Content-Type", "").split(";")[0].strip() != APPLY or not self.api.apply_supported:
            return self._status(415, "UnsupportedMediaType", "the body of the request was in an unknown format - "
                                "accepted media types include: application/json-patch+json, application/merge-patch+json")
        manager = query.get("fieldManager", [""])[0]
        if not manager:
            return self._status(400, "BadRequest", 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: '
                                "Required value: is required for apply patch")
        body = apply_body(raw)
        problem = apply_problem(body, parts)
        if problem:
            return self._status(400, "BadRequest", problem)
        current = self.api.get(parts["gv"], parts["plural"], parts["ns"] or "", parts["name"], copied=False)
        problem = apply_conflict(body, current, manager, query.get("force", ["false"])[0] == "true")
        if problem or self.api.take_conflict(parts["plural"]):
            return self._status(409, "Conflict", problem or "Operation cannot be fulfilled: the object has been "
                                "modified; please apply your changes to the latest version and try again")
        stored = self.api.put(parts["gv"], parts["plural"], applied(body, current, manager, parts), owned=True)
        self._json(200 if current else 201, stored)

    @_routed
    def do_DELETE(self, parts: dict[str, str], _: dict[str, list[str]]) -> None:  # noqa: N802
        if self.api.delete(parts["gv"], parts["plural"], parts["ns"] or "", parts["name"]) is None:
            return self._status(404, "NotFound", f'{parts["plural"]} "{parts["name"]}" not found')
        self._json(200, {"kind": "Status", "apiVersion": "v1", "status": "Success"})

    def _watch(self, parts: dict[str, str], query: dict[str, list[str]]) -> None:
        since = int(query.get("resourceVersion", ["0"])[0] or 0)
        timeout = float(query.get("timeoutSeconds", ["30"])[0])
        bookmarks = query.get("allowWatchBookmarks", ["false"])[0] in ("true", "1")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        try:
            self._stream(parts, since, time.monotonic() + timeout, bookmarks)
            self._chunk(b"")
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            pass

    def _stream(self, parts: dict[str, str], since: int, deadline: float, bookmarks: bool) -> None:
        with self.api.lock:
            epoch, expired = self.api.epoch, since < self.api.compacted_below
        if expired:
            status = {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "Expired", "code": 410,
                      "message": f"too old resource version: {since} ({self.api.compacted_below})"}
            return self._event("ERROR", status)
        last_bookmark, collection = time.monotonic(), (parts["gv"], parts["plural"])
        changed = self.api.changed(*collection)
        while time.monotonic() < deadline:
            with self.api.lock:
                if self.api.epoch != epoch:
                    return
                log = self.api.logs.get(collection, [])
                start = bisect.bisect_right(log, since, key=lambda e: e[0])  # the log is in rv order
                fresh = [e for e in log[start:] if parts["ns"] is None or e[4]["metadata"].get("namespace") == parts["ns"]]
                mark = self.api.rv  # every event up to here is in `fresh` (or not for this collection)
                if not fresh:
                    changed.wait(timeout=0.2)
            for rv, _, _, kind, obj in fresh:
                self._event(kind, obj)
                since = rv
            if bookmarks and time.monotonic() - last_bookmark > 1.0 and mark > since and not fresh:
                self._event("BOOKMARK", {"kind": "Bookmark", "apiVersion": parts["gv"],
                                         "metadata": {"resourceVersion": str(mark)}})
                since, last_bookmark = mark, time.monotonic()

    def _event(self, kind: str, obj: dict[str, Any]) -> None:
        self._chunk(json.dumps({"type": kind, "object": obj}).encode() + b"\n")

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _body(self) -> dict[str, Any]:
        return json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))


class WatchServer(LoopbackApiServer):
    def __init__(self, api: FakeApi, directory: Path) -> None:
        super().__init__(type("Handler", (_Handler,), {"api": api}))
        self.api = api
        self.kubeconfig = self.kubeconfig_for(TOKEN, directory / "kubeconfig")

    def kubeconfig_for(self, token: str, path: Path) -> Path:
        """A kubeconfig with its own token (issued here): one client's requests, told apart or blocked."""
        with self.api.lock:
            self.api.tokens.add(token)
        path.write_text(json.dumps(self.kubeconfig_document("watch", {"monitor": token}, {"watch": "monitor"},
                                                            current="watch")))
        return path
