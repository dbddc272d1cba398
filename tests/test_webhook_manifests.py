"""examples/kubernetes/webhook/: valid API objects, compliant with soc2gate's own policies, consistent.

Kubernetes kinds are validated against the Kubernetes OpenAPI-derived JSON schemas shipped by
kubernetes-validate, strict (unknown fields rejected), for the newest schema and for 1.30
(the oldest version with GA matchConditions).  cert-manager kinds, which no package ships
schemas for, are checked against the subset of the cert-manager.io/v1 CRD schema they use.
"""

from __future__ import annotations

from typing import Any

import jsonschema
import kubernetes_validate
import pytest

from admission_reviews import manifest_objects
from conftest import REPO
from soc2gate.api import ScanOptions, scan
from soc2gate.config import parse_config
from soc2gate.model import Outcome

WEBHOOK_DIR = REPO / "examples/kubernetes/webhook"
OBJECTS = [(path.name, obj) for path in sorted(WEBHOOK_DIR.glob("*.yaml")) for obj in manifest_objects(path)]
CERT_MANAGER = {"Issuer", "Certificate"}


def objects_of(kind: str) -> list[dict[str, Any]]:
    return [obj for _, obj in OBJECTS if obj["kind"] == kind]


def one(kind: str) -> dict[str, Any]:
    found = objects_of(kind)
    assert len(found) == 1, f"expected one {kind}, found {len(found)}"
    return found[0]


def test_every_required_object_is_there() -> None:
    kinds = {obj["kind"] for _, obj in OBJECTS}
    assert {"Namespace", "ServiceAccount", "Deployment", "PodDisruptionBudget", "Service",
            "ValidatingWebhookConfiguration", "Issuer", "Certificate", "ConfigMap", "NetworkPolicy"} <= kinds


@pytest.mark.parametrize("version", ["1.30", kubernetes_validate.latest_version()])
@pytest.mark.parametrize("name, obj", [o for o in OBJECTS if o[1]["kind"] not in CERT_MANAGER],
                         ids=[f"{n}:{o['kind']}" for n, o in OBJECTS if o["kind"] not in CERT_MANAGER])
def test_kubernetes_objects_match_the_openapi_schema(name: str, obj: dict, version: str) -> None:
    kubernetes_validate.validate(obj, version, strict=True)


def test_the_schema_check_rejects_unknown_fields() -> None:
    broken = {**one("Deployment"), "spec": {**one("Deployment")["spec"], "replica": 2}}
    with pytest.raises(kubernetes_validate.ValidationError, match="replica"):
        kubernetes_validate.validate(broken, kubernetes_validate.latest_version(), strict=True)


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


@pytest.mark.parametrize("obj", [o for _, o in OBJECTS if o["kind"] in CERT_MANAGER],
                         ids=[o["metadata"]["name"] for _, o in OBJECTS if o["kind"] in CERT_MANAGER])
def test_cert_manager_objects_match_the_crd_schema(obj: dict) -> None:
    assert obj["apiVersion"] == "cert-manager.io/v1"
    assert set(obj) == {"apiVersion", "kind", "metadata", "spec"}
    jsonschema.validate(obj["spec"], CERT_MANAGER_SCHEMAS[obj["kind"]])


def test_manifests_pass_soc2gates_own_policies() -> None:
    result = scan(ScanOptions(paths=(str(WEBHOOK_DIR),), use_cache=False))
    bad = [(f.policy_id, f.resource, f.message) for f in result.findings if f.outcome is not Outcome.PASS]
    assert not bad and result.passed
    assert {f.policy_id for f in result.findings} >= {"K8S-001", "K8S-007", "K8S-011"}


def test_webhook_configuration_is_fail_closed_and_scoped() -> None:
    webhook = one("ValidatingWebhookConfiguration")["webhooks"][0]
    assert webhook["failurePolicy"] == "Fail" and webhook["sideEffects"] == "None"
    assert webhook["admissionReviewVersions"] == ["v1"]
    settings = parse_config(one("ConfigMap")["data"]["soc2gate.yaml"], "configmap").section("webhook")
    assert settings["deadline_ms"] / 1000 < webhook["timeoutSeconds"] <= 10
    excluded = webhook["namespaceSelector"]["matchExpressions"][0]
    assert excluded["key"] == "kubernetes.io/metadata.name" and excluded["operator"] == "NotIn"
    assert {"kube-system", one("Namespace")["metadata"]["name"]} <= set(excluded["values"])
    assert all(set(rule["operations"]) == {"CREATE", "UPDATE"} for rule in webhook["rules"])


def test_objects_reference_each_other_consistently() -> None:
    namespace = one("Namespace")["metadata"]["name"]
    service, deployment = one("Service"), one("Deployment")
    webhook_config = one("ValidatingWebhookConfiguration")
    target = webhook_config["webhooks"][0]["clientConfig"]["service"]
    assert (target["name"], target["namespace"], target["path"]) == (service["metadata"]["name"], namespace, "/validate")
    assert target["port"] == service["spec"]["ports"][0]["port"]
    pod = deployment["spec"]["template"]
    assert all(pod["metadata"]["labels"][k] == v for k, v in service["spec"]["selector"].items())
    assert all(pod["metadata"]["labels"][k] == v for k, v in one("PodDisruptionBudget")["spec"]["selector"]["matchLabels"].items())
    container = pod["spec"]["containers"][0]
    assert service["spec"]["ports"][0]["targetPort"] in {p["name"] for p in container["ports"]}
    serving = [c for c in objects_of("Certificate") if not c["spec"].get("isCA")][0]
    assert webhook_config["metadata"]["annotations"]["cert-manager.io/inject-ca-from"] == f"{namespace}/{serving['metadata']['name']}"
    assert f"{service['metadata']['name']}.{namespace}.svc" in serving["spec"]["dnsNames"]
    volumes = {v["name"]: v for v in pod["spec"]["volumes"]}
    assert volumes["tls"]["secret"]["secretName"] == serving["spec"]["secretName"]
    issuers = {i["metadata"]["name"] for i in objects_of("Issuer")}
    assert all(c["spec"]["issuerRef"]["name"] in issuers for c in objects_of("Certificate"))
    assert pod["spec"]["serviceAccountName"] == one("ServiceAccount")["metadata"]["name"]
    assert all(obj["metadata"].get("namespace", namespace) == namespace for _, obj in OBJECTS
               if obj["kind"] not in {"Namespace", "ValidatingWebhookConfiguration"})


def test_deployment_is_highly_available_and_hardened() -> None:
    deployment = one("Deployment")
    spec = deployment["spec"]["template"]["spec"]
    container = spec["containers"][0]
    assert deployment["spec"]["replicas"] == 2 and one("PodDisruptionBudget")["spec"]["minAvailable"] == 1
    assert spec["affinity"]["podAntiAffinity"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]
    assert container["resources"]["limits"] and container["resources"]["requests"]
    assert spec["automountServiceAccountToken"] is False


def test_container_arguments_are_accepted_by_the_cli_and_config_is_valid() -> None:
    from soc2gate.commands.webhook import command

    container = one("Deployment")["spec"]["template"]["spec"]["containers"][0]
    args = container["args"]
    assert args[:2] == ["webhook", "serve"]
    context = command.make_context("webhook", list(args[1:2]), resilient_parsing=True)
    serve = command.get_command(context, args[1]).make_context("serve", list(args[2:]))
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    assert serve.params["config_path"].startswith(mounts["config"])
    assert serve.params["tls_cert"].startswith(mounts["tls"]) and not serve.params["insecure_http"]
    parse_config(one("ConfigMap")["data"]["soc2gate.yaml"], "configmap")  # raises ConfigError if invalid
