"""Leader election of `soc2gate monitor` replicas on a coordination.k8s.io/v1 Lease, against the loopback
Kubernetes API server: two monitors (each with its own token, so the server tells their requests apart)
watch one cluster; only the leader writes PolicyReports and evidence; a follower takes over when the
leader stops (released lease), crashes (expired lease) or is cut off from the API server (it steps
down at its renew deadline, before the lease expires); 409 Conflicts on the Lease are retried."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest

from admission_reviews import first_object
from kube_watch_server import FakeApi, WatchServer
from soc2gate.api import ScanOptions, record_evidence, verify_evidence
from soc2gate.monitor.leader import LeaseSettings, check
from test_monitor import GUESTBOOK, Running, assert_valid, fast, put, reports, results, seeded_api

LEASE = ("coordination.k8s.io/v1", "leases", "soc2gate-system", "soc2gate-monitor")
DURATION, DEADLINE, RETRY = 3.0, 2.0, 0.25


def settings(identity: str, duration: float = DURATION, deadline: float = DEADLINE) -> Any:
    return fast(lease=LeaseSettings(identity=identity, lease_duration_s=duration, renew_deadline_s=deadline,
                                    retry_period_s=RETRY))


def wait_for(condition: Any, timeout: float = 30.0, what: str = "") -> float:
    """Seconds until ``condition()`` held."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < timeout, f"timed out waiting: {what}"
        time.sleep(0.02)
    return time.monotonic() - started


def lease(api: FakeApi) -> dict[str, Any]:
    found = api.get(*LEASE)
    assert found is not None, "no Lease was written"
    return found


def leader_gauge(run: Running) -> float | None:
    return run.metrics.registry.get_sample_value("soc2gate_monitor_leader")


def failing(run: Running) -> float | None:
    """The failing-findings series of K8S-024 in namespace shop (no NetworkPolicy there)."""
    return run.metrics.registry.get_sample_value("soc2gate_monitor_failing_findings",
                                                 {"criterion": "CC6.1", "namespace": "shop", "policy": "K8S-024"})


@pytest.fixture()
def pair(tmp_path: Path):
    """Start monitor `a`, wait until it leads, then start follower `b`, on one server."""
    api = seeded_api()
    server = WatchServer(api, tmp_path)
    started: list[Running] = []

    def evidence(result: Any) -> None:
        record_evidence(result, ScanOptions(), str(tmp_path / "ledger"))

    def start(identity: str) -> Running:
        started.append(Running(tmp_path, api, settings(identity), evidence, server=server, token=identity))
        return started[-1]
    a = start("a")
    wait_for(lambda: bool(a.monitor.history), 60, "the first leader's first cycle")
    b = start("b")
    wait_for(lambda: b.monitor.cache.size() == a.monitor.cache.size(), 60, "the follower's lists")
    yield api, a, b
    for run in started:
        run.close()
    server.close()


def records(tmp_path: Path) -> int:
    """Evidence records in the monitors' ledger (0 before the first is appended)."""
    if not (tmp_path / "ledger/ledger.jsonl").exists():
        return 0
    chain = verify_evidence(str(tmp_path / "ledger")).chains["ledger"]
    assert not chain.problems
    return chain.records


def test_only_the_leader_writes_and_the_lease_reads_like_client_gos(pair, tmp_path: Path) -> None:
    api, a, b = pair
    assert a.monitor.leading() and not b.monitor.leading()
    assert (leader_gauge(a), leader_gauge(b)) == (1.0, 0.0)
    put(api, first_object(GUESTBOOK / "redis-master-deployment.yaml"), "web")
    a.settled(a.has("Deployment", "web", "redis-master"))
    wait_for(b.has("Deployment", "web", "redis-master"), what="the follower's cache is warm")
    assert results(api, "Deployment", "web", "redis-master")
    assert api.writes("a", "policyreports") >= 3 and api.writes("b", "policyreports") == 0
    assert not b.monitor.history, "a follower does not evaluate"
    assert failing(a) == 1.0 and failing(b) is None, "only the leader exports findings"
    found = lease(api)
    spec = found["spec"]
    assert spec["holderIdentity"] == "a" and spec["leaseDurationSeconds"] == DURATION and spec["leaseTransitions"] == 0
    assert datetime.fromisoformat(spec["renewTime"]) >= datetime.fromisoformat(spec["acquireTime"])
    kubernetes_validate.validate(found, kubernetes_validate.latest_version(), strict=True)
    assert api.writes("b", "leases") == 0, "a follower only reads a held lease"
    assert records(tmp_path) == 1, "one full cycle, by the leader: one evidence record"


def test_a_stopped_leader_releases_the_lease_and_the_follower_takes_over_at_once(pair, tmp_path: Path) -> None:
    api, a, b = pair
    stopped = time.monotonic()
    a.close()  # SIGTERM: the lease is released
    assert lease(api)["spec"]["holderIdentity"] in ("", "b")
    wait_for(b.monitor.leading, DURATION * 2, "the follower to lead")
    taken = time.monotonic() - stopped
    assert taken < DURATION, "a released lease is taken without waiting for it to expire"
    spec = lease(api)["spec"]
    assert spec["holderIdentity"] == "b" and spec["leaseTransitions"] == 1 and leader_gauge(b) == 1.0
    put(api, first_object(GUESTBOOK / "redis-master-deployment.yaml"), "shop")
    cycle = b.settled(b.has("Deployment", "shop", "redis-master"))
    assert not cycle.writes.errors and results(api, "Deployment", "shop", "redis-master")
    assert_valid(api)
    assert records(tmp_path) == 2, "the new leader's first cycle is full: it appends"


def test_a_crashed_leaders_lease_is_taken_when_it_expires(pair) -> None:
    api, a, b = pair
    crashed = time.monotonic()
    a.close(release=False)  # a crash: the lease still names `a`
    assert lease(api)["spec"]["holderIdentity"] == "a"
    wait_for(b.monitor.leading, DURATION * 3, "the follower to lead")
    taken = time.monotonic() - crashed
    assert taken >= DURATION - RETRY - 0.1, "the lease was taken before it expired"
    assert lease(api)["spec"]["holderIdentity"] == "b"
    wait_for(lambda: bool(b.monitor.history), 60, "the new leader's full cycle")
    assert b.monitor.history[0].full and not b.monitor.history[0].writes.errors


def test_a_partitioned_leader_steps_down_before_the_lease_expires_and_then_stays_a_follower(pair) -> None:
    api, a, b = pair
    api.blocked.add("a")  # `a` can no longer reach the API server: it cannot renew
    stepped = wait_for(lambda: not a.monitor.leading(), DURATION * 2, "the leader to step down")
    taken = stepped + wait_for(b.monitor.leading, DURATION * 3, "the follower to lead")
    assert stepped <= DEADLINE + 0.5 and taken > stepped, "never two leaders at once"
    assert leader_gauge(a) == 0.0 and leader_gauge(b) == 1.0
    wait_for(lambda: failing(a) is None and failing(b) == 1.0, 60, "the findings series to move to the new leader")
    api.blocked.discard("a")
    before = api.writes("a", "policyreports")
    put(api, first_object(GUESTBOOK / "redis-master-deployment.yaml"), "shop")
    b.settled(b.has("Deployment", "shop", "redis-master"))
    wait_for(a.has("Deployment", "shop", "redis-master"), what="the old leader watches again")
    time.sleep(RETRY * 4)
    assert api.writes("a", "policyreports") == before and not a.monitor.leading()
    assert lease(api)["spec"]["holderIdentity"] == "b"


def test_conflicts_on_the_lease_are_retried_within_the_renew_deadline(tmp_path: Path) -> None:
    api = seeded_api()
    # Three conflicts cost three retry periods (0.75 s); the deadline leaves room for a slow answer on a
    # loaded machine (CI once saw a 1 s read timeout on top of them under a 2 s deadline).
    run = Running(tmp_path, api, settings("solo", duration=12.0, deadline=8.0))
    try:
        wait_for(lambda: run.monitor.leading() and bool(run.monitor.history), 60, "the only replica's first cycle")
        renewed = lease(api)["spec"]["renewTime"]
        api.conflicts_to_inject["leases"] = 3  # three renewals answered 409: someone wrote in between
        wait_for(lambda: lease(api)["spec"]["renewTime"] != renewed and not api.conflicts_to_inject["leases"],
                 8.0, "a renewal after the conflicts")
        assert run.monitor.elector is not None and run.monitor.elector.conflicts == 3
        assert run.monitor.leading() and run.monitor.elector.transitions == 1, "kept the lease"
    finally:
        run.close()


def hold(api: FakeApi, holder: str) -> None:
    """Another replica holds the Lease for an hour (it just renewed it)."""
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    current = api.get(*LEASE) or {"metadata": {"name": LEASE[3], "namespace": LEASE[2]}}
    api.put(*LEASE[:2], {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": current["metadata"],
                         "spec": {"holderIdentity": holder, "leaseDurationSeconds": 3600, "renewTime": now,
                                  "acquireTime": now, "leaseTransitions": 4}})


def test_a_leader_that_sees_another_holder_steps_down_at_once(tmp_path: Path) -> None:
    api = seeded_api()
    run = Running(tmp_path, api, settings("solo"))
    try:
        wait_for(lambda: bool(run.monitor.history), 60, "the first cycle")
        hold(api, "intruder")
        assert wait_for(lambda: not run.monitor.leading(), DEADLINE, "the step down") < DEADLINE / 2
        time.sleep(RETRY * 4)
        assert lease(api)["spec"]["holderIdentity"] == "intruder" and leader_gauge(run) == 0.0
    finally:
        run.close()


def test_a_lease_held_by_another_makes_a_new_candidate_wait(tmp_path: Path) -> None:
    api = seeded_api()
    hold(api, "other")
    run = Running(tmp_path, api, settings("late"))
    try:
        wait_for(lambda: run.monitor.cache.size() > 0, 60, "the lists")
        time.sleep(DURATION + RETRY * 4)
        assert not run.monitor.leading() and not run.monitor.history and api.writes("late", "leases") == 0
        assert reports(api) == [] and lease(api)["spec"]["holderIdentity"] == "other"
    finally:
        run.close()


def test_inconsistent_timings_are_refused() -> None:
    with pytest.raises(ValueError, match="retry period < renew deadline < lease duration"):
        check(LeaseSettings(lease_duration_s=10, renew_deadline_s=10, retry_period_s=2))


def test_audit_watch_is_the_monitor_and_sigterm_releases_the_lease(tmp_path: Path) -> None:
    api = seeded_api()
    server = WatchServer(api, tmp_path)
    command = [sys.executable, "-c", "from soc2gate.cli import main; main()", "audit", "--watch", "--kubeconfig",
               str(server.kubeconfig), "--debounce", "0", "--metrics-port", "0", "--evidence", str(tmp_path / "ledger"),
               "--leader-elect", "--lease-namespace", LEASE[2], "--lease-identity", "cli-1"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: records(tmp_path) == 1, 120, "the first full cycle's evidence")
        assert lease(api)["spec"]["holderIdentity"] == "cli-1"
        assert {r["metadata"]["name"] for r in reports(api)} >= {"soc2gate-shop", "soc2gate-web", "soc2gate-cluster"}
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
        server.close()
    assert process.returncode == 0, stderr
    spec = lease(api)["spec"]
    assert spec["holderIdentity"] == "" and spec["leaseDurationSeconds"] == 1, "released on SIGTERM"


@pytest.mark.parametrize(("extra", "message"), [
    (["--watch", "--format", "json", "--fail-on", "high"],
     "audit --watch writes PolicyReports to the cluster, as `soc2gate monitor` does: --fail-on, --format apply"),
    (["--watch", "--leader-elect", "--renew-deadline", "20"],
     "--leader-elect: leader election needs retry period < renew deadline < lease duration (got 2 s, 20 s, 15 s)"),
    (["--interval", "60", "--evidence", "ledger", "--leader-elect"],
     "--evidence, --interval, --leader-elect: only with --watch (a continuous audit, as `soc2gate monitor`)"),
])
def test_watch_options_that_cannot_work_are_refused(tmp_path: Path, extra: list[str], message: str) -> None:
    command = [sys.executable, "-c", "from soc2gate.cli import main; main()", "audit", "--kubeconfig",
               str(tmp_path / "missing"), *extra]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2 and message in done.stderr, done.stderr


def test_two_monitor_processes_the_killed_leader_is_replaced(tmp_path: Path) -> None:
    api = seeded_api()
    server = WatchServer(api, tmp_path)

    def start(identity: str) -> subprocess.Popen:
        kubeconfig = server.kubeconfig_for(identity, tmp_path / f"kubeconfig-{identity}")
        command = [sys.executable, "-c", "from soc2gate.cli import main; main()", "monitor", "--kubeconfig",
                   str(kubeconfig), "--debounce", "0", "--metrics-port", "0", "--evidence", str(tmp_path / "ledger"),
                   "--leader-elect", "--lease-namespace", LEASE[2], "--lease-identity", identity,
                   "--lease-duration", "3", "--renew-deadline", "2", "--retry-period", "0.25"]
        return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    first = start("p1")
    second = None
    try:
        wait_for(lambda: records(tmp_path) == 1, 120, "the first leader's cycle")
        second = start("p2")
        wait_for(lambda: any(t == "p2" and "/leases/" in path for t, _, path in list(api.calls)), 60,
                 "the second to campaign")
        assert lease(api)["spec"]["holderIdentity"] == "p1" and api.writes("p2", "policyreports") == 0
        first.kill()  # SIGKILL: no release
        first.wait(timeout=30)
        wait_for(lambda: lease(api)["spec"]["holderIdentity"] == "p2", 60, "the second to take the lease")
        wait_for(lambda: records(tmp_path) == 2, 120, "the new leader's full cycle")
        assert api.writes("p2", "policyreports") == 0, "the reports were current: nothing to write"
        put(api, first_object(GUESTBOOK / "redis-master-deployment.yaml"), "web")
        wait_for(lambda: bool(results(api, "Deployment", "web", "redis-master")), 120, "the new leader's write")
        assert api.writes("p2", "policyreports") == 1 and lease(api)["spec"]["leaseTransitions"] == 1
    finally:
        for process in (first, second):
            if process is not None:
                process.kill()
                process.wait(timeout=30)
        server.close()


def test_a_replica_not_allowed_to_use_the_lease_never_writes_and_says_what_to_grant(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    api = seeded_api()
    api.forbidden.add("leases")  # RBAC without the Lease Role
    run = Running(tmp_path, api, settings("unbound"))
    try:
        wait_for(lambda: "grant get/create/update on coordination.k8s.io leases in namespace soc2gate-system"
                 in caplog.text, 60, "the warning")
        assert "lease soc2gate-system/soc2gate-monitor: 403 Forbidden" in caplog.text
        assert not run.monitor.leading() and not run.monitor.history and reports(api) == []
        assert leader_gauge(run) == 0.0
    finally:
        run.close()
