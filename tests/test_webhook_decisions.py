"""Admission decisions in-process: review parsing, modes, overrides, waivers, UPDATE, context policies.

Real manifests from ../shared/corpora/real go through the same code the server runs on its
evaluation threads (``evaluate_request``), with the full built-in policy pack.
"""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from admission_reviews import first_object, review
from conftest import require_shared
from soc2gate.api import ScanOptions
from soc2gate.errors import ConfigError
from soc2gate.webhook.admission import evaluate_request, exclusion
from soc2gate.webhook.evaluator import load, worker_gate
from soc2gate.webhook.review import ReviewError, parse_review
from webhook_harness import write_test_policies
from webhook_install import hardened_deployment
from webhook_servers import GUESTBOOK, PRIVILEGED


@pytest.fixture(scope="module", autouse=True)
def _shared() -> None:
    require_shared()


def guestbook() -> dict:
    return first_object(GUESTBOOK, "Deployment")


def privileged() -> dict:
    return first_object(PRIVILEGED, "Deployment")


def decide_with(tmp_path: Path, webhook: dict | None, obj: dict | None, policies: tuple[str, ...] = (),
                extra: dict | None = None, **review_args):
    config = tmp_path / ".soc2gate.yaml"
    config.write_text(yaml.safe_dump({"webhook": webhook or {}, **(extra or {})}))
    dirs = (str(write_test_policies(tmp_path / "policies", policies)),) if policies else ()
    loaded = load(ScanOptions(config_path=str(config), policy_dirs=dirs), None, 1)
    request = parse_review(json.dumps(review(obj, **review_args)).encode())
    skip = exclusion(request, loaded)
    return skip if skip is not None else evaluate_request(request, worker_gate(loaded.gate), loaded)


# --- AdmissionReview parsing ------------------------------------------------------------------

@pytest.mark.parametrize("body, reason", [
    (b"{not json", "not valid JSON"),
    (b"\xff\xfe", "not UTF-8"),
    (b"[1, 2]", "not a JSON object"),
    (json.dumps({"apiVersion": "v1", "kind": "Pod"}).encode(), "expected 'AdmissionReview'"),
    (json.dumps({"apiVersion": "admission.k8s.io/v1beta1", "kind": "AdmissionReview", "request": {}}).encode(),
     "admissionReviewVersions: [v1]"),
    (json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview"}).encode(), "`request`"),
    (json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
                 "request": {"operation": "CREATE", "kind": {"kind": "Pod"}, "object": {}}}).encode(), "request.uid"),
    (json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
                 "request": {"uid": "u", "operation": "PATCH", "kind": {"kind": "Pod"}}}).encode(), "request.operation"),
    (json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
                 "request": {"uid": "u", "operation": "CREATE", "kind": {"kind": "Pod"}, "object": None}}).encode(),
     "request.object` is required"),
])
def test_malformed_reviews_name_the_problem(body: bytes, reason: str) -> None:
    with pytest.raises(ReviewError) as caught:
        parse_review(body)
    assert reason in str(caught.value)


def test_review_fields_are_read_from_a_realistic_request() -> None:
    request = parse_review(json.dumps(review(guestbook(), operation="UPDATE", old=guestbook(), dry_run=True)).encode())
    assert (request.kind, request.api_version, request.resource) == ("Deployment", "apps/v1", "deployments")
    assert (request.namespace, request.name, request.user) == ("shop", "frontend", "alice@example.com")
    assert request.dry_run and request.old_object is not None and "developers" in request.groups
    assert request.labels() == {} and request.subject() is request.object


# --- modes, overrides, thresholds -------------------------------------------------------------

def test_enforce_denies_a_privileged_workload_with_policy_and_control_ids(tmp_path: Path) -> None:
    decision = decide_with(tmp_path, {"mode": "enforce"}, privileged())
    assert decision.outcome == "denied" and not decision.allowed and decision.code == 403
    assert "K8S-001" in decision.denied and "K8S-001" in decision.message
    assert "CC6.1" in decision.message and "CC6.8" in decision.controls
    assert decision.message.startswith("soc2gate denied Deployment shop/health-check-deployment")


def test_warn_mode_allows_with_warnings(tmp_path: Path) -> None:
    decision = decide_with(tmp_path, {"mode": "warn"}, privileged())
    assert decision.allowed and decision.outcome == "warned" and not decision.denied
    assert any(w.startswith("soc2gate K8S-001 [CC6.1,CC6.8]") for w in decision.warnings)
    assert all(len(w) <= 256 for w in decision.warnings)


def test_audit_mode_allows_silently_but_records_policies(tmp_path: Path) -> None:
    decision = decide_with(tmp_path, {"mode": "audit"}, privileged())
    assert decision.allowed and decision.outcome == "audited" and not decision.warnings
    assert "K8S-001" in decision.audited and decision.annotations()["decision"] == "audited"


def test_per_policy_override_and_fail_on_threshold(tmp_path: Path) -> None:
    decision = decide_with(tmp_path, {"mode": "enforce", "enforcement": {"K8S-001": "warn"}}, privileged())
    assert "K8S-001" in decision.warned and "K8S-001" not in decision.denied
    critical_only = decide_with(tmp_path, {"mode": "enforce"}, privileged(), extra={"fail_on": "critical"})
    assert "K8S-001" in critical_only.denied and "K8S-007" in critical_only.warned  # high < critical: warned


def test_compliant_object_is_allowed_without_findings(tmp_path: Path) -> None:
    deployment = hardened_deployment()
    decision = decide_with(tmp_path, {"mode": "enforce"}, deployment, namespace="soc2gate-system")
    assert decision.outcome == "allowed" and decision.allowed and not (decision.denied or decision.warned)


def test_waived_findings_are_allowed_and_listed(tmp_path: Path) -> None:
    waiver = {"policy": "K8S-001", "selector": {"kind": "Deployment", "name": "health-check-deployment"},
              "reason": "node health agent", "approved_by": "security@example.com",
              "expires": (date.today() + timedelta(days=30)).isoformat()}
    decision = decide_with(tmp_path, {"mode": "enforce"}, privileged(), extra={"waivers": {"entries": [waiver]}})
    assert "K8S-001" in decision.waived and "K8S-001" not in decision.denied
    assert decision.annotations()["waived-policies"].split(",").count("K8S-001") == 1


# --- UPDATE with oldObject, DELETE, exclusions ------------------------------------------------

def test_update_gives_policies_the_old_object(tmp_path: Path) -> None:
    old = guestbook()
    old["metadata"]["labels"] = {"owner": "team-web"}
    new = copy.deepcopy(old)
    new["metadata"]["labels"] = {}
    webhook = {"mode": "audit", "enforcement": {"K8S-991": "enforce"}}
    removed = decide_with(tmp_path, webhook, new, ("owner-label-kept",), operation="UPDATE", old=old)
    assert removed.denied == ("K8S-991",) and "owner label was removed" in removed.message
    kept = decide_with(tmp_path, webhook, old, ("owner-label-kept",), operation="UPDATE", old=old)
    created = decide_with(tmp_path, webhook, new, ("owner-label-kept",), operation="CREATE")
    assert kept.allowed and created.allowed and "K8S-991" not in kept.audited + created.audited


def test_update_judges_the_new_object(tmp_path: Path) -> None:
    fixed = privileged()
    fixed["spec"]["template"]["spec"]["containers"][0]["securityContext"]["privileged"] = False
    decision = decide_with(tmp_path, {"mode": "enforce", "enforcement": _all_but("K8S-001")}, fixed,
                           operation="UPDATE", old=privileged())
    assert decision.allowed and "K8S-001" not in decision.audited


def test_operations_filter_and_exclusions(tmp_path: Path) -> None:
    webhook = {"exclude": {"namespaces": ["kube-*"], "labels": [{"soc2gate.io/exempt": "*"}],
                           "users": ["system:serviceaccount:ci:*"], "groups": ["breakglass"]}}
    deleted = decide_with(tmp_path, webhook, None, operation="DELETE", old=privileged())
    assert deleted.outcome == "excluded" and "webhook.operations" in deleted.message
    in_kube = decide_with(tmp_path, webhook, privileged(), namespace="kube-public")
    assert in_kube.outcome == "excluded" and "kube-public" in in_kube.message
    labelled = privileged()
    labelled["metadata"]["labels"] = {"soc2gate.io/exempt": "approved-SEC-1"}
    assert "selector" in decide_with(tmp_path, webhook, labelled).message
    assert "user" in decide_with(tmp_path, webhook, privileged(), user="system:serviceaccount:ci:deployer").message
    assert "group" in decide_with(tmp_path, webhook, privileged(), groups=("breakglass",)).message
    assert decide_with(tmp_path, webhook, privileged()).outcome == "denied"


def test_delete_is_logged_but_not_judged_when_enabled(tmp_path: Path) -> None:
    decision = decide_with(tmp_path, {"operations": ["CREATE", "UPDATE", "DELETE"]}, None,
                           operation="DELETE", old=privileged())
    assert decision.outcome == "allowed" and not decision.denied and "deletion" in decision.message


# --- policies that need other objects, policy errors, configuration ---------------------------

def test_context_policies_are_skipped_and_named(tmp_path: Path) -> None:
    decision = decide_with(tmp_path, {"mode": "enforce"}, privileged(), ("netpol-coverage", "owner-label-kept"))
    assert "K8S-990" in decision.skipped and "NetworkPolicy" in decision.skipped["K8S-990"]
    assert "K8S-991" not in decision.skipped and "K8S-990" not in decision.denied
    assert "Not evaluated at admission" in decision.message and "K8S-990" in decision.message
    forced = decide_with(tmp_path, {"context_policies": {"evaluate": ["K8S-990"]}}, privileged(), ("netpol-coverage",))
    assert "K8S-990" in forced.denied and "K8S-990" not in forced.skipped
    extra = decide_with(tmp_path, {"context_policies": {"skip": ["K8S-001"]}}, privileged())
    assert "K8S-001" in extra.skipped and "K8S-001" not in extra.denied


def test_policy_crash_answers_per_failure_mode(tmp_path: Path) -> None:
    crashing = privileged()
    crashing["metadata"]["labels"] = {"soc2gate-test/crash": "true"}
    webhook = {"mode": "enforce", "enforcement": _all_but("K8S-993")}
    denied = decide_with(tmp_path, webhook, crashing, ("crash-policy",))
    assert denied.outcome == "error" and not denied.allowed and denied.code == 500
    assert denied.errors == ("K8S-993",) and "failure_mode: deny" in denied.message
    allowed = decide_with(tmp_path, {**webhook, "failure_mode": "allow"}, crashing, ("crash-policy",))
    assert allowed.allowed and allowed.outcome == "error" and "K8S-993" in allowed.warnings[-1]


@pytest.mark.parametrize("webhook, key", [
    ({"mode": "block"}, "webhook.mode"),
    ({"deadline_ms": 5}, "webhook.deadline_ms"),
    ({"exclude": {"namespace": ["x"]}}, "webhook.exclude"),
    ({"enforcement": {"TF-001": "warn"}}, "webhook.enforcement"),
    ({"operations": ["PATCH"]}, "webhook.operations.0"),
    ({"tls_handshake_timeout_s": 0}, "webhook.tls_handshake_timeout_s"),
    ({"liveness_interval_s": "often"}, "webhook.liveness_interval_s"),
    ({"liveness_timeout_s": 0.001}, "webhook.liveness_timeout_s"),
])
def test_invalid_webhook_settings_name_the_key(tmp_path: Path, webhook: dict, key: str) -> None:
    config = tmp_path / ".soc2gate.yaml"
    config.write_text(yaml.safe_dump({"webhook": webhook}))
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        load(ScanOptions(config_path=str(config)), None, 1)


def test_unknown_policy_ids_in_settings_are_config_errors(tmp_path: Path) -> None:
    config = tmp_path / ".soc2gate.yaml"
    config.write_text(yaml.safe_dump({"webhook": {"enforcement": {"K8S-998": "warn"}}}))
    with pytest.raises(ConfigError, match=r"webhook\.enforcement.*K8S-998"):
        load(ScanOptions(config_path=str(config)), None, 1)


def _all_but(policy_id: str) -> dict[str, str]:
    from soc2gate.api import Gate

    gate = Gate.load(ScanOptions())
    return {p.id: "audit" for p in gate.policies if p.surface == "kubernetes" and p.id != policy_id}
