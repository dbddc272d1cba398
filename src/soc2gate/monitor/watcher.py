"""One thread per resource type: list, then watch from the list's resourceVersion.

Bookmarks advance the resourceVersion without objects; a watch that ends (its timeout) resumes
from the last resourceVersion; ``410 Gone`` (the version was compacted) or a resync interval
re-lists. API calls go through a shared rate limiter; failures back off exponentially.
"""

from __future__ import annotations

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
        """Stream events from ``version``; the version to resume from, or "" to re-list."""
        from kubernetes import watch
        from kubernetes.client.exceptions import ApiException

        call, args = self.cluster.list_call(self.rtype)
        stream = watch.Watch()
        self.watches += 1
        try:
            for event in stream.stream(call, *args, resource_version=version, allow_watch_bookmarks=True,
                                       deserialize=False, timeout_seconds=self.settings.watch_timeout_s,
                                       _request_timeout=self.settings.watch_timeout_s + 30):
                if self.stop.is_set():
                    stream.stop()
                    break
                version = self._event(event) or version
        except ApiException as exc:
            if exc.status == 410:
                self.expired += 1
                return ""
            raise
        return version

    def _event(self, event: dict[str, Any]) -> str:
        raw = event.get("object") if isinstance(event.get("object"), dict) else {}  # deserialize=False: raw JSON
        version = str((raw.get("metadata") or {}).get("resourceVersion") or "")
        kind = event.get("type")
        if kind in ("ADDED", "MODIFIED", "DELETED") and self.cache.apply(self.rtype, str(kind), api_object(self.rtype, raw)):
            self.wake.set()
        return version
