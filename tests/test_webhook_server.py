"""The webhook as deployed: a real `soc2gate webhook serve` process on loopback HTTPS.

Certificates are made in the test (trustme); AdmissionReviews are built from real manifests
in ../shared/corpora/real.  The server runs the full built-in policy pack in enforce mode;
every Kubernetes policy except K8S-001 (privileged) is set to audit and K8S-007 (non-root)
to warn, so the expected decisions stay exact however the pack grows.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml

from admission_reviews import first_object, review
from conftest import require_shared
from webhook_harness import WebhookProcess
from webhook_install import hardened_deployment
from webhook_servers import GUESTBOOK, PRIVILEGED, exact_enforcement


def server_config(directory: Path, **webhook: object) -> Path:
    settings = {"mode": "enforce", "enforcement": exact_enforcement(),
                "exclude": {"namespaces": ["kube-system", "sandbox-*"], "labels": [{"soc2gate.io/exempt": "true"}]},
                **webhook}
    path = directory / ".soc2gate.yaml"
    path.write_text(yaml.safe_dump({"webhook": settings}))
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    require_shared()
    directory = tmp_path_factory.mktemp("webhook")
    process = WebhookProcess(directory, server_config(directory))
    yield process
    assert process.stop() == 0


def test_privileged_deployment_is_denied_with_policy_and_controls(server: WebhookProcess) -> None:
    body = review(first_object(PRIVILEGED, "Deployment"), namespace="payments")
    status, answer = server.post(body)
    response = answer["response"]
    assert status == 200 and answer["kind"] == "AdmissionReview" and answer["apiVersion"] == "admission.k8s.io/v1"
    assert response["uid"] == body["request"]["uid"] and response["allowed"] is False
    assert response["status"]["code"] == 403 and response["status"]["reason"] == "Forbidden"
    assert "K8S-001" in response["status"]["message"] and "CC6.1, CC6.8" in response["status"]["message"]
    record = server.decision_for(body["request"]["uid"])
    assert record["decision"] == "denied" and record["denied"] == ["K8S-001"]
    assert record["kind"] == "Deployment" and record["namespace"] == "payments"
    assert record["name"] == "health-check-deployment" and record["user"] == "alice@example.com"
    assert {"CC6.1", "CC6.8"} <= set(record["controls"]) and record["bundle_digest"].startswith("sha256:")


def test_compliant_deployment_is_allowed(server: WebhookProcess) -> None:
    body = review(hardened_deployment(), namespace="soc2gate-apps")
    status, answer = server.post(body)
    assert status == 200 and answer["response"]["allowed"] is True
    assert "status" not in answer["response"] and "warnings" not in answer["response"]
    record = server.decision_for(body["request"]["uid"])
    assert record["decision"] == "allowed" and record["policies"] == []


def test_warned_deployment_is_allowed_with_warnings(server: WebhookProcess) -> None:
    body = review(first_object(GUESTBOOK, "Deployment"))
    status, answer = server.post(body)
    response = answer["response"]
    assert status == 200 and response["allowed"] is True
    assert any(w.startswith("soc2gate K8S-007 [") for w in response["warnings"])
    assert response["auditAnnotations"]["decision"] == "warned"
    record = server.decision_for(body["request"]["uid"])
    assert record["decision"] == "warned" and "K8S-007" in record["warned"]


def test_excluded_namespace_and_label_are_allowed_and_logged(server: WebhookProcess) -> None:
    in_sandbox = review(first_object(PRIVILEGED, "Deployment"), namespace="sandbox-42")
    status, answer = server.post(in_sandbox)
    assert status == 200 and answer["response"]["allowed"] is True
    record = server.decision_for(in_sandbox["request"]["uid"])
    assert record["decision"] == "excluded" and "sandbox-42" in record["reason"]
    exempt = first_object(PRIVILEGED, "Deployment")
    exempt["metadata"]["labels"] = {"soc2gate.io/exempt": "true"}
    body = review(exempt)
    assert server.post(body)[1]["response"]["allowed"] is True
    assert server.decision_for(body["request"]["uid"])["decision"] == "excluded"


def test_update_is_evaluated_and_dry_run_is_honoured(server: WebhookProcess) -> None:
    old = first_object(GUESTBOOK, "Deployment")
    new = first_object(PRIVILEGED, "Deployment")
    new["metadata"]["name"] = old["metadata"]["name"]
    body = review(new, operation="UPDATE", old=old, dry_run=True)
    status, answer = server.post(body)
    assert status == 200 and answer["response"]["allowed"] is False
    record = server.decision_for(body["request"]["uid"])
    assert record["operation"] == "UPDATE" and record["dry_run"] is True and record["decision"] == "denied"
    _, metrics = server.get("/metrics")
    assert ('soc2gate_webhook_requests_total{decision="denied",dry_run="true",kind="Deployment",operation="UPDATE"}'
            in metrics.decode())


def test_delete_is_outside_the_default_operations(server: WebhookProcess) -> None:
    body = review(None, operation="DELETE", old=first_object(PRIVILEGED, "Deployment"))
    assert server.post(body)[1]["response"]["allowed"] is True
    assert "webhook.operations" in server.decision_for(body["request"]["uid"])["reason"]


@pytest.mark.parametrize("body, reason", [
    (b'{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": ', "not valid JSON"),
    (json.dumps({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"}}).encode(),
     "expected 'AdmissionReview'"),
    (json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": 7}}).encode(),
     "request.uid"),
])
def test_malformed_bodies_get_400_with_a_reason(server: WebhookProcess, body: bytes, reason: str) -> None:
    status, answer = server.post(body)
    assert status == 400 and answer["kind"] == "AdmissionReview" and answer["response"]["allowed"] is False
    assert reason in answer["response"]["status"]["message"]


def test_oversized_body_gets_413_and_the_server_keeps_serving(server: WebhookProcess) -> None:
    big = review(first_object(GUESTBOOK, "Deployment"))
    big["request"]["object"]["metadata"]["annotations"] = {"padding": "x" * (3 * 1024 * 1024)}
    body = json.dumps(big).encode()
    declared = _raw_exchange(server, f"Content-Length: {len(body)}", [])  # refused on the header alone
    assert declared.startswith(b"HTTP/1.1 413") and b"3145728" in declared
    chunks = [f"{len(body[i:i + 65536]):x}\r\n".encode() + body[i:i + 65536] + b"\r\n"
              for i in range(0, len(body), 65536)]
    streamed = _raw_exchange(server, "Transfer-Encoding: chunked", chunks)  # refused once the limit is crossed
    assert streamed.startswith(b"HTTP/1.1 413")
    assert server.post(review(first_object(GUESTBOOK, "Deployment")))[0] == 200


def _raw_exchange(server: WebhookProcess, length_header: str, chunks: list[bytes]) -> bytes:
    sock = server.certs.client_context().wrap_socket(socket.create_connection(("127.0.0.1", server.port), 30),
                                                     server_hostname="127.0.0.1")
    try:
        sock.sendall(f"POST /validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     f"{length_header}\r\n\r\n".encode())
        for chunk in chunks:
            try:
                sock.sendall(chunk)
            except OSError:  # the server answered and closed: stop sending
                break
        data = b""
        while True:
            try:
                block = sock.recv(65536)
            except OSError:
                break
            if not block:
                break
            data += block
        return data
    finally:
        sock.close()


def test_health_readiness_and_metrics(server: WebhookProcess) -> None:
    assert server.post(b"[]")[0] == 400
    assert server.get("/healthz")[0] == 200
    status, body = server.get("/readyz")
    ready = json.loads(body)
    assert status == 200 and ready["status"] == "ready" and ready["policies"] > 10
    assert server.post(b"{}", path="/nowhere")[0] == 404 and server.get("/validate")[0] == 405
    text = server.get("/metrics")[1].decode()
    for name in ("soc2gate_webhook_requests_total", "soc2gate_webhook_request_duration_seconds_bucket",
                 "soc2gate_webhook_policy_errors_total", "soc2gate_webhook_policies_loaded",
                 "soc2gate_webhook_invalid_requests_total"):
        assert f"# TYPE {name.rsplit('_total', 1)[0].rsplit('_bucket', 1)[0]}" in text, name
    assert 'soc2gate_webhook_invalid_requests_total{reason="malformed"}' in text


def test_concurrent_requests_each_get_their_own_answer(server: WebhookProcess) -> None:
    objects = [first_object(PRIVILEGED, "Deployment"), first_object(GUESTBOOK, "Deployment")]
    bodies = [review(objects[i % 2]) for i in range(40)]
    answers: dict[str, bool] = {}

    def send(chunk: list[dict]) -> None:
        for body in chunk:
            answers[body["request"]["uid"]] = server.post(body)[1]["response"]["allowed"]

    threads = [threading.Thread(target=send, args=(bodies[i::8],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(answers) == 40
    for index, body in enumerate(bodies):
        assert answers[body["request"]["uid"]] is (index % 2 == 1)


def test_busy_port_and_missing_tls_are_usage_errors(server: WebhookProcess) -> None:
    base = [sys.executable, "-c", "from soc2gate.cli import main; main()", "webhook", "serve"]
    tls = ["--tls-cert", str(server.certs.cert), "--tls-key", str(server.certs.key)]
    busy = subprocess.run(base + tls + ["--host", "127.0.0.1", "--port", str(server.port)],
                          capture_output=True, text=True, timeout=120)
    assert busy.returncode == 2 and f"cannot listen on 127.0.0.1:{server.port}" in busy.stderr
    plain = subprocess.run(base + ["--port", "0"], capture_output=True, text=True, timeout=120)
    assert plain.returncode == 2 and "HTTPS only" in plain.stderr
    wrong = subprocess.run(base + ["--tls-cert", str(server.certs.key), "--tls-key", str(server.certs.key)],
                           capture_output=True, text=True, timeout=120)
    assert wrong.returncode == 2 and "cannot use --tls-cert" in wrong.stderr
