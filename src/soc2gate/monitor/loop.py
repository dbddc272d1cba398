"""The monitor's loop: evaluate when objects changed (debounced) and fully on an interval.

Every cycle judges the whole cache (monitor/partitions.py): the objects that changed are evaluated again
with what their policies relate them to (their namespace's NetworkPolicies and ServiceAccounts; a change
to one of those re-evaluates its namespace), the others keep their results, and only the reports whose
findings changed are built again. A full cycle evaluates everything, appends an evidence record
(``on_full_cycle``) and sets the "last full cycle" metric. It runs in slices: a change that waited
``debounce_s`` ends the slice, its reports are written, and the full cycle goes on from a fresh snapshot
(``CycleResult.slice``); its last slice converges every report and appends the evidence record.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from soc2gate.api import Collected, Gate, policy_reports
from soc2gate.audit.cluster import Cluster
from soc2gate.audit.kinds import RESOURCE_TYPES, ResourceType
from soc2gate.model import InputFile, Result
from soc2gate.monitor.cache import ObjectCache
from soc2gate.monitor.leader import LeaderElector, LeaseSettings
from soc2gate.monitor.metrics import MonitorMetrics
from soc2gate.monitor.partitions import PartitionedEvaluator
from soc2gate.monitor.reports import WRITERS, ReportWriter, WriteStats
from soc2gate.monitor.watcher import RateLimiter, TypeWatcher, WatchSettings

LOG = logging.getLogger("soc2gate.monitor")
CONNECTIONS = len(RESOURCE_TYPES) + 4 + WRITERS  # one per open watch, some for lists, one per report writer
HISTORY = 3  # cycles kept in memory (all of them when ``cycles`` bounds the run): each holds a whole Result


@dataclass
class MonitorSettings:
    interval_s: float = 600.0        # full re-evaluation (and evidence record) at least this often
    debounce_s: float = 1.0          # a change waits this long before it is evaluated (later ones join it)
    qps: float = 5.0                 # API calls per second, all watchers together (0: unlimited)
    watch: WatchSettings = field(default_factory=WatchSettings)
    exclude_namespaces: tuple[str, ...] = ()
    cycles: int = 0                  # stop after this many cycles (0: run until stopped)
    first_list_timeout_s: float = 120.0
    lease: LeaseSettings | None = None   # leader election (more than one replica): only the leader writes
    server_side_apply: bool = True


@dataclass
class CycleResult:
    result: Result
    full: bool
    writes: WriteStats
    seconds: float
    generation: int                  # the cache generation this cycle evaluated
    evidence_error: str = ""
    slice: bool = False              # a part of a full cycle that is not done yet (``full`` is False)


class Monitor:
    def __init__(self, cluster: Cluster, gate: Gate | Callable[[], Gate], settings: MonitorSettings,
                 metrics: MonitorMetrics, on_full_cycle: Callable[[Result], Any] | None = None) -> None:
        """``gate``: loaded, or a loader called on the thread that runs the monitor (a regorus engine is
        bound to the thread that made it)."""
        self.cluster, self.settings, self.metrics = cluster, settings, metrics
        self._gate = gate
        self.on_full_cycle = on_full_cycle
        self.cache, self.wake, self.stop = ObjectCache(), threading.Event(), threading.Event()
        self.writer = ReportWriter(cluster.api_client, settings.server_side_apply)
        self.built: dict[Any, Any] = {}  # reports built by the last cycle (unchanged ones are reused)
        self.elector = (LeaderElector(cluster.api_client, settings.lease, self.stop, self._leadership)
                        if settings.lease else None)
        metrics.leader.set(0 if self.elector else 1)
        limiter = RateLimiter(settings.qps)  # one budget of API calls for every watcher
        self.watchers = [TypeWatcher(cluster, rtype, self.cache, limiter, self.wake, self.stop, settings.watch)
                         for rtype in self._types()]
        self.evaluator = PartitionedEvaluator(cluster, settings.exclude_namespaces)
        self.history: list[CycleResult] = []
        self.cycles = 0

    def leading(self) -> bool:
        """Whether this replica may write reports and evidence now."""
        return self.elector.is_leader() if self.elector else True

    def _leadership(self, leading: bool) -> None:
        self.metrics.leader.set(int(leading))
        self.wake.set()

    def _types(self) -> list[ResourceType]:
        namespace = self.cluster.target.namespace
        return [t for t in RESOURCE_TYPES if t.namespaced or not namespace]

    def run(self) -> None:
        self.gate = self._gate if isinstance(self._gate, Gate) else self._gate()
        try:
            self._run()
        finally:
            self.stop.set()
            del self.gate  # dropped on the thread that made it (regorus)

    def _run(self) -> None:
        for watcher in self.watchers:
            watcher.start()
        if self.elector:
            self.elector.start()
        self._await_first_lists()
        last_full: float | None = None
        evaluated, in_full = -1, False
        while not self.stop.is_set():
            if not self.leading():  # a follower keeps its cache warm; the new leader starts with a full cycle
                last_full, evaluated, in_full = None, -1, False
                self.metrics.withdraw()  # here, on the thread that observes: the findings are the leader's
                self.stop.wait(0.2)
                continue
            if not in_full and (last_full is None or time.monotonic() - last_full >= self.settings.interval_s):
                self.evaluator.begin_full()  # sliced: changes between its slices are evaluated at once
                in_full = True
            self.wake.clear()  # before reading the generation: a later change sets it again
            if not in_full and self.cache.generation == evaluated:
                remaining = self.settings.interval_s - (time.monotonic() - (last_full or 0.0))
                self.wake.wait(timeout=max(0.05, min(1.0, remaining)))
                continue
            if not in_full and self.stop.wait(self._settle()):  # let a burst of changes settle
                break
            cycle = self.cycle(full=in_full)
            evaluated = cycle.generation
            if cycle.full:
                last_full, in_full = time.monotonic(), False
            if self.settings.cycles and self.cycles >= self.settings.cycles:
                self.stop.set()

    def _settle(self) -> float:
        """Seconds until the oldest unevaluated change is ``debounce_s`` old: changes that came during the
        last cycle have waited already, so under a steady stream of changes cycles follow each other."""
        since = self.cache.pending_since()
        if since is None:
            return self.settings.debounce_s
        return max(0.0, since + self.settings.debounce_s - time.monotonic())

    def _await_first_lists(self) -> None:
        """Evaluate only once every kind was listed (or failed to list), so nothing reads as deleted."""
        kinds = {t.kind for t in self._types()}
        deadline = time.monotonic() + self.settings.first_list_timeout_s
        while not self.stop.is_set() and not kinds <= self.cache.known() and time.monotonic() < deadline:
            self.wake.wait(timeout=0.5)
            self.wake.clear()
        for kind in sorted(kinds - self.cache.known()):
            self.cache.fail(next(t for t in self._types() if t.kind == kind),
                            f"{kind} objects were not listed within {self.settings.first_list_timeout_s:g} s")

    def cycle(self, full: bool) -> CycleResult:
        """A change cycle, or a slice of a full cycle (``full``: ``evaluator.begin_full`` was called); the
        result is ``full`` when the full cycle is done, a ``slice`` when a change interrupted it."""
        started = time.monotonic()
        objects, errors, generation = self.cache.snapshot()
        interrupt = (lambda: self._change_due(generation)) if full else (lambda: False)
        result = self._evaluate(objects, errors, interrupt)
        part = full and self.evaluator.full_pending
        full = full and not part
        writes = self._write(result, full)
        seconds = time.monotonic() - started
        evidence_error = self._evidence(result) if full else ""
        _settle_heap(collect=full)
        ok = full and not writes.errors and not writes.stopped and not evidence_error
        if self.leading():
            self.metrics.observe(result, seconds, sum(len(v) for v in objects.values()), full, time.time(), ok,
                                 self.evaluator.groups)
        cycle = CycleResult(result, full, writes, seconds, generation, evidence_error, part)
        self.cycles += 0 if part else 1  # ``settings.cycles`` counts change cycles and whole full cycles
        self.history = (self.history + [cycle])[-HISTORY:] if not self.settings.cycles else self.history + [cycle]
        return cycle

    def _change_due(self, generation: int) -> bool:
        """A change came since the snapshot of ``generation`` and waited ``debounce_s`` (or we are stopping):
        the full cycle's slice ends so that the change is evaluated and written now."""
        if self.stop.is_set() or not self.leading():
            return True
        if self.cache.generation == generation:
            return False
        since = self.cache.pending_since()
        return since is None or time.monotonic() - since >= self.settings.debounce_s

    def _evaluate(self, objects: dict[str, list[dict[str, Any]]], errors: dict[str, str],
                  interrupt: Callable[[], bool]) -> Result:
        collected = Collected()
        namespace = self.cluster.target.namespace
        for rtype in self._types():
            uri = self.cluster.uri(rtype.path(namespace))
            if rtype.kind in errors:
                collected.error("SYS-002", uri, 0, errors[rtype.kind])
            items = objects.get(rtype.kind, [])
            collected.inputs.append(InputFile(uri, _digest(items), "kubernetes", len(items)))
        result = self.evaluator.evaluate(self.gate, self._types(), objects, collected, interrupt)
        target = {"context": self.cluster.name, "server": self.cluster.server, "namespace": namespace or "*"}
        return replace(result, extras={**result.extras, "cluster": target, "monitor": True})

    def _write(self, result: Result, full: bool) -> WriteStats:
        try:
            writes = self.writer.converge(policy_reports(result, self.built), full, self.leading)
        except Exception as exc:  # noqa: BLE001 - the API server unreachable: counted, logged, retried next cycle
            writes = WriteStats(errors=[f"writing PolicyReports failed: {' '.join(str(exc).split())[:300]}"])
        if writes.errors:
            self.metrics.write_errors.inc(len(writes.errors))
            LOG.warning("PolicyReport writes failed: %s", "; ".join(writes.errors[:5]))
        return writes

    def _evidence(self, result: Result) -> str:
        if self.on_full_cycle is None:
            return ""
        if not self.leading():
            return "not appended: this replica is no longer the leader"
        try:
            self.on_full_cycle(result)
        except Exception as exc:  # noqa: BLE001 - a store that cannot be written: a gap, logged and alerted on
            self.metrics.evidence_errors.inc()
            LOG.error("evidence record not appended: %s", exc)
            return str(exc) or type(exc).__name__
        return ""

    def shutdown(self, release: bool = True) -> None:
        """Stop; the leader releases its Lease (unless ``release`` is False: a crash, for tests)."""
        self.stop.set()
        self.wake.set()
        if self.elector:
            self.elector.join(timeout=5)
            if release:
                self.elector.release()
        deadline = time.monotonic() + 5  # 5 s for all of them: a watcher sees ``stop`` at its stream's next line
        for watcher in self.watchers:  # (daemon threads: one still in a quiet watch does not hold the process)
            watcher.join(timeout=max(0.0, deadline - time.monotonic()))


def _settle_heap(collect: bool) -> None:
    """What a cycle leaves (the cluster's objects, their results, the reports) stays until later cycles
    replace it: freeze it (``gc.freeze``) so that the collector's passes walk only what came since, not the
    whole cache — at 10,000 objects a full pass took up to a second, in the middle of a change cycle, and
    a heap of frozen objects makes every new one look like growth, so passes came often. Frozen objects
    are still freed when no longer referenced; garbage cycles among them are collected after each full
    cycle (``collect``: unfreeze, collect everything, freeze again), so they live one interval at most."""
    if collect:
        gc.unfreeze()
        gc.collect()
    gc.freeze()


def _digest(items: list[dict[str, Any]]) -> str:
    """What was evaluated: every object's namespace, name and resourceVersion."""
    lines = sorted(f"{(o.get('metadata') or {}).get('namespace') or ''}/{(o.get('metadata') or {}).get('name')}"
                   f"@{(o.get('metadata') or {}).get('resourceVersion') or ''}" for o in items)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()
