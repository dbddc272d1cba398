"""The monitor's install (examples/kubernetes/webhook/components/monitor, monitor-alerts) rendered with the
real `kubectl kustomize` into the cert-manager overlay, image pinned once in the overlay as docs/monitoring.md
says: Kubernetes objects validate strictly against the OpenAPI schemas, pass soc2gate's own policies, the
ClusterRole grants exactly what the monitor uses, and the alerts use metrics the monitor exports."""

from __future__ import annotations

import functools
import re
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import click
import kubernetes_validate
import pytest
import yaml

from soc2gate.api import ScanOptions, scan
from soc2gate.audit.kinds import RESOURCE_TYPES
from soc2gate.commands import monitor
from soc2gate.config import parse_config
from soc2gate.model import Outcome
from soc2gate.monitor.metrics import MonitorMetrics
from soc2gate.monitor.settings import Chosen, choose
from webhook_install import EXAMPLE_DIGEST, kubectl, objects, prepared_copy

NEWEST = kubernetes_validate.latest_version()


@functools.cache
def installed(replicas: int = 1) -> tuple[dict[str, Any], ...]:
    """The overlay with the monitor; ``replicas`` set as docs/monitoring.md says (the overlay's `replicas:`)."""
    with tempfile.TemporaryDirectory() as directory:
        tree = prepared_copy(Path(directory), digest=None)
        overlay = tree / "overlays/cert-manager/kustomization.yaml"
        document = yaml.safe_load(overlay.read_text())
        document["components"] = ["../../components/monitor", "../../components/monitor-alerts"]
        document["images"] = [{"name": "ghcr.io/soc2gate/soc2gate", "digest": EXAMPLE_DIGEST}]
        if replicas != 1:
            document["replicas"] = [{"name": "soc2gate-monitor", "count": replicas}]
        overlay.write_text(yaml.safe_dump(document, sort_keys=False))
        done = subprocess.run([kubectl(), "kustomize", str(overlay.parent)], capture_output=True, text=True, check=False,
                              timeout=120)
        assert done.returncode == 0, done.stderr
        return tuple(objects(done.stdout))


def monitor_objects(replicas: int = 1) -> list[dict[str, Any]]:
    return [o for o in installed(replicas)
            if (o["metadata"].get("labels") or {}).get("app.kubernetes.io/component") == "monitor"]


def one(kind: str, replicas: int = 1) -> dict[str, Any]:
    found = [o for o in monitor_objects(replicas) if o["kind"] == kind]
    assert len(found) == 1, f"expected one monitor {kind}, found {len(found)}"
    return found[0]


def effective(replicas: int = 1) -> Chosen:
    """The monitor's options as it runs them: the Deployment's args parsed by the real command, then the
    `monitor:` section of the ConfigMap mounted where `--config` points (validated like any config)."""
    pod = one("Deployment", replicas)["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["args"][0] == "monitor"
    ctx = monitor.command.make_context("monitor", list(container["args"][1:]))
    given = {n for n in ctx.params if ctx.get_parameter_source(n) is click.core.ParameterSource.COMMANDLINE}
    config = Path(ctx.params["config_path"])
    mount = next(m for m in container["volumeMounts"] if Path(m["mountPath"]) == config.parent)
    volume = next(v for v in pod["volumes"] if v["name"] == mount["name"])
    configmap = next(o for o in installed(replicas)
                     if o["kind"] == "ConfigMap" and o["metadata"]["name"] == volume["configMap"]["name"])
    parsed = parse_config(configmap["data"][config.name], "configmap")
    return choose(parsed.section("monitor"), ctx.params, given, parsed.path)


def test_the_component_adds_the_monitor_objects() -> None:
    assert sorted(o["kind"] for o in monitor_objects()) == [
        "ClusterRole", "ClusterRoleBinding", "Deployment", "NetworkPolicy", "PrometheusRule", "Role", "RoleBinding",
        "ServiceAccount"]
    assert all(o["metadata"]["namespace"] == "soc2gate-system" for o in monitor_objects()
               if o["kind"] not in ("ClusterRole", "ClusterRoleBinding"))


@pytest.mark.parametrize(("version", "replicas"), [("1.30", 1), (NEWEST, 1), (NEWEST, 2)])
def test_kubernetes_objects_match_the_openapi_schema(version: str, replicas: int) -> None:
    for obj in monitor_objects(replicas):
        if obj["kind"] != "PrometheusRule":
            kubernetes_validate.validate(obj, version, strict=True)


@pytest.mark.parametrize("replicas", [1, 2])
def test_the_install_with_the_monitor_passes_soc2gates_own_policies(tmp_path: Path, replicas: int) -> None:
    manifest = tmp_path / "install.yaml"
    # The PrometheusRule's {{ $labels }} alert templates read as an unrendered template (SYS-001): left out.
    manifest.write_text(yaml.safe_dump_all([o for o in installed(replicas) if o["kind"] != "PrometheusRule"],
                                           sort_keys=False))
    result = scan(ScanOptions(paths=(str(manifest),), use_cache=False))
    judged = [f for f in result.findings if "soc2gate-monitor" in f.resource]
    assert len({f.resource for f in judged}) >= 3, "the monitor's Deployment and RBAC are evaluated"
    assert [f for f in result.findings if f.outcome is not Outcome.PASS] == []


def test_the_cluster_role_grants_read_on_the_watched_kinds_and_report_writes_only() -> None:
    rules = one("ClusterRole")["rules"]
    read = {(group, resource) for rule in rules if rule["verbs"] == ["get", "list", "watch"]
            for group in rule["apiGroups"] for resource in rule["resources"]}
    watched = {(t.group_version.rpartition("/")[0], t.plural) for t in RESOURCE_TYPES}
    assert read == watched
    writes = [rule for rule in rules if rule["verbs"] != ["get", "list", "watch"]]
    assert writes == [{"apiGroups": ["wgpolicyk8s.io"], "resources": ["policyreports", "clusterpolicyreports"],
                       "verbs": ["get", "list", "create", "update", "patch", "delete"]}]
    binding = one("ClusterRoleBinding")
    assert binding["roleRef"]["name"] == one("ClusterRole")["metadata"]["name"]
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": one("ServiceAccount")["metadata"]["name"],
                                    "namespace": one("Deployment")["metadata"]["namespace"]}]


def test_the_lease_role_grants_create_and_get_update_on_the_monitors_lease_in_its_namespace_only() -> None:
    role, binding, deployment = one("Role"), one("RoleBinding"), one("Deployment")
    assert role["metadata"]["namespace"] == binding["metadata"]["namespace"] == deployment["metadata"]["namespace"]
    options = effective().options
    assert options["leader_elect"] is True
    lease = options["lease_name"]
    assert role["rules"] == [
        {"apiGroups": ["coordination.k8s.io"], "resources": ["leases"], "verbs": ["create"]},
        {"apiGroups": ["coordination.k8s.io"], "resources": ["leases"], "resourceNames": [lease],
         "verbs": ["get", "update"]}]
    assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role",
                                  "name": role["metadata"]["name"]}
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": one("ServiceAccount")["metadata"]["name"],
                                    "namespace": deployment["metadata"]["namespace"]}]


@pytest.mark.parametrize("replicas", [1, 2])
def test_replicas_elect_a_leader_and_roll_without_a_gap(replicas: int) -> None:
    deployment = one("Deployment", replicas)
    assert deployment["spec"]["replicas"] == replicas
    assert deployment["spec"]["strategy"] == {"type": "RollingUpdate",
                                              "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert effective(replicas).options["leader_elect"] is True
    env = {e["name"]: e.get("valueFrom", {}).get("fieldRef", {}).get("fieldPath") for e in container["env"]}
    assert env["POD_NAME"] == "metadata.name" and env["POD_NAMESPACE"] == "metadata.namespace"


def test_the_deployment_runs_the_monitor_in_cluster_with_its_metrics_port_open() -> None:
    deployment = one("Deployment")
    pod = deployment["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["args"][:2] == ["monitor", "--in-cluster"] and "--metrics-port=9090" in container["args"]
    options = effective().options
    assert options["in_cluster"] and options["interval"] == 600 and options["metrics_port"] == 9090
    assert container["image"] == f"ghcr.io/soc2gate/soc2gate@{EXAMPLE_DIGEST}"
    assert pod["serviceAccountName"] == one("ServiceAccount")["metadata"]["name"]
    assert pod["automountServiceAccountToken"] is False
    token = next(v for v in pod["volumes"] if v["name"] == "api-token")["projected"]["sources"]
    assert {"token", "ca.crt", "namespace"} <= {s.get("serviceAccountToken", {}).get("path") for s in token} | {
        i["path"] for s in token for i in (s.get("configMap") or s.get("downwardAPI") or {}).get("items", [])}
    ingress = one("NetworkPolicy")["spec"]["ingress"]
    assert ingress == [{"ports": [{"protocol": "TCP", "port": container["ports"][0]["containerPort"]}]}]
    webhook = next(o for o in installed() if o["kind"] == "Deployment" and o["metadata"]["name"] == "soc2gate-webhook")
    assert webhook["spec"]["template"]["spec"]["containers"][0]["image"] == container["image"], "pinned once"


def test_the_alerts_use_exported_metrics_and_name_criterion_policy_object_and_remediation() -> None:
    rule = one("PrometheusRule")
    alerts = {r["alert"]: r for group in rule["spec"]["groups"] for r in group["rules"]}
    assert set(alerts) == {"SOC2ControlStartedFailing", "SOC2ControlStillFailing", "SOC2MonitoringStale"}
    exported = {m.name for m in MonitorMetrics().registry.collect()}
    for alert in alerts.values():
        used = set(re.findall(r"soc2gate_monitor_[a-z_]+", alert["expr"]))
        assert used and used <= exported, used - exported
        assert alert["annotations"]["runbook_url"].endswith("docs/monitoring.md#" + _anchor(alert["alert"]))
    for name in ("SOC2ControlStartedFailing", "SOC2ControlStillFailing"):
        text = " ".join(alerts[name]["annotations"].values())
        for label in ("criteria", "policy", "resource", "namespace"):
            assert "$labels." + label in text, (name, label)
        assert "Remediation:" in text and "docs/policies.md#{{ $labels.policy | toLower }}" in text
    assert "absent(" in alerts["SOC2MonitoringStale"]["expr"]


def _anchor(alert: str) -> str:
    """The docs/monitoring.md section each alert links to (the heading must exist)."""
    headings = {"SOC2ControlStartedFailing": "A control started failing",
                "SOC2ControlStillFailing": "A control still failing", "SOC2MonitoringStale": "Monitoring is stale"}
    docs = (Path(__file__).resolve().parent.parent / "docs/monitoring.md").read_text()
    assert f"### {headings[alert]}" in docs, f"docs/monitoring.md has no section for {alert}"
    return headings[alert].lower().replace(" ", "-")
