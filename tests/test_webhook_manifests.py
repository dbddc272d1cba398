"""The webhook install (examples/kubernetes/webhook): both overlays rendered with the real `kubectl kustomize`.

Kubernetes kinds are validated against the Kubernetes OpenAPI-derived JSON schemas shipped by
kubernetes-validate, strict (unknown fields rejected), for the minimum supported version (1.30, the
first with GA matchConditions) and the newest schema. cert-manager kinds, which no package ships
schemas for, are checked against the subset of the cert-manager.io/v1 CRD schema they use. The rendered
install (image pinned by digest, as docs/webhook.md says) passes soc2gate's own policies.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from soc2gate.api import ScanOptions, scan
from soc2gate.config import parse_config
from soc2gate.model import Outcome
from webhook_install import OVERLAYS, objects, prepared_copy, render, rendered

MINIMUM, NEWEST = "1.30", kubernetes_validate.latest_version()
CERT_MANAGER = {"Issuer", "Certificate"}


def objects_of(overlay: str, kind: str) -> list[dict[str, Any]]:
    return [obj for obj in rendered(overlay) if obj["kind"] == kind]


def one(overlay: str, kind: str) -> dict[str, Any]:
    found = objects_of(overlay, kind)
    assert len(found) == 1, f"{overlay}: expected one {kind}, found {len(found)}"
    return found[0]


def _kubernetes_objects() -> list[tuple[str, dict[str, Any]]]:
    return [(overlay, obj) for overlay in OVERLAYS for obj in rendered(overlay) if obj["kind"] not in CERT_MANAGER]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_required_object_is_there(overlay: str) -> None:
    kinds = {obj["kind"] for obj in rendered(overlay)}
    assert {"Namespace", "ServiceAccount", "Deployment", "PodDisruptionBudget", "Service",
            "ValidatingWebhookConfiguration", "ConfigMap", "NetworkPolicy"} <= kinds
    assert ({"Issuer", "Certificate"} <= kinds) == (overlay == "cert-manager")
    assert ("Secret" in kinds) == (overlay == "self-signed")


def _id(overlay: str, obj: dict[str, Any]) -> str:
    """Stable across test processes: generated names lose their content hash (the Secret's is random)."""
    return f"{overlay}:{obj['kind']}/{re.sub(r'-[a-z0-9]{10}$', '', obj['metadata']['name'])}"


@pytest.mark.parametrize("version", [MINIMUM, NEWEST])
@pytest.mark.parametrize("overlay, obj", _kubernetes_objects(), ids=[_id(o, x) for o, x in _kubernetes_objects()])
def test_kubernetes_objects_match_the_openapi_schema(overlay: str, obj: dict, version: str) -> None:
    kubernetes_validate.validate(obj, version, strict=True)


def test_the_schema_check_rejects_unknown_fields() -> None:
    deployment = one("cert-manager", "Deployment")
    broken = {**deployment, "spec": {**deployment["spec"], "replica": 2}}
    with pytest.raises(kubernetes_validate.ValidationError, match="replica"):
        kubernetes_validate.validate(broken, NEWEST, strict=True)


def test_apply_order_puts_the_namespace_first_and_the_webhook_configuration_last() -> None:
    for overlay in OVERLAYS:
        kinds = [obj["kind"] for obj in rendered(overlay)]
        assert kinds[0] == "Namespace" and kinds[-1] == "ValidatingWebhookConfiguration", (overlay, kinds)


_REF = {"type": "object", "required": ["name"], "additionalProperties": False,
        "properties": {"name": {"type": "string"}, "kind": {"enum": ["Issuer", "ClusterIssuer"]},
                       "group": {"const": "cert-manager.io"}}}
_KEY = {"type": "object", "additionalProperties": False,
        "properties": {"algorithm": {"enum": ["RSA", "ECDSA", "Ed25519"]}, "size": {"type": "integer"},
                       "encoding": {"enum": ["PKCS1", "PKCS8"]}, "rotationPolicy": {"enum": ["Never", "Always"]}}}
_USAGES = ["signing", "digital signature", "content commitment", "key encipherment", "key agreement",
           "data encipherment", "cert sign", "crl sign", "encipher only", "decipher only", "any", "server auth",
           "client auth", "code signing", "email protection", "s/mime", "ipsec end system", "ipsec tunnel",
           "ipsec user", "timestamping", "ocsp signing", "microsoft sgc", "netscape sgc"]
CERT_MANAGER_SCHEMAS = {
    "Certificate": {"type": "object", "required": ["secretName", "issuerRef"], "additionalProperties": False,
                    "properties": {"secretName": {"type": "string"}, "issuerRef": _REF, "isCA": {"type": "boolean"},
                                   "commonName": {"type": "string"}, "duration": {"type": "string"},
                                   "renewBefore": {"type": "string"}, "privateKey": _KEY,
                                   "dnsNames": {"type": "array", "items": {"type": "string"}},
                                   "usages": {"type": "array", "items": {"enum": _USAGES}}}},
    "Issuer": {"type": "object", "additionalProperties": False, "minProperties": 1, "maxProperties": 1,
               "properties": {"selfSigned": {"type": "object", "additionalProperties": False},
                              "ca": {"type": "object", "required": ["secretName"], "additionalProperties": False,
                                     "properties": {"secretName": {"type": "string"}}}}},
}


@pytest.mark.parametrize("obj", objects_of("cert-manager", "Issuer") + objects_of("cert-manager", "Certificate"),
                         ids=lambda o: o["metadata"]["name"])
def test_cert_manager_objects_match_the_crd_schema(obj: dict) -> None:
    assert obj["apiVersion"] == "cert-manager.io/v1"
    assert set(obj) == {"apiVersion", "kind", "metadata", "spec"}
    jsonschema.validate(obj["spec"], CERT_MANAGER_SCHEMAS[obj["kind"]])


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_rendered_install_passes_soc2gates_own_policies(overlay: str, tmp_path: Path) -> None:
    manifest = tmp_path / f"{overlay}.yaml"
    manifest.write_text(yaml.safe_dump_all(list(rendered(overlay))))
    result = scan(ScanOptions(paths=(str(manifest),), use_cache=False))
    bad = [(f.policy_id, f.resource, f.message) for f in result.findings if f.outcome is not Outcome.PASS]
    assert not bad and result.passed
    assert {f.policy_id for f in result.findings} >= {"K8S-001", "K8S-007", "K8S-011", "K8S-016"}


def test_an_image_not_pinned_by_digest_fails_k8s_016(tmp_path: Path) -> None:
    manifest = tmp_path / "unpinned.yaml"
    manifest.write_text(render(prepared_copy(tmp_path, digest=None), "cert-manager"))
    result = scan(ScanOptions(paths=(str(manifest),), use_cache=False))
    assert [f.policy_id for f in result.findings if f.outcome is Outcome.FAIL] == ["K8S-016"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_webhook_configuration_is_scoped_with_a_failure_policy_per_rule_group(overlay: str) -> None:
    workloads, config = one(overlay, "ValidatingWebhookConfiguration")["webhooks"]
    assert (workloads["failurePolicy"], config["failurePolicy"]) == ("Fail", "Ignore")
    assert {r["resources"][0] for r in workloads["rules"]} >= {"pods", "deployments", "jobs"}
    settings = parse_config(one(overlay, "ConfigMap")["data"]["soc2gate.yaml"], "configmap").section("webhook")
    namespace = one(overlay, "Namespace")["metadata"]["name"]
    for webhook in (workloads, config):
        assert webhook["sideEffects"] == "None" and webhook["admissionReviewVersions"] == ["v1"]
        assert settings["deadline_ms"] / 1000 < webhook["timeoutSeconds"] <= 10
        excluded = webhook["namespaceSelector"]["matchExpressions"][0]
        assert excluded["key"] == "kubernetes.io/metadata.name" and excluded["operator"] == "NotIn"
        assert {"kube-system", namespace} <= set(excluded["values"])  # never blocks itself or its upgrade
        assert all(set(rule["operations"]) == {"CREATE", "UPDATE"} for rule in webhook["rules"])


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_objects_reference_each_other_consistently(overlay: str) -> None:
    namespace = one(overlay, "Namespace")["metadata"]["name"]
    service, deployment = one(overlay, "Service"), one(overlay, "Deployment")
    for webhook in one(overlay, "ValidatingWebhookConfiguration")["webhooks"]:
        target = webhook["clientConfig"]["service"]
        assert (target["name"], target["namespace"], target["path"]) == (service["metadata"]["name"], namespace, "/validate")
        assert target["port"] == service["spec"]["ports"][0]["port"]
    pod = deployment["spec"]["template"]
    assert all(pod["metadata"]["labels"][k] == v for k, v in service["spec"]["selector"].items())
    pdb = one(overlay, "PodDisruptionBudget")
    assert all(pod["metadata"]["labels"][k] == v for k, v in pdb["spec"]["selector"]["matchLabels"].items())
    container = pod["spec"]["containers"][0]
    assert service["spec"]["ports"][0]["targetPort"] in {p["name"] for p in container["ports"]}
    volumes = {v["name"]: v for v in pod["spec"]["volumes"]}
    assert volumes["config"]["configMap"]["name"] == one(overlay, "ConfigMap")["metadata"]["name"]
    assert pod["spec"]["serviceAccountName"] == one(overlay, "ServiceAccount")["metadata"]["name"]
    assert all(obj["metadata"].get("namespace") == namespace for obj in rendered(overlay)
               if obj["kind"] not in {"Namespace", "ValidatingWebhookConfiguration"})


def test_cert_manager_overlay_injects_the_ca_of_the_serving_certificate() -> None:
    namespace = one("cert-manager", "Namespace")["metadata"]["name"]
    serving = [c for c in objects_of("cert-manager", "Certificate") if not c["spec"].get("isCA")][0]
    configuration = one("cert-manager", "ValidatingWebhookConfiguration")
    assert configuration["metadata"]["annotations"]["cert-manager.io/inject-ca-from"] == \
        f"{namespace}/{serving['metadata']['name']}"
    service = one("cert-manager", "Service")["metadata"]["name"]
    assert f"{service}.{namespace}.svc" in serving["spec"]["dnsNames"]
    pod = one("cert-manager", "Deployment")["spec"]["template"]["spec"]
    assert {v["name"]: v for v in pod["volumes"]}["tls"]["secret"]["secretName"] == serving["spec"]["secretName"]
    issuers = {i["metadata"]["name"] for i in objects_of("cert-manager", "Issuer")}
    assert all(c["spec"]["issuerRef"]["name"] in issuers for c in objects_of("cert-manager", "Certificate"))


def test_self_signed_overlay_trusts_the_ca_that_signed_the_serving_certificate() -> None:
    from cryptography import x509

    secret = one("self-signed", "Secret")
    assert secret["type"] == "kubernetes.io/tls" and {"tls.crt", "tls.key"} <= set(secret["data"])
    pod = one("self-signed", "Deployment")["spec"]["template"]["spec"]
    assert {v["name"]: v for v in pod["volumes"]}["tls"]["secret"]["secretName"] == secret["metadata"]["name"]
    serving = x509.load_pem_x509_certificates(base64.b64decode(secret["data"]["tls.crt"]))[0]
    names = serving.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(x509.DNSName)
    namespace, service = one("self-signed", "Namespace")["metadata"]["name"], one("self-signed", "Service")["metadata"]["name"]
    assert f"{service}.{namespace}.svc" in names
    for webhook in one("self-signed", "ValidatingWebhookConfiguration")["webhooks"]:
        ca = x509.load_pem_x509_certificate(base64.b64decode(webhook["clientConfig"]["caBundle"]))
        serving.verify_directly_issued_by(ca)  # raises if the apiserver would not trust the webhook


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_deployment_is_highly_available_and_hardened(overlay: str) -> None:
    deployment = one(overlay, "Deployment")
    spec = deployment["spec"]["template"]["spec"]
    container = spec["containers"][0]
    assert deployment["spec"]["replicas"] == 2 and one(overlay, "PodDisruptionBudget")["spec"]["minAvailable"] == 1
    assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    assert spec["affinity"]["podAntiAffinity"] and spec["topologySpreadConstraints"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]
    assert container["resources"]["limits"] and container["resources"]["requests"]
    assert spec["automountServiceAccountToken"] is False
    assert "@sha256:" in container["image"]


def test_hpa_component_scales_the_deployment(tmp_path: Path) -> None:
    tree = prepared_copy(tmp_path)
    overlay = tree / "overlays/cert-manager/kustomization.yaml"
    overlay.write_text(overlay.read_text() + "components:\n  - ../../components/hpa\n")
    hpa = next(o for o in objects(render(tree, "cert-manager")) if o["kind"] == "HorizontalPodAutoscaler")
    kubernetes_validate.validate(hpa, MINIMUM, strict=True)
    assert hpa["spec"]["scaleTargetRef"]["name"] == one("cert-manager", "Deployment")["metadata"]["name"]
    assert hpa["spec"]["minReplicas"] >= 2


def test_container_arguments_are_accepted_by_the_cli_and_config_is_valid() -> None:
    from soc2gate.commands.webhook import command

    container = one("cert-manager", "Deployment")["spec"]["template"]["spec"]["containers"][0]
    args = container["args"]
    assert args[:2] == ["webhook", "serve"]
    context = command.make_context("webhook", list(args[1:2]), resilient_parsing=True)
    serve = command.get_command(context, args[1]).make_context("serve", list(args[2:]))
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    assert serve.params["config_path"].startswith(mounts["config"])
    assert serve.params["tls_cert"].startswith(mounts["tls"]) and not serve.params["insecure_http"]
    parse_config(one("cert-manager", "ConfigMap")["data"]["soc2gate.yaml"], "configmap")  # raises if invalid
