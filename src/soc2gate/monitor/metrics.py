"""Prometheus metrics of the monitor (its own registry; served on ``--metrics-port``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from soc2gate.errors import UsageError
from soc2gate.model import Finding, Outcome, Result


class MonitorMetrics:
    def __init__(self) -> None:
        try:
            from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
        except ImportError:
            raise UsageError("soc2gate monitor needs prometheus-client: pip install 'soc2gate[monitor]'") from None

        self.registry = CollectorRegistry()
        # ("criterion", criterion, policy, namespace) -> failing findings; ("resource", policy, criteria, severity,
        # namespace, resource) -> failing findings of that object (exported as 1)
        self._values: dict[tuple[Any, ...], int] = {}
        self._exported: set[tuple[Any, ...]] = set()
        # the groups counted: id -> (group, its series)
        self._groups: dict[int, tuple[tuple[Finding, ...], list[tuple[Any, ...]]]] = {}
        self.failing = Gauge("soc2gate_monitor_failing_findings", "Failing findings per SOC 2 criterion, policy "
                             "and namespace", ["criterion", "policy", "namespace"], registry=self.registry)
        self.failing_resource = Gauge("soc2gate_monitor_failing_resource", "1 for each object failing a policy "
                                      "(what the alerts name)", ["policy", "criteria", "severity", "namespace",
                                                                 "resource"], registry=self.registry)
        self.last_cycle = Gauge("soc2gate_monitor_last_full_cycle_timestamp_seconds",
                                "When the last full evaluation cycle finished (Unix time)", registry=self.registry)
        self.objects = Gauge("soc2gate_monitor_objects_watched", "Objects currently known from list/watch",
                             registry=self.registry)
        self.latency = Histogram("soc2gate_monitor_evaluation_seconds", "Time to evaluate all watched objects",
                                 buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30), registry=self.registry)
        self.cycles = Counter("soc2gate_monitor_cycles_total", "Evaluation cycles", ["kind"], registry=self.registry)
        self.evidence_errors = Counter("soc2gate_monitor_evidence_errors_total", "Full cycles whose evidence record "
                                       "could not be appended", registry=self.registry)
        self.leader = Gauge("soc2gate_monitor_leader", "1 while this replica holds the lease and writes reports "
                            "and evidence (always 1 without --leader-elect)", registry=self.registry)
        self.write_errors = Counter("soc2gate_monitor_report_write_errors_total", "PolicyReport writes that failed",
                                    registry=self.registry)

    def observe(self, result: Result, seconds: float, objects: int, full: bool, now: float, ok: bool,
                groups: Sequence[tuple[Finding, ...]] | None = None) -> None:
        """One cycle; ``ok``: a full cycle whose reports and evidence were all written. ``groups``: the
        result's findings in groups (the monitor's objects), a group unchanged since the last cycle being
        the same tuple object: only new groups are counted, so a change cycle costs what changed."""
        self.latency.observe(seconds)
        self.objects.set(objects)
        self.cycles.labels("full" if full else "change").inc()
        if ok:
            self.last_cycle.set(now)
        self._count(groups if groups is not None else [result.findings])

    def _count(self, groups: Sequence[tuple[Finding, ...]]) -> None:
        kept: dict[int, tuple[tuple[Finding, ...], list[tuple[Any, ...]]]] = {}
        dirty: set[tuple[Any, ...]] = set()
        for group in groups:
            if not group:  # (empty tuples are one object; distinct non-empty groups are distinct objects)
                continue
            held = self._groups.get(id(group))
            if held is None or held[0] is not group:  # held keeps its group alive: an id is never reused
                held = (group, _series(group))
                self._add(held[1], 1, dirty)
            kept[id(group)] = held
        for key, held in self._groups.items():
            if kept.get(key, (None,))[0] is not held[0]:
                self._add(held[1], -1, dirty)
        self._groups = kept
        for series in dirty:
            gauge, labels = (self.failing_resource if series[0] == "resource" else self.failing), series[1:]
            value = self._values.get(series, 0)
            if value:
                gauge.labels(*labels).set(value if series[0] == "criterion" else 1)
            elif series in self._exported:
                gauge.remove(*labels)
            (self._exported.add if value else self._exported.discard)(series)

    def _add(self, series: list[tuple[Any, ...]], sign: int, dirty: set[tuple[Any, ...]]) -> None:
        for one in series:
            value = self._values.get(one, 0) + sign
            if value:
                self._values[one] = value
            else:
                self._values.pop(one, None)
            dirty.add(one)

    def withdraw(self) -> None:
        """A follower exports no findings (the leader does): the alerts never see a series twice."""
        self._count([])

    def serve(self, port: int, address: str = "0.0.0.0") -> Any:
        from prometheus_client import start_http_server

        return start_http_server(port, address, registry=self.registry)


def _series(findings: tuple[Finding, ...]) -> list[tuple[Any, ...]]:
    """The series the failing findings of a group add one to: their object's, and one per criterion."""
    found: list[tuple[Any, ...]] = []
    for finding in findings:
        if finding.outcome is not Outcome.FAIL:
            continue
        namespace = _namespace(finding.resource)
        found.append(("resource", finding.policy_id, ",".join(finding.controls), finding.severity, namespace,
                      finding.resource))
        found.extend(("criterion", criterion, finding.policy_id, namespace) for criterion in finding.controls)
    return found


def _namespace(resource: str) -> str:
    parts = resource.split("/")
    return parts[1] if len(parts) == 3 else ""
