"""Prometheus metrics of the monitor (its own registry; served on ``--metrics-port``)."""

from __future__ import annotations

from typing import Any

from soc2gate.errors import UsageError
from soc2gate.model import Outcome, Result


class MonitorMetrics:
    def __init__(self) -> None:
        try:
            from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
        except ImportError:
            raise UsageError("soc2gate monitor needs prometheus-client: pip install 'soc2gate[monitor]'") from None

        self.registry = CollectorRegistry()
        self._failing: set[tuple[str, str, str]] = set()
        self._objects: set[tuple[str, str, str, str, str]] = set()
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

    def observe(self, result: Result, seconds: float, objects: int, full: bool, now: float, ok: bool) -> None:
        """One cycle; ``ok``: a full cycle whose reports and evidence were all written."""
        self.latency.observe(seconds)
        self.objects.set(objects)
        self.cycles.labels("full" if full else "change").inc()
        if ok:
            self.last_cycle.set(now)
        counts: dict[tuple[str, str, str], int] = {}
        failing: set[tuple[str, str, str, str, str]] = set()
        for finding in result.findings:
            if finding.outcome is not Outcome.FAIL:
                continue
            namespace = _namespace(finding.resource)
            failing.add((finding.policy_id, ",".join(finding.controls), finding.severity, namespace, finding.resource))
            for criterion in finding.controls:
                key = (criterion, finding.policy_id, namespace)
                counts[key] = counts.get(key, 0) + 1
        _converge(self.failing, self._failing, counts)
        _converge(self.failing_resource, self._objects, dict.fromkeys(failing, 1))
        self._failing, self._objects = set(counts), failing

    def withdraw(self) -> None:
        """A follower exports no findings (the leader does): the alerts never see a series twice."""
        _converge(self.failing, self._failing, {})
        _converge(self.failing_resource, self._objects, {})
        self._failing, self._objects = set(), set()

    def serve(self, port: int, address: str = "0.0.0.0") -> Any:
        from prometheus_client import start_http_server

        return start_http_server(port, address, registry=self.registry)


def _namespace(resource: str) -> str:
    parts = resource.split("/")
    return parts[1] if len(parts) == 3 else ""


def _converge(gauge: Any, before: set[Any], now: dict[Any, int]) -> None:
    """Set the label sets of ``now``; remove (never clear) the others, so a scrape never sees a gap."""
    for labels in before - set(now):
        gauge.remove(*labels)
    for labels, value in now.items():
        gauge.labels(*labels).set(value)
