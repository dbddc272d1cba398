"""Prometheus metrics of the monitor (its own registry; served on ``--metrics-port``)."""

from __future__ import annotations

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
        self._failing: dict[tuple[str, str, str], int] = {}          # the values exported now, per label set
        self._objects: dict[tuple[str, str, str, str, str], int] = {}
        self._labels: dict[int, tuple[Any, ...]] = {}  # id(finding) -> (finding, its label sets): last cycle's
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
        failing: dict[tuple[str, str, str, str, str], int] = {}
        labels, self._labels = self._labels, {}
        for finding in [f for f in result.findings if f.outcome is Outcome.FAIL]:
            known = labels.get(id(finding))
            if known is None or known[0] is not finding:  # a finding kept from an earlier cycle: labelled then
                known = (finding, *_labels(finding))
            self._labels[id(finding)] = known
            failing[known[1]] = 1
            for key in known[2]:
                counts[key] = counts.get(key, 0) + 1
        _converge(self.failing, self._failing, counts)
        _converge(self.failing_resource, self._objects, failing)
        self._failing, self._objects = counts, failing

    def withdraw(self) -> None:
        """A follower exports no findings (the leader does): the alerts never see a series twice."""
        _converge(self.failing, self._failing, {})
        _converge(self.failing_resource, self._objects, {})
        self._failing, self._objects, self._labels = {}, {}, {}

    def serve(self, port: int, address: str = "0.0.0.0") -> Any:
        from prometheus_client import start_http_server

        return start_http_server(port, address, registry=self.registry)


def _labels(finding: Finding) -> tuple[tuple[str, str, str, str, str], list[tuple[str, str, str]]]:
    """A failing finding's series: its object's (failing_resource) and one per criterion (failing)."""
    namespace = _namespace(finding.resource)
    resource = (finding.policy_id, ",".join(finding.controls), finding.severity, namespace, finding.resource)
    return resource, [(criterion, finding.policy_id, namespace) for criterion in finding.controls]


def _namespace(resource: str) -> str:
    parts = resource.split("/")
    return parts[1] if len(parts) == 3 else ""


def _converge(gauge: Any, before: dict[Any, int], now: dict[Any, int]) -> None:
    """Set the label sets of ``now`` whose value changed (a cycle that changed a few objects touches a few
    series); remove (never clear) the others, so a scrape never sees a gap."""
    for labels in before.keys() - now.keys():
        gauge.remove(*labels)
    for labels, value in now.items():
        if before.get(labels) != value:
            gauge.labels(*labels).set(value)
