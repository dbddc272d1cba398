"""Webhook process lifecycle: SIGTERM while busy, SIGHUP reload under load, evaluation deadline."""

from __future__ import annotations

import json
import os
import signal
import socket
import threading
import time
from pathlib import Path

import yaml

from admission_reviews import first_object, review
from webhook_harness import WebhookProcess, worker_pids, write_test_policies
from webhook_servers import GUESTBOOK, PRIVILEGED, start  # noqa: F401 (fixture)


def write_config(path: Path, webhook: dict, policy_dirs: tuple[str, ...] = ()) -> Path:
    document: dict = {"webhook": webhook}
    if policy_dirs:
        document["policy_dirs"] = list(policy_dirs)
    path.write_text(yaml.safe_dump(document))
    return path


class Load:
    """Background clients posting reviews until stopped (bounded count); records every outcome."""

    def __init__(self, server: WebhookProcess, clients: int = 4, limit: int = 2000) -> None:
        self.server, self.limit = server, limit
        self.answers: list[tuple[str, int, dict]] = []
        self.errors: list[str] = []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(clients)]
        for thread in self.threads:
            thread.start()

    def _run(self) -> None:
        while not self.stop.is_set() and len(self.answers) + len(self.errors) < self.limit:
            body = review(first_object(GUESTBOOK, "Deployment"))
            try:
                status, answer = self.server.post(body)
            except OSError as exc:
                self.errors.append(type(exc).__name__)
                continue
            self.answers.append((body["request"]["uid"], status, answer))

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(30)

    def assert_all_answered(self) -> None:
        assert self.answers, "the load generator got no answer at all"
        for uid, status, answer in self.answers:
            assert status == 200 and answer["response"]["uid"] == uid


def test_sigterm_while_busy_completes_requests_in_flight(tmp_path: Path, start) -> None:
    server = start(tmp_path, write_config(tmp_path / "c.yaml", {"mode": "warn"}))
    load = Load(server)
    body = json.dumps(review(first_object(PRIVILEGED, "Deployment"))).encode()
    uid = json.loads(body)["request"]["uid"]
    raw = server.certs.client_context().wrap_socket(socket.create_connection(("127.0.0.1", server.port)),
                                                    server_hostname="127.0.0.1")
    head = (f"POST /validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode()
    raw.sendall(head + body[:1000])  # the request is in flight: headers and part of the body
    time.sleep(0.5)
    server.signal(signal.SIGTERM)
    time.sleep(1.0)
    assert server.process.poll() is None, "the server exited with a request in flight"
    raw.sendall(body[1000:])
    reply = _read_http(raw)
    raw.close()
    assert reply.startswith(b"HTTP/1.1 200") and json.loads(reply.split(b"\r\n\r\n", 1)[1])["response"]["uid"] == uid
    load.finish()
    assert server.process.wait(60) == 0  # drained and exited cleanly on the one SIGTERM
    server.stop()
    load.assert_all_answered()
    assert set(load.errors) <= {"ConnectionRefusedError", "ConnectionResetError", "SSLEOFError",
                                "RemoteDisconnected", "SSLZeroReturnError", "BrokenPipeError"}
    logged = {r["uid"] for r in server.events()}
    assert uid in logged and {u for u, _, _ in load.answers} <= logged


def test_sighup_reloads_policies_and_config_without_dropping_requests(tmp_path: Path, start) -> None:
    config = write_config(tmp_path / "c.yaml", {"mode": "enforce"})
    server = start(tmp_path, config)
    privileged = first_object(PRIVILEGED, "Deployment")
    assert server.post(review(privileged))[1]["response"]["allowed"] is False
    load = Load(server)
    write_config(config, {"mode": "warn"})
    server.signal(signal.SIGHUP)
    reloaded = server.wait_event("reload")
    assert reloaded["generation"] == 2 and reloaded["mode"] == "warn"
    assert server.wait_event("certificate")["result"] == "ok"
    body = review(privileged)
    response = server.post(body)[1]["response"]
    assert response["allowed"] is True and any("K8S-001" in w for w in response["warnings"])
    assert server.decision_for(body["request"]["uid"])["generation"] == 2
    write_config(config, {"mode": "block-everything"})
    server.signal(signal.SIGHUP)
    failed = server.wait_event("reload", 2)
    assert failed["result"] == "failed" and "webhook.mode" in failed["error"] and failed["generation"] == 2
    assert server.post(review(privileged))[1]["response"]["allowed"] is True  # generation 2 still serves
    load.finish()
    load.assert_all_answered()
    assert not load.errors
    metrics = server.get("/metrics")[1].decode()
    assert 'soc2gate_webhook_reloads_total{result="ok"} 1.0' in metrics
    assert 'soc2gate_webhook_reloads_total{result="failed"} 1.0' in metrics
    assert server.stop() == 0


def test_evaluation_deadline_answers_per_failure_mode(tmp_path: Path, start) -> None:
    policies = str(write_test_policies(tmp_path / "policies", ("slow-policy",)))
    config = write_config(tmp_path / "c.yaml", {"mode": "audit", "deadline_ms": 100}, (policies,))
    server = start(tmp_path, config)
    slow = first_object(GUESTBOOK, "Deployment")
    slow["metadata"]["labels"] = {"soc2gate-test/slow": "1500000"}
    body = review(slow)
    response = server.post(body)[1]["response"]
    assert response["allowed"] is False and response["status"]["code"] == 500
    assert "deadline of 100 ms exceeded" in response["status"]["message"]
    record = server.decision_for(body["request"]["uid"])
    assert record["decision"] == "error" and "failure_mode: deny" in record["reason"]
    assert 'soc2gate_webhook_internal_errors_total{reason="deadline"} 1.0' in server.get("/metrics")[1].decode()
    assert "passed the deadline: replacing it" in server.stderr.read_text()  # the runaway evaluation is ended
    write_config(config, {"mode": "audit", "deadline_ms": 100, "failure_mode": "allow"}, (policies,))
    server.signal(signal.SIGHUP)
    server.wait_event("reload")
    allowed = server.post(review(slow))[1]["response"]
    assert allowed["allowed"] is True and "failure_mode: allow" in allowed["warnings"][-1]
    assert server.stop() == 0


def test_a_killed_worker_is_replaced(tmp_path: Path, start) -> None:
    server = start(tmp_path, write_config(tmp_path / "c.yaml", {"mode": "enforce"}))
    for _ in range(600):  # workers start in the background; a loaded machine may be slow
        workers = worker_pids(server.process.pid)
        if len(workers) == 2:
            break
        time.sleep(0.1)
    assert len(workers) == 2
    os.kill(workers[0], signal.SIGKILL)
    privileged = first_object(PRIVILEGED, "Deployment")
    answers = [server.post(review(privileged))[1]["response"] for _ in range(6)]
    assert all(a["allowed"] is False and a["status"]["code"] == 403 for a in answers)
    for _ in range(600):  # the replacement starts in the background
        if "exited: replacing it" in server.stderr.read_text() and len(worker_pids(server.process.pid)) == 2:
            break
        time.sleep(0.1)
    assert "exited: replacing it" in server.stderr.read_text()
    assert workers[0] not in worker_pids(server.process.pid) and len(worker_pids(server.process.pid)) == 2
    assert server.get("/readyz")[0] == 200


def _read_http(sock: socket.socket) -> bytes:
    data = b""
    sock.settimeout(30)
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, rest = data.partition(b"\r\n\r\n")
    length = int([line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")][0])
    while len(rest) < length:
        rest += sock.recv(65536)
    return head + b"\r\n\r\n" + rest
