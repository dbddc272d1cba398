"""The monitor's loop: evaluate when objects changed (debounced) and fully on an interval."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from soc2gate.api import Gate
from soc2gate.audit.cluster import Cluster, Listing
from soc2gate.audit.kinds import RESOURCE_TYPES
from soc2gate.audit.run import resources_of
from soc2gate.model import Result
from soc2gate.monitor.cache import ObjectCache
from soc2gate.monitor.metrics import MonitorMetrics
from soc2gate.monitor.reports import ReportWriter, WriteStats
from soc2gate.monitor.watcher import RateLimiter, TypeWatcher, WatchSettings
from soc2gate.parsers.collect import Collected
from soc2gate.reporters.policyreport import documents

LOG = logging.getLogger("soc2gate.monitor")


@dataclass
class MonitorSettings:
    interval_s: float = 600.0        # full re-evaluation (and evidence record) at least this often
    debounce_s: float = 2.0          # wait this long after a change before evaluating
    qps: float = 5.0
    watch: WatchSettings = field(default_factory=WatchSettings)
    exclude_namespaces: tuple[str, ...] = ()
    cycles: int = 0                  # stop after this many cycles (0: run until stopped)


@dataclass
class CycleResult:
    result: Result
    full: bool
    writes: WriteStats
    seconds: float


class Monitor:
    def __init__(self, cluster: Cluster, gate: Gate, settings: MonitorSettings, metrics: MonitorMetrics,
                 on_full_cycle: Callable[[Result], Any] | None = None) -> None:
        self.cluster, self.gate, self.settings, self.metrics = cluster, gate, settings, metrics
        self.on_full_cycle = on_full_cycle
        self.cache, self.wake, self.stop = ObjectCache(), threading.Event(), threading.Event()
        self.writer = ReportWriter(cluster.api_client)
        self.watchers = [TypeWatcher(cluster, rtype, self.cache, RateLimiter(settings.qps), self.wake, self.stop,
                                     settings.watch) for rtype in self._types()]
        self.history: list[CycleResult] = []

    def _types(self) -> list[Any]:
        namespace = self.cluster.target.namespace
        return [t for t in RESOURCE_TYPES if t.namespaced or not namespace]

    def run(self, first_list_timeout: float = 120.0) -> None:
        for watcher in self.watchers:
            watcher.start()
        kinds = {t.kind for t in self._types()}
        deadline = time.monotonic() + first_list_timeout
        while not self.stop.is_set() and not kinds <= self.cache.known() and time.monotonic() < deadline:
            self.wake.wait(timeout=0.5)
            self.wake.clear()
        last_full, evaluated = 0.0, -1
        while not self.stop.is_set():
            self.wake.wait(timeout=1.0)
            if self.stop.wait(self.settings.debounce_s if self.wake.is_set() else 0):
                break
            self.wake.clear()
            full = time.monotonic() - last_full >= self.settings.interval_s
            if not full and self.cache.generation == evaluated:
                continue
            evaluated = self.cache.generation
            self.cycle(full)
            last_full = time.monotonic() if full else last_full
            if self.settings.cycles and len(self.history) >= self.settings.cycles:
                self.stop.set()

    def cycle(self, full: bool) -> CycleResult:
        started = time.monotonic()
        objects, errors, _ = self.cache.snapshot()
        collected = Collected()
        listings = []
        for rtype in self._types():
            if rtype.kind in errors:
                collected.error("SYS-002", self.cluster.uri(rtype.path(self.cluster.target.namespace)), 0, errors[rtype.kind])
            listings.append(Listing(rtype, items=objects.get(rtype.kind, [])))
        resources = resources_of(self.cluster, listings, self.settings.exclude_namespaces, collected)
        result = self.gate.evaluate(resources, collected)
        writes = self.writer.converge(documents(result))
        seconds = time.monotonic() - started
        self.metrics.observe(result, seconds, self.cache.size(), full, time.time())
        if writes.errors:
            self.metrics.write_errors.inc(len(writes.errors))
            LOG.warning("PolicyReport writes failed: %s", "; ".join(writes.errors[:5]))
        if full and self.on_full_cycle is not None:
            self.on_full_cycle(result)
        cycle = CycleResult(result, full, writes, seconds)
        self.history = (self.history + [cycle])[-10:] if not self.settings.cycles else self.history + [cycle]
        return cycle

    def shutdown(self) -> None:
        self.stop.set()
        for watcher in self.watchers:
            watcher.join(timeout=5)
