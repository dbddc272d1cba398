"""`soc2gate audit` against a loopback HTTPS server replaying Kubernetes API list responses.

The real kubernetes client talks real HTTPS (certificate from a CA made here), with a bearer
token from a kubeconfig, paginates with continue tokens, restarts a list whose token expired,
and meets a 403 on NetworkPolicies that must surface as a failing SYS-002 error.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from admission_reviews import first_object, manifest_objects
from conftest import CORPORA, require_shared
from kube_api_replay import TOKEN, ReplayServer, ReplayState, authorized, stored

REAL = CORPORA / "real"
EMPTY = [("apps/v1", "StatefulSet", "statefulsets"), ("apps/v1", "DaemonSet", "daemonsets"),
         ("batch/v1", "CronJob", "cronjobs"), ("v1", "ReplicationController", "replicationcontrollers"),
         ("rbac.authorization.k8s.io/v1", "Role", "roles"), ("rbac.authorization.k8s.io/v1", "RoleBinding", "rolebindings"),
         ("rbac.authorization.k8s.io/v1", "ClusterRole", "clusterroles"),
         ("networking.k8s.io/v1", "NetworkPolicy", "networkpolicies")]
PLURAL = {"Deployment": "deployments", "ReplicaSet": "replicasets", "Pod": "pods", "Service": "services",
          "Job": "jobs", "Ingress": "ingresses", "ServiceAccount": "serviceaccounts", "Namespace": "namespaces",
          "ClusterRoleBinding": "clusterrolebindings"}


def _controlled(state: ReplayState, deployment: dict, namespace: str) -> None:
    """A Deployment with the ReplicaSet and Pods its controllers made, owner references included."""
    deploy = stored(deployment, namespace)
    state.add("apps/v1", "Deployment", "deployments", deploy)
    owner = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": deploy["metadata"]}
    template = deployment["spec"]["template"]
    replicaset = stored({"metadata": {"name": deploy["metadata"]["name"] + "-7d9f8b6c5d",
                                      "labels": template["metadata"].get("labels", {})},
                         "spec": {"replicas": 1, "selector": deployment["spec"]["selector"], "template": template}},
                        namespace, owner)
    state.add("apps/v1", "ReplicaSet", "replicasets", replicaset)
    rs_owner = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": replicaset["metadata"]}
    for suffix in ("x2k9p", "q8m4t"):
        pod = stored({"metadata": {"name": f"{replicaset['metadata']['name']}-{suffix}",
                                   "labels": template["metadata"].get("labels", {})},
                      "spec": template["spec"], "status": {"phase": "Running"}}, namespace, rs_owner)
        state.add("v1", "Pod", "pods", pod)


def cluster_state() -> ReplayState:
    state = ReplayState()
    for name in ("payments", "web", "kube-system"):
        state.add("v1", "Namespace", "namespaces", stored({"metadata": {"name": name}}, None))
    goat = REAL / "kubernetes-goat/scenarios"
    _controlled(state, first_object(goat / "health-check/deployment.yaml", "Deployment"), "payments")
    _controlled(state, first_object(REAL / "kubernetes-examples/web/guestbook/frontend-deployment.yaml"), "web")
    _controlled(state, first_object(goat / "system-monitor/deployment.yaml", "Deployment"), "kube-system")
    loose = [(goat / "health-check/deployment.yaml", "payments"), (goat / "batch-check/job.yaml", "web"),
             (REAL / "kubernetes-examples/web/guestbook/frontend-service.yaml", "web"),
             (REAL / "kubernetes-examples/databases/mysql-cinder-pd/mysql.yaml", "web"),
             (REAL / "kubernetes-examples/AI/model-serving-tensorflow/ingress.yaml", "web"),
             (goat / "insecure-rbac/setup.yaml", "kube-system")]
    for path, namespace in loose:
        for obj in manifest_objects(path):
            if obj["kind"] in PLURAL and obj["kind"] != "Deployment":
                scoped = None if obj["kind"] == "ClusterRoleBinding" else obj.get("metadata", {}).get("namespace", namespace)
                state.add(obj["apiVersion"], obj["kind"], PLURAL[obj["kind"]], stored(obj, scoped))
    for api_version, kind, plural in EMPTY:
        state.empty(api_version, kind, plural, ("payments", "web", "kube-system"))
    state.empty("v1", "ServiceAccount", "serviceaccounts", ("payments", "web"))
    state.forbidden.add("/networkpolicies")
    state.expire_first_continue.add("/apis/apps/v1/deployments")
    return state


@pytest.fixture()
def cluster(tmp_path: Path):
    require_shared()
    state = cluster_state()
    server = ReplayServer(state, tmp_path)
    yield server, state, server.kubeconfig(tmp_path / "kubeconfig")
    server.close()


def run_audit(*args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-c", "from soc2gate.cli import main; main()", "audit", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def test_audit_lists_paginates_and_evaluates_the_cluster(cluster, tmp_path: Path) -> None:
    server, state, kubeconfig = cluster
    report = tmp_path / "audit.json"
    done = run_audit("--kubeconfig", str(kubeconfig), "--context", "replay-prod", "--page-size", "2",
                     "--exclude-namespace", "kube-system", "--format", "json", "--output", str(report),
                     "--format", "text")
    assert done.returncode == 1, done.stderr
    data = json.loads(report.read_text())
    failures = {(f["policy"], f["resource"]) for f in data["findings"] if f["outcome"] == "fail"}
    assert ("K8S-001", "Deployment/payments/health-check-deployment") in failures
    assert any(policy == "K8S-022" and resource == "ClusterRoleBinding/superadmin" for policy, resource in failures)
    assert not any(resource.startswith(("Pod/payments/health-check-deployment-", "ReplicaSet/"))
                   for _, resource in failures), "controller-managed objects are judged through their controller"
    assert not any("/kube-system/" in resource for _, resource in failures if not resource.startswith("Cluster"))
    errors = [f for f in data["findings"] if f["outcome"] == "error"]
    assert len(errors) == 1 and errors[0]["policy"] == "SYS-002"
    assert "networkpolicies.networking.k8s.io" in errors[0]["message"] and "403 Forbidden" in errors[0]["message"]
    assert "cannot list resource" in errors[0]["message"] and errors[0]["file"].endswith("/networkpolicies")
    inputs = {i["path"]: i for i in data["inputs"]}
    deployments = inputs["k8s://replay-prod/apis/apps/v1/deployments"]
    assert deployments["resources"] == 3 and len(deployments["sha256"]) == 64
    reasons = " ".join(s["reason"] for s in data["skipped"])
    assert "managed by a listed Deployment" in reasons and "managed by a listed ReplicaSet" in reasons
    assert "excluded namespace" in reasons
    assert data["extras"]["cluster"] == {"context": "replay-prod", "server": server.url, "namespace": "*"}
    continued = [q for path, q, _ in state.requests if path == "/api/v1/pods" and "continue" in q]
    assert len(continued) >= 2 and all(q["limit"] == ["2"] for path, q, _ in state.requests if path == "/api/v1/pods")
    assert all(auth == f"Bearer {TOKEN}" for _, _, auth in state.requests)
    restarted = [q for path, q, _ in state.requests if path == "/apis/apps/v1/deployments"]
    assert len(restarted) == 4 and "continue" not in restarted[2]  # page 1, expired page 2, restart, page 2
    assert "SYS-002" in done.stdout and "FAILED" in done.stdout


def test_namespace_scope_lists_only_that_namespace(cluster, tmp_path: Path) -> None:
    server, state, kubeconfig = cluster
    done = run_audit("--kubeconfig", str(kubeconfig), "--context", "replay-prod", "-n", "web", "--format", "json")
    data = json.loads(done.stdout)
    namespaced = [path for path, _, _ in state.requests if "/namespaces/" in path]
    assert namespaced and all("/namespaces/web/" in path for path in namespaced)
    assert not any(path.endswith(("/clusterroles", "/clusterrolebindings")) for path, _, _ in state.requests)
    assert {f["resource"].split("/")[1] for f in data["findings"] if f["outcome"] != "error"} == {"web"}
    assert any("cluster-scoped ClusterRoleBinding" in s["reason"] for s in data["skipped"])
    assert data["extras"]["cluster"]["namespace"] == "web"


def test_rejected_credentials_and_unreachable_server_are_clear_errors(cluster, tmp_path: Path) -> None:
    server, state, kubeconfig = cluster
    stale = run_audit("--kubeconfig", str(kubeconfig))  # current-context has an expired token
    assert stale.returncode == 2 and "401 Unauthorized" in stale.stderr and "context `stale`" in stale.stderr
    server.close()
    gone = run_audit("--kubeconfig", str(kubeconfig), "--context", "replay-prod", "--request-timeout", "5")
    assert gone.returncode == 2 and "cannot reach the Kubernetes API server" in gone.stderr
    missing = run_audit("--kubeconfig", str(kubeconfig), "--context", "nope")
    assert missing.returncode == 2 and "context `nope`" in missing.stderr


def test_in_cluster_configuration_uses_the_service_account(cluster, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from kubernetes.config import incluster_config

    from soc2gate.api import ScanOptions
    from soc2gate.audit.cluster import ClusterTarget
    from soc2gate.audit.run import AuditOptions, audit

    server, state, _ = cluster
    (tmp_path / "token").write_text(TOKEN)
    monkeypatch.setattr(incluster_config, "SERVICE_TOKEN_FILENAME", str(tmp_path / "token"))
    monkeypatch.setattr(incluster_config, "SERVICE_CERT_FILENAME", str(server.ca_file))
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "127.0.0.1")
    monkeypatch.setenv("KUBERNETES_SERVICE_PORT", server.url.rsplit(":", 1)[1])
    result = audit(AuditOptions(ClusterTarget(in_cluster=True, namespace="payments"), ScanOptions()))
    assert result.extras["cluster"]["context"] == "in-cluster"
    assert any(f.policy_id == "K8S-001" and f.resource == "Deployment/payments/health-check-deployment"
               for f in result.findings)
    assert state.requests and all(authorized(auth) for _, _, auth in state.requests)
