"""`soc2gate monitor` re-evaluates only what changed, with what it relates to, and stays exact.

Against the loopback list/watch server (tests/kube_watch_server.py) with real manifests: a changed
Deployment is the only object evaluated again; a NetworkPolicy or ServiceAccount added, changed or
deleted re-evaluates the workloads of its namespace (K8S-024, K8S-019) and nothing else; after a
sequence of such changes the monitor's results equal a one-shot `soc2gate audit` of the same cluster.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from admission_reviews import first_object
from soc2gate.api import Gate, ScanOptions
from soc2gate.audit.cluster import ClusterTarget
from soc2gate.audit.run import AuditOptions, audit
from soc2gate.model import Result
from test_monitor import GOAT, GUESTBOOK, put, reports, results, running, seeded_api  # noqa: F401 - fixture

NP = ("networking.k8s.io/v1", "networkpolicies")


def network_policy(name: str, selector: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": name},
            "spec": {"podSelector": selector, "policyTypes": ["Ingress"]}}


def message(api: Any, kind: str, namespace: str, name: str, policy: str) -> str:
    for report in reports(api):
        for entry in report["results"]:
            ref = (entry.get("resources") or [{}])[0]
            if (ref.get("kind"), ref.get("namespace", ""), ref.get("name"), entry["policy"]) == (
                    kind, namespace, name, policy):
                return str(entry.get("message", ""))
    raise AssertionError(f"no {policy} result for {kind}/{namespace}/{name}")


def in_namespace(run: Any, namespace: str) -> int:
    objects, _, _ = run.monitor.cache.snapshot()
    return sum(1 for kind, items in objects.items() if kind != "Namespace"
               for o in items if o["metadata"].get("namespace") == namespace)


def outcomes(result: Result) -> set[tuple[str, str, str, str]]:
    return {(f.policy_id, f.resource, f.outcome.value, f.message) for f in result.findings
            if not f.policy_id.startswith("SYS-")}


def changed(run: Any, stored: dict[str, Any]) -> Any:
    """The first cycle that evaluated ``stored`` (its resourceVersion in the cache)."""
    kind, version = stored["kind"], stored["metadata"]["resourceVersion"]
    return run.settled(lambda: any(o["metadata"].get("resourceVersion") == version
                                   for o in run.monitor.cache.snapshot()[0].get(kind, [])))


def test_a_first_network_policy_changes_every_namespace_message(running) -> None:
    run = running()
    run.settled(lambda: bool(run.monitor.history))
    assert "no NetworkPolicy is in the scanned manifests" in message(
        run.api, "Deployment", "shop", "health-check-deployment", "K8S-024")
    put(run.api, network_policy("default-deny", {}), "web")
    run.settled(run.has("NetworkPolicy", "web", "default-deny"))
    assert results(run.api, "Deployment", "web", "frontend")["K8S-024"] == "pass"
    shop = message(run.api, "Deployment", "shop", "health-check-deployment", "K8S-024")
    assert "no NetworkPolicy in namespace shop selects its pods" in shop, "judged as in one evaluation of all"


def test_changes_re_evaluate_only_their_relations_and_stay_exact(running, tmp_path: Path) -> None:
    api = seeded_api()
    put(api, network_policy("nothing", {"matchLabels": {"app": "none"}}), "shop")
    run = running(api)
    run.settled(lambda: bool(run.monitor.history))
    assert results(api, "Deployment", "web", "frontend")["K8S-024"] == "fail"

    frontend = copy.deepcopy(first_object(GUESTBOOK / "frontend-deployment.yaml"))
    frontend["spec"]["template"]["spec"]["containers"][0]["securityContext"] = {"privileged": True}
    changed(run, put(api, frontend, "web"))
    assert run.monitor.evaluator.evaluated == 1, "a changed workload is evaluated alone"
    assert results(api, "Deployment", "web", "frontend")["K8S-001"] == "fail"
    assert results(api, "Deployment", "shop", "health-check-deployment")["K8S-001"] == "fail"

    changed(run, put(api, network_policy("default-deny", {}), "web"))
    assert run.monitor.evaluator.evaluated == in_namespace(run, "web"), "a NetworkPolicy: its namespace"
    assert results(api, "Deployment", "web", "frontend")["K8S-024"] == "pass"
    account = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default"},
               "automountServiceAccountToken": False}
    assert results(api, "Deployment", "web", "frontend")["K8S-019"] == "fail"
    changed(run, put(api, account, "web"))
    assert results(api, "Deployment", "web", "frontend")["K8S-019"] == "pass"
    frontend["spec"]["template"]["spec"]["containers"][0]["securityContext"] = {"privileged": False}
    changed(run, put(api, frontend, "web"))
    assert run.monitor.evaluator.evaluated == 1, "evaluated alone, with its namespace's relations"
    assert {p: results(api, "Deployment", "web", "frontend")[p] for p in ("K8S-001", "K8S-019", "K8S-024")} == {
        "K8S-001": "pass", "K8S-019": "pass", "K8S-024": "pass"}

    changed(run, put(api, network_policy("default-deny", {"matchLabels": {"app": "other"}}), "web"))
    assert results(api, "Deployment", "web", "frontend")["K8S-024"] == "fail"
    assert "no NetworkPolicy in namespace web selects" in message(api, "Deployment", "web", "frontend", "K8S-024")

    labels = first_object(GOAT / "health-check/deployment.yaml", "Deployment")["spec"]["template"]["metadata"]
    changed(run, put(api, network_policy("nothing", {"matchLabels": labels["labels"]}), "shop"))
    assert run.monitor.evaluator.evaluated == in_namespace(run, "shop")
    assert results(api, "Deployment", "shop", "health-check-deployment")["K8S-024"] == "pass"
    assert results(api, "Deployment", "web", "frontend")["K8S-024"] == "fail", "other namespaces unchanged"

    api.delete(*NP, "web", "default-deny")
    last = run.settled(run.has("NetworkPolicy", "web", "default-deny", present=False))
    assert results(api, "Deployment", "web", "frontend")["K8S-024"] == "fail"
    one_shot = audit(AuditOptions(target=ClusterTarget(kubeconfig=str(run.server.kubeconfig))),
                     Gate.load(ScanOptions(use_cache=False)))
    assert outcomes(last.result) == outcomes(one_shot)
