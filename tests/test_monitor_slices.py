"""A full cycle of `soc2gate monitor` does not hold up changes, and stays exact (docs/monitoring.md).

Against the loopback list/watch server with real manifests. The full cycle is made long deterministically:
one engine call per namespace in a full cycle's slices (``partitions.SLICE`` = 1, and a slice that
evaluated changes ends after one call: ``SLICE_S`` = 0) over a dozen namespaces, and the change is made
from inside its first engine call (a hook that waits until the watch delivered it), so it lands while the
full cycle has every other namespace still to go. The change must reach the PolicyReports while namespaces
of that full cycle are still being evaluated; when the full cycle ends, the reports, the evidence record and
the results equal a one-shot `soc2gate audit` of the same cluster.
"""

from __future__ import annotations

import copy
import threading
import time
from typing import Any

from admission_reviews import first_object
from soc2gate.api import Gate, ScanOptions, policy_reports
from soc2gate.audit.cluster import ClusterTarget
from soc2gate.audit.run import AuditOptions, audit
from soc2gate.model import Result
from soc2gate.monitor import partitions
from soc2gate.monitor.loop import Monitor
from test_monitor import GOAT, GUESTBOOK, put, reports, results, running, seeded_api  # noqa: F401 - fixture
from test_monitor_incremental import network_policy, outcomes

SPARE = [f"ns-{index}" for index in range(8)]  # one engine call each during a full cycle


def entries(documents: list[dict[str, Any]]) -> set[tuple[Any, ...]]:
    """What the reports say about each object (not when: timestamps differ between runs)."""
    found = set()
    for report in documents:
        for entry in report.get("results") or []:
            ref = (entry.get("resources") or [{}])[0]
            found.add((report["kind"], report["metadata"].get("namespace", ""), report["metadata"]["name"],
                       entry["policy"], entry["result"], entry.get("message", ""),
                       ref.get("kind"), ref.get("namespace", ""), ref.get("name")))
    return found


class Hook:
    """Wraps ``Monitor.cycle`` (every cycle kept in ``log``) and ``PartitionedEvaluator._evaluate`` (one
    engine call): once armed, the next engine call (the next full cycle's first namespace: nothing else
    changes) makes the changes and waits until the watch delivered them; every later engine call notes
    whether the stored reports show them already, and in which cycle (its index in ``log``)."""

    def __init__(self, change: Any) -> None:
        self.change, self.run = change, None
        self.log: list[Any] = []
        self.armed = threading.Event()
        self.changed_in = -1          # the cycle (index in ``log``) that was running when the changes were made
        self.seen: list[int] = []     # the cycles whose engine calls found the change in the reports

    def cycle(self, original: Any) -> Any:
        def cycle(monitor: Any, full: bool) -> Any:
            done = original(monitor, full)
            self.log.append(done)
            return done
        return cycle

    def evaluate(self, original: Any) -> Any:
        def evaluate(evaluator: Any, *args: Any) -> Any:
            answer = original(evaluator, *args)
            monitor = self.run.monitor
            if self.armed.is_set() and self.changed_in < 0:
                self.changed_in = len(self.log)
                generation = monitor.cache.generation
                self.change()
                deadline = time.monotonic() + 60
                while monitor.cache.generation < generation + 2 and time.monotonic() < deadline:
                    time.sleep(0.02)  # until the watch delivered both changes (no timing is asserted)
            elif self.changed_in >= 0 and results(self.run.api, "Deployment", "web", "frontend")["K8S-001"] == "fail":
                self.seen.append(len(self.log))
            return answer
        return evaluate


def test_a_change_during_a_full_cycle_is_reported_before_it_ends_and_converges(running, monkeypatch) -> None:
    api = seeded_api()
    for namespace in SPARE:
        put(api, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}})
        put(api, first_object(GUESTBOOK / "redis-master-deployment.yaml"), namespace)
    put(api, network_policy("nothing", {"matchLabels": {"app": "none"}}), SPARE[-1])  # not the cluster's first
    frontend = copy.deepcopy(first_object(GUESTBOOK / "frontend-deployment.yaml"))
    frontend["spec"]["template"]["spec"]["containers"][0]["securityContext"] = {"privileged": True}
    labels = first_object(GOAT / "health-check/deployment.yaml", "Deployment")["spec"]["template"]["metadata"]

    def change() -> None:
        put(api, frontend, "web")  # a workload, in a namespace this full cycle has not reached yet
        put(api, network_policy("allow", {"matchLabels": labels["labels"]}), "shop")  # a relation of shop

    evidence: list[Result] = []
    hook = Hook(change)
    monkeypatch.setattr(partitions, "SLICE", 1)
    monkeypatch.setattr(partitions, "SLICE_S", 0.0)
    monkeypatch.setattr(Monitor, "cycle", hook.cycle(Monitor.cycle))
    monkeypatch.setattr(partitions.PartitionedEvaluator, "_evaluate", hook.evaluate(partitions.PartitionedEvaluator._evaluate))
    run = hook.run = running(api, interval_s=1.0, debounce_s=0.0, on_full_cycle=evidence.append, watch_timeout_s=2)
    wait(run, lambda: bool(hook.log))
    assert results(api, "Deployment", "web", "frontend")["K8S-001"] == "pass"
    assert results(api, "Deployment", "shop", "health-check-deployment")["K8S-024"] == "fail"
    hook.armed.set()
    wait(run, lambda: hook.changed_in >= 0 and any(c.full for c in hook.log[hook.changed_in:]))
    ended = next(index for index in range(hook.changed_in, len(hook.log)) if hook.log[index].full)
    assert hook.seen and hook.seen[0] <= ended, (
        f"the change reached the reports in cycle {hook.seen[:1]}, after the full cycle it came in ended ({ended})")
    assert all(c.slice and not c.full and not c.writes.errors for c in hook.log[hook.changed_in:ended])

    one_shot = audit(AuditOptions(target=ClusterTarget(kubeconfig=str(run.server.kubeconfig))),
                     Gate.load(ScanOptions(use_cache=False)))
    assert outcomes(hook.log[ended].result) == outcomes(one_shot), "the full cycle's results: one evaluation's"
    record = evidence[sum(c.full for c in hook.log[:ended + 1]) - 1]
    assert record is hook.log[ended].result, "its one evidence record holds them"
    assert entries(reports(api)) == entries(policy_reports(one_shot)), "the reports converged"
    assert results(api, "Deployment", "shop", "health-check-deployment")["K8S-024"] == "pass"


def test_a_full_cycle_without_changes_is_one_cycle(running, monkeypatch) -> None:
    monkeypatch.setattr(partitions, "SLICE", 1)
    run = running(interval_s=0.5, watch_timeout_s=2)
    wait(run, lambda: sum(c.full for c in run.monitor.history) >= 2)
    first, second = [c for c in run.monitor.history if c.full][:2]
    assert [(c.full, c.slice) for c in run.monitor.history][:2] == [(True, False), (True, False)]
    assert outcomes(second.result) == outcomes(first.result)
    assert len(first.result.findings) == len(second.result.findings) > 3


def wait(run: Any, done: Any, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        assert run.thread.is_alive() and time.monotonic() < deadline, "the monitor did not get there"
        time.sleep(0.05)
