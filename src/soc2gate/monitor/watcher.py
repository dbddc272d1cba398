"""One thread per resource type: list, then watch from the list's resourceVersion.

Bookmarks advance the resourceVersion without objects; a watch that ends (its timeout) resumes
from the last resourceVersion; ``410 Gone`` (the version was compacted) or a resync interval
re-lists. API calls go through a shared rate limiter; failures back off exponentially.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from typing import Any

from soc2gate.audit.cluster import Cluster, api_object
from soc2gate.audit.kinds import ResourceType
from soc2gate.monitor.cache import ObjectCache


class RateLimiter:
    """At most ``qps`` API calls per second across all watchers (0: unlimited)."""

    def __init__(self, qps: float) -> None:
        self.interval = 1.0 / qps if qps > 0 else 0.0
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self, stop: threading.Event) -> None:
        with self._lock:
            now = time.monotonic()
            delay = max(0.0, self._next - now)
            self._next = max(now, self._next) + self.interval
        if delay:
            stop.wait(delay)


@dataclass
class WatchSettings:
    resync_s: float = 600.0
    watch_timeout_s: int = 300
    max_backoff_s: float = 60.0


class TypeWatcher(threading.Thread):
    def __init__(self, cluster: Cluster, rtype: ResourceType, cache: ObjectCache, limiter: RateLimiter,
                 wake: threading.Event, stop: threading.Event, settings: WatchSettings) -> None:
        super().__init__(name=f"watch-{rtype.kind}", daemon=True)
        self.cluster, self.rtype, self.cache, self.limiter = cluster, rtype, cache, limiter
        self.wake, self.stop, self.settings = wake, stop, settings
        self.lists = self.watches = self.expired = 0

    def run(self) -> None:
        backoff = 1.0
        while not self.stop.is_set():
            try:
                self._list_and_watch()
                backoff = 1.0
            except Exception as exc:  # noqa: BLE001 - any API failure: recorded, retried with backoff
                self.cache.fail(self.rtype, f"watching {self.rtype.resource_name()} failed: {' '.join(str(exc).split())[:300]}")
                self.wake.set()
                self.stop.wait(backoff)
                backoff = min(backoff * 2, self.settings.max_backoff_s)

    def _list_and_watch(self) -> None:
        self.limiter.wait(self.stop)
        listing = self.cluster.list_type(self.rtype)
        self.lists += 1
        if listing.error:
            self.cache.fail(self.rtype, listing.error)
            self.wake.set()
            self.stop.wait(self.settings.resync_s)
            return
        self.cache.replace(self.rtype, listing.items)
        self.wake.set()
        listed_at, version = time.monotonic(), listing.resource_version
        while version and not self.stop.is_set() and time.monotonic() - listed_at < self.settings.resync_s:
            self.limiter.wait(self.stop)
            version = self._watch(version)

    def _watch(self, version: str) -> str:
        """Stream events from ``version``; the version to resume from, or "" to re-list.

        The stream is read raw (no model deserialization: cheap, and the objects keep their API
        field names); an ERROR event with a 410 Status means the version was compacted away.
        """
        from kubernetes.client.exceptions import ApiException
        from kubernetes.watch.watch import iter_resp_lines

        call, args = self.cluster.list_call(self.rtype)
        self.watches += 1
        try:
            response = call(*args, watch=True, resource_version=version, allow_watch_bookmarks=True,
                            timeout_seconds=self.settings.watch_timeout_s, _preload_content=False,
                            _request_timeout=self.settings.watch_timeout_s + 30)
        except ApiException as exc:
            if exc.status == 410:
                self.expired += 1
                return ""
            raise
        try:
            for line in iter_resp_lines(response):
                if self.stop.is_set():
                    break
                resumed = self._line(line, version)
                if resumed is None:
                    return ""
                version = resumed
        finally:
            response.close()
            response.release_conn()
        return version

    def _line(self, line: str, version: str) -> str | None:
        """Apply one event line; the version to resume from, None when it expired (re-list)."""
        event = json.loads(line) if line.strip() else {}
        if not isinstance(event, dict):
            raise TypeError(f"watch {self.rtype.resource_name()}: an event is not a JSON object")
        if event.get("type") == "ERROR":
            status = event.get("object") if isinstance(event.get("object"), dict) else {}
            if status.get("code") == 410:
                self.expired += 1
                return None
            raise RuntimeError(f"watch {self.rtype.resource_name()}: {status.get('code')} {status.get('reason')}: "
                               f"{status.get('message')}")
        return self._event(event) or version if event else version

    def _event(self, event: dict[str, Any]) -> str:
        raw = event.get("object") if isinstance(event.get("object"), dict) else {}  # deserialize=False: raw JSON
        version = str((raw.get("metadata") or {}).get("resourceVersion") or "")
        kind = event.get("type")
        if kind in ("ADDED", "MODIFIED", "DELETED") and self.cache.apply(self.rtype, str(kind), api_object(self.rtype, raw)):
            self.wake.set()
        return version
