"""`soc2gate monitor` against a loopback HTTPS server speaking the Kubernetes list/watch protocol.

The real kubernetes client lists, then watches (chunked streams, bookmarks, 410 Gone after
compaction), and writes PolicyReports that must converge (409 conflicts, deleted objects) and
validate against the CRDs in ../shared/reference/policyreport. Objects are real manifests.
"""

from __future__ import annotations

import copy
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from admission_reviews import as_stored, first_object, manifest_objects
from conftest import CORPORA, require_shared
from kube_watch_server import TOKEN, FakeApi, WatchServer
from soc2gate.api import (
    Gate,
    ScanOptions,
    evidence_report,
    record_evidence,
    verify_evidence,
)
from soc2gate.audit.cluster import ClusterTarget, connect
from soc2gate.monitor.loop import CONNECTIONS, Monitor, MonitorSettings
from soc2gate.monitor.metrics import MonitorMetrics
from soc2gate.monitor.watcher import WatchSettings
from test_policyreport import _schema

REAL = CORPORA / "real"
GOAT = REAL / "kubernetes-goat/scenarios"
GUESTBOOK = REAL / "kubernetes-examples/web/guestbook"
REPORTS = "wgpolicyk8s.io/v1alpha2"
GV = {"Deployment": ("apps/v1", "deployments"), "Service": ("v1", "services"), "Namespace": ("v1", "namespaces"),
      "NetworkPolicy": ("networking.k8s.io/v1", "networkpolicies"), "ServiceAccount": ("v1", "serviceaccounts"),
      "ClusterRoleBinding": ("rbac.authorization.k8s.io/v1", "clusterrolebindings")}


def put(api: FakeApi, obj: dict[str, Any], namespace: str = "") -> dict[str, Any]:
    gv, plural = GV[obj["kind"]]
    return api.put(gv, plural, as_stored(obj, namespace))


def seeded_api() -> FakeApi:
    require_shared()
    api = FakeApi()
    for name in ("shop", "web"):
        put(api, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
    put(api, first_object(GOAT / "health-check/deployment.yaml", "Deployment"), "shop")
    put(api, first_object(GUESTBOOK / "frontend-deployment.yaml"), "web")
    put(api, first_object(GUESTBOOK / "frontend-service.yaml"), "web")
    for obj in manifest_objects(GOAT / "insecure-rbac/setup.yaml"):
        put(api, obj, obj.get("metadata", {}).get("namespace", "default"))
    return api


class Running:
    """A Monitor in a thread against the loopback server, with helpers to wait for its cycles."""

    def __init__(self, tmp_path: Path, api: FakeApi, settings: MonitorSettings,
                 on_full_cycle: Callable | None = None, server: WatchServer | None = None, token: str = TOKEN) -> None:
        """``server``: shared with other monitors (each with its own ``token``), else one of its own."""
        self.api, self.owns_server, self.token = api, server is None, token
        self.server = server or WatchServer(api, tmp_path)
        kubeconfig = self.server.kubeconfig_for(token, tmp_path / f"kubeconfig-{token}")
        cluster = connect(ClusterTarget(kubeconfig=str(kubeconfig), connections=CONNECTIONS))
        self.metrics = MonitorMetrics()
        self.monitor = Monitor(cluster, lambda: Gate.load(ScanOptions(use_cache=False)), settings, self.metrics,
                               on_full_cycle)
        self.thread = threading.Thread(target=self.monitor.run, daemon=True)
        self.thread.start()

    def settled(self, changed: Callable[[], bool], timeout: float = 60.0) -> Any:
        """Wait until the cache shows the change, then return the first cycle that evaluated it."""
        deadline = time.monotonic() + timeout
        while not changed():
            assert self.thread.is_alive() and time.monotonic() < deadline, "the watch never delivered the change"
            time.sleep(0.05)
        generation = self.monitor.cache.generation
        while True:
            done = [c for c in list(self.monitor.history) if c.generation >= generation]
            if done:
                return done[0]
            assert self.thread.is_alive() and time.monotonic() < deadline, "no cycle evaluated the change"
            time.sleep(0.05)

    def has(self, kind: str, namespace: str, name: str, present: bool = True) -> Callable[[], bool]:
        def check() -> bool:
            objects, _, _ = self.monitor.cache.snapshot()
            names = {((o["metadata"].get("namespace") or ""), o["metadata"]["name"]) for o in objects.get(kind, [])}
            return ((namespace, name) in names) is present
        return check

    def close(self, release: bool = True) -> None:
        self.monitor.shutdown(release)
        self.thread.join(timeout=30)
        if self.owns_server:
            self.server.close()


def fast(**overrides: Any) -> MonitorSettings:
    watch = WatchSettings(resync_s=600, watch_timeout_s=overrides.pop("watch_timeout_s", 30), max_backoff_s=1)
    return MonitorSettings(**{"interval_s": 600, "debounce_s": 0.1, "qps": 0, "watch": watch, **overrides})


@pytest.fixture()
def running(tmp_path: Path):
    started: list[Running] = []

    def start(api: FakeApi | None = None, **overrides: Any) -> Running:
        on_full_cycle = overrides.pop("on_full_cycle", None)
        started.append(Running(tmp_path, api or seeded_api(), fast(**overrides), on_full_cycle))
        return started[-1]
    yield start
    for run in started:
        run.close()


def reports(api: FakeApi) -> list[dict[str, Any]]:
    return [copy.deepcopy(o) for plural in ("policyreports", "clusterpolicyreports")
            for o in api.objects.get((REPORTS, plural), {}).values()]


def results(api: FakeApi, kind: str, namespace: str, name: str) -> dict[str, str]:
    """policy -> result for one object, from every stored report."""
    found = {}
    for report in reports(api):
        for entry in report["results"]:
            ref = (entry.get("resources") or [{}])[0]
            if (ref.get("kind"), ref.get("namespace", ""), ref.get("name")) == (kind, namespace, name):
                found[entry["policy"]] = entry["result"]
    return found


def assert_valid(api: FakeApi) -> None:
    stored = reports(api)
    assert stored
    for report in stored:
        jsonschema.validate(report, _schema(report["kind"]))
        assert report["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "soc2gate"


def test_created_changed_and_deleted_objects_are_reflected_within_one_cycle(running) -> None:
    run = running()
    first = run.settled(lambda: bool(run.monitor.history))
    assert first.full and not first.writes.errors and first.writes.created >= 3
    assert_valid(run.api)
    health = results(run.api, "Deployment", "shop", "health-check-deployment")
    assert health["K8S-001"] == "fail", health  # privileged in the real goat manifest
    assert results(run.api, "ClusterRoleBinding", "", "superadmin")["K8S-022"] == "fail"

    redis = first_object(GUESTBOOK / "redis-master-deployment.yaml")
    put(run.api, redis, "web")
    cycle = run.settled(run.has("Deployment", "web", "redis-master"))
    assert not cycle.full and results(run.api, "Deployment", "web", "redis-master"), "created: in the next cycle"

    hardened = copy.deepcopy(first_object(GOAT / "health-check/deployment.yaml", "Deployment"))
    for container in hardened["spec"]["template"]["spec"]["containers"]:
        container["securityContext"] = {"privileged": False, "allowPrivilegeEscalation": False}
    stored = put(run.api, hardened, "shop")
    version = stored["metadata"]["resourceVersion"]
    run.settled(lambda: any(o["metadata"].get("resourceVersion") == version
                            for o in run.monitor.cache.snapshot()[0]["Deployment"]))
    assert results(run.api, "Deployment", "shop", "health-check-deployment")["K8S-001"] == "pass"

    run.api.delete("apps/v1", "deployments", "shop", "health-check-deployment")
    run.settled(run.has("Deployment", "shop", "health-check-deployment", present=False))
    assert results(run.api, "Deployment", "shop", "health-check-deployment") == {}
    assert_valid(run.api)


def test_a_namespace_left_empty_loses_its_report(running) -> None:
    run = running()
    run.settled(lambda: bool(run.monitor.history))
    assert "soc2gate-shop" in {r["metadata"]["name"] for r in reports(run.api)}
    run.api.delete("apps/v1", "deployments", "shop", "health-check-deployment")
    cycle = run.settled(run.has("Deployment", "shop", "health-check-deployment", present=False))
    assert cycle.writes.deleted >= 1
    assert "soc2gate-shop" not in {r["metadata"]["name"] for r in reports(run.api)}


def test_a_network_policy_added_makes_its_namespace_workloads_pass(running) -> None:
    run = running()
    run.settled(lambda: bool(run.monitor.history))
    assert results(run.api, "Deployment", "web", "frontend")["K8S-024"] == "fail"
    deny = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": "default-deny"}, "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}}
    put(run.api, deny, "web")
    run.settled(run.has("NetworkPolicy", "web", "default-deny"))
    assert run.monitor.evaluator.evaluated == 1, "only the namespace that changed is evaluated again"
    assert results(run.api, "Deployment", "web", "frontend")["K8S-024"] == "pass"
    assert results(run.api, "Deployment", "shop", "health-check-deployment")["K8S-024"] == "fail"


def test_compaction_410_relists_and_finds_what_the_watch_missed(running) -> None:
    run = running()
    run.settled(lambda: bool(run.monitor.history))
    missed = as_stored(first_object(GUESTBOOK / "redis-replica-deployment.yaml"), "web")
    with run.api.lock:  # written, then the event log compacted away: only a re-list can see it
        run.api.rv += 1
        missed["metadata"]["resourceVersion"] = str(run.api.rv)
        run.api.objects[("apps/v1", "deployments")][("web", "redis-replica")] = missed
        run.api.compact()
    run.settled(run.has("Deployment", "web", "redis-replica"))
    assert results(run.api, "Deployment", "web", "redis-replica")
    deployments = next(w for w in run.monitor.watchers if w.rtype.kind == "Deployment")
    assert deployments.expired >= 1 and deployments.lists >= 2
    assert any("watch=true" in r and "allowWatchBookmarks=true" in r for r in run.api.requests)


def test_reports_are_written_by_server_side_apply_and_taken_back_from_another_manager(running) -> None:
    run = running()
    first = run.settled(lambda: bool(run.monitor.history))
    assert first.writes.applied == first.writes.created >= 3 and not first.writes.errors
    writes = [r for r in run.api.requests if "policyreports" in r and not r.startswith(("GET", "DELETE"))]
    assert writes and all(r.startswith("PATCH") and "fieldManager=soc2gate" in r and "force=true" in r for r in writes)
    for report in reports(run.api):
        assert [m["manager"] for m in report["metadata"]["managedFields"]] == ["soc2gate"]
    shop = run.api.get(REPORTS, "policyreports", "shop", "soc2gate-shop")
    shop["results"], shop["metadata"]["managedFields"] = [], [{"manager": "kubectl", "operation": "Apply"}]
    run.api.put(REPORTS, "policyreports", shop)  # someone else applied the report: force takes it back
    put(run.api, first_object(GUESTBOOK / "redis-master-deployment.yaml"), "shop")
    cycle = run.settled(run.has("Deployment", "shop", "redis-master"))
    assert cycle.writes.applied == cycle.writes.replaced >= 1 and not cycle.writes.errors
    assert results(run.api, "Deployment", "shop", "redis-master")["K8S-001"]
    assert results(run.api, "Deployment", "shop", "health-check-deployment")["K8S-001"] == "fail"
    stored = run.api.get(REPORTS, "policyreports", "shop", "soc2gate-shop")
    assert [m["manager"] for m in stored["metadata"]["managedFields"]] == ["soc2gate"]
    assert_valid(run.api)


def test_a_server_without_apply_gets_create_and_replace_and_conflicts_converge(running) -> None:
    api = seeded_api()
    api.apply_supported = False  # answers 415 to application/apply-patch+yaml, as servers before 1.16 do
    run = running(api)
    first = run.settled(lambda: bool(run.monitor.history))
    assert not run.monitor.writer.server_side_apply and first.writes.applied == 0
    assert first.writes.created >= 3 and not first.writes.errors
    run.api.conflicts_to_inject["policyreports"] = 3
    put(run.api, first_object(GUESTBOOK / "redis-master-deployment.yaml"), "shop")
    cycle = run.settled(run.has("Deployment", "shop", "redis-master"))
    assert cycle.writes.conflicts == 3 and cycle.writes.replaced == 1 and not cycle.writes.errors
    assert results(run.api, "Deployment", "shop", "redis-master")
    assert sum(r.startswith("PATCH") for r in run.api.requests) == 1, "apply is tried once, then never again"
    assert_valid(run.api)


def test_metrics_and_one_evidence_record_per_full_cycle(running, tmp_path: Path) -> None:
    ledger = tmp_path / "ledger"

    def evidence(result: Any) -> None:
        record_evidence(result, ScanOptions(), str(ledger))
    run = running(interval_s=1.0, cycles=3, on_full_cycle=evidence)
    httpd, _ = run.metrics.serve(0, "127.0.0.1")
    run.thread.join(timeout=120)
    assert not run.thread.is_alive() and [c.full for c in run.monitor.history] == [True, True, True]
    body = urllib.request.urlopen(f"http://127.0.0.1:{httpd.server_port}/metrics", timeout=10).read().decode()
    httpd.shutdown()
    assert 'soc2gate_monitor_failing_findings{criterion="CC6.1",namespace="shop",policy="K8S-024"} 1.0' in body
    assert "soc2gate_monitor_objects_watched 7.0" in body
    assert ('soc2gate_monitor_failing_resource{criteria="CC6.1,CC6.2,CC6.3",namespace="",policy="K8S-022",'
            'resource="ClusterRoleBinding/superadmin",severity="high"} 1.0') in body
    assert "soc2gate_monitor_evaluation_seconds_count 3.0" in body
    last = float(next(line.split()[1] for line in body.splitlines()
                      if line.startswith("soc2gate_monitor_last_full_cycle_timestamp_seconds ")))
    assert abs(last - time.time()) < 600
    chain = verify_evidence(str(ledger)).chains["ledger"]
    assert chain.records == 3 and not chain.problems
    report = evidence_report(str(ledger), None, None)
    assert report["runs"] == 3 and report["integrity"]["ok"]
    cc61 = next(c for c in report["controls"] if c["id"] == "CC6.1")
    assert cc61["runs"] == 3 and cc61["failed"] == 3, cc61


def test_cli_monitor_writes_reports_and_evidence(tmp_path: Path) -> None:
    api = seeded_api()
    server = WatchServer(api, tmp_path)
    try:
        command = [sys.executable, "-c", "from soc2gate.cli import main; main()", "monitor", "--kubeconfig",
                   str(server.kubeconfig), "--interval", "5", "--debounce", "0", "--metrics-port", "0",
                   "--evidence", str(tmp_path / "ledger"), "--cycles", "2"]
        done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    finally:
        server.close()
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("evidence record #") == 2, done.stderr
    assert {r["metadata"]["name"] for r in reports(api)} >= {"soc2gate-shop", "soc2gate-web", "soc2gate-cluster"}
    assert verify_evidence(str(tmp_path / "ledger")).chains["ledger"].records == 2


def test_audit_format_policyreport_gives_the_same_reports(tmp_path: Path) -> None:
    api = seeded_api()
    server = WatchServer(api, tmp_path)
    try:
        command = [sys.executable, "-c", "from soc2gate.cli import main; main()", "audit", "--kubeconfig",
                   str(server.kubeconfig), "--format", "policyreport"]
        done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    finally:
        server.close()
    assert done.returncode == 1, done.stderr
    documents = list(yaml.safe_load_all(done.stdout))
    assert {d["metadata"]["name"] for d in documents} == {"soc2gate-shop", "soc2gate-web", "soc2gate-cluster"}
    for document in documents:
        jsonschema.validate(document, _schema(document["kind"]))
    shop = next(d for d in documents if d["metadata"]["name"] == "soc2gate-shop")
    assert any(r["policy"] == "K8S-001" and r["result"] == "fail" for r in shop["results"])
