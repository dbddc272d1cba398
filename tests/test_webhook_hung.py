"""A real `soc2gate webhook serve` against what hangs without failing: an evaluation worker that
stops while idle, and TLS clients that never finish (or never start) their handshake."""

from __future__ import annotations

import os
import signal
import socket
import time
from pathlib import Path

from admission_reviews import first_object, review
from webhook_harness import WebhookProcess, worker_pids, write_test_policies
from webhook_servers import PRIVILEGED, start, wait_ready, wait_workers  # noqa: F401 (fixture)


def wait_for(condition, timeout: float = 120, step: float = 0.05):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if found := condition():
            return found
        time.sleep(step)
    raise AssertionError(f"{condition.__doc__ or condition} did not happen within {timeout}s")


def denied_by_policy(server: WebhookProcess) -> None:
    """Post a privileged Deployment: it is evaluated within the deadline and denied by K8S-001 (a
    request past its deadline would be answered per failure_mode: code 500)."""
    status, answer = server.post(review(first_object(PRIVILEGED, "Deployment")))
    response = answer["response"]
    assert status == 200 and response["allowed"] is False and response["status"]["code"] == 403, response
    assert "K8S-001" in response["status"]["message"]


def test_an_idle_worker_that_hangs_is_replaced_and_readyz_follows(tmp_path: Path, start) -> None:
    server = start(tmp_path, {"mode": "enforce", "workers": 1, "deadline_ms": 3000,
                              "liveness_interval_s": 0.5, "liveness_timeout_s": 0.5})
    [hung] = wait_workers(server, 1)
    denied_by_policy(server)
    time.sleep(2)  # idle for several liveness intervals: a live worker answers every check
    assert "liveness" not in server.stderr.read_text() and worker_pids(server.process.pid) == [hung]
    os.kill(hung, signal.SIGSTOP)  # hung while idle: alive, socket open, never reads
    try:
        readiness = wait_for(lambda: server.get("/readyz")[0] == 503 or None, timeout=30, step=0.02)
        assert readiness  # the only worker was found hung and killed: no worker can take work
        assert f"evaluation worker {hung} did not answer a liveness check within 0.5 s: replacing it" \
            in server.stderr.read_text()
        [fresh] = wait_workers(server, 1, exclude={hung})
        assert fresh != hung and wait_for(lambda: not os.path.exists(f"/proc/{hung}"), timeout=30)  # killed, reaped
        wait_ready(server)
        for _ in range(4):
            denied_by_policy(server)
        assert "soc2gate_webhook_workers_ready 1.0" in server.get("/metrics")[1].decode()
    finally:
        if os.path.exists(f"/proc/{hung}"):
            os.kill(hung, signal.SIGKILL)
    assert server.stop() == 0


def test_a_busy_worker_is_not_taken_for_hung(tmp_path: Path, start) -> None:
    policies = write_test_policies(tmp_path / "policies", ("slow-policy",))
    config = tmp_path / "c.yaml"
    config.write_text(f"policy_dirs: [{policies}]\nwebhook: {{mode: audit, workers: 1, deadline_ms: 20000, "
                      "liveness_interval_s: 0.2, liveness_timeout_s: 0.2}\n")
    server = start(tmp_path, config)
    [worker] = wait_workers(server, 1)
    slow = first_object(PRIVILEGED, "Deployment")
    slow["metadata"]["labels"] = {"soc2gate-test/slow": "3000000"}  # evaluates for much longer than 0.4 s
    body = review(slow)
    status, answer = server.post(body)
    assert status == 200 and answer["response"]["allowed"] is True  # audit: evaluated, not failed
    assert server.decision_for(body["request"]["uid"])["duration_ms"] > 400  # busy past interval + timeout
    assert "failure_mode" not in str(answer["response"].get("warnings", []))
    assert "liveness" not in server.stderr.read_text() and worker_pids(server.process.pid) == [worker]


def closed_after(sock: socket.socket, opened: float, timeout: float = 30) -> float:
    """Seconds from ``opened`` until the server closed ``sock`` (EOF or reset); it sends nothing meanwhile."""
    sock.settimeout(timeout)
    try:
        assert sock.recv(1) == b""
    except ConnectionResetError:
        pass
    finally:
        sock.close()
    return time.monotonic() - opened


def test_a_tls_handshake_never_started_or_left_half_way_is_closed(tmp_path: Path, start) -> None:
    server = start(tmp_path, {"mode": "enforce", "tls_handshake_timeout_s": 1, "idle_timeout_s": 60})
    opened = time.monotonic()
    silent = [socket.create_connection(("127.0.0.1", server.port), 10) for _ in range(20)]  # never a ClientHello
    half = socket.create_connection(("127.0.0.1", server.port), 10)
    half.sendall(_client_hello_start(server))  # a ClientHello cut short: the handshake never completes
    denied_by_policy(server)  # others are served meanwhile, each handshake in time
    assert server.get("/readyz")[0] == 200
    waited = [closed_after(sock, opened) for sock in [*silent, half]]
    assert all(0.5 <= seconds < 10 for seconds in waited), waited  # the bound, not the loop's 60 s
    served = server.connection()
    served.request("GET", "/healthz")
    first = served.getresponse()
    assert first.status == 200 and b'"ok"' in first.read()
    time.sleep(1.5)  # past the handshake bound: a completed handshake is not cut (idle_timeout_s is 60)
    served.request("GET", "/healthz")
    second = served.getresponse()
    assert second.status == 200 and b'"ok"' in second.read()
    served.close()


def _client_hello_start(server: WebhookProcess) -> bytes:
    """The first bytes of a real ClientHello (made by Python's TLS client into a memory BIO)."""
    import ssl

    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    client = server.certs.client_context().wrap_bio(incoming, outgoing, server_hostname="127.0.0.1")
    try:
        client.do_handshake()
    except ssl.SSLWantReadError:
        pass
    hello = outgoing.read()
    assert hello[:1] == b"\x16"  # a TLS handshake record
    return hello[: len(hello) // 2]
