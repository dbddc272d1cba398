"""Hostile traffic against a real `soc2gate webhook serve` on loopback HTTPS (issue #12).

Large legal reviews, worker failures, malformed bodies and slow clients: the webhook keeps
answering every request with a decision, never wedges, and /readyz tells the truth.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import ssl
import threading
import time
from pathlib import Path

import pytest
import yaml

from admission_reviews import first_object, review
from conftest import require_shared
from webhook_harness import WebhookProcess
from webhook_servers import GUESTBOOK, PRIVILEGED, start, wait_ready, wait_workers  # noqa: F401 (fixture)

MiB = 1024 * 1024


def padded(obj: dict, size: int) -> dict:
    """``obj`` with an annotation that makes its JSON about ``size`` bytes."""
    obj = json.loads(json.dumps(obj))
    obj["metadata"].setdefault("annotations", {})["padding"] = "x" * max(0, size - len(json.dumps(obj)))
    return obj


def big_update(size: int) -> dict:
    """A legal UPDATE of a privileged Deployment of about ``size`` bytes (object and oldObject)."""
    new = padded(first_object(PRIVILEGED, "Deployment"), size // 2)
    old = padded(first_object(PRIVILEGED, "Deployment"), size // 2)
    return review(new, operation="UPDATE", old=old)


def test_large_legal_reviews_are_evaluated_and_never_wedge_the_pool(tmp_path: Path, start) -> None:
    server = start(tmp_path, {"mode": "enforce", "failure_mode": "allow", "deadline_ms": 10000})
    bodies = [big_update(int(1.1 * MiB)) for _ in range(2)] + [big_update(3 * MiB - 16 * 1024)]
    answers: dict[str, tuple[int, dict]] = {}

    def send(body: dict) -> None:
        answers[body["request"]["uid"]] = server.post(body)

    threads = [threading.Thread(target=send, args=(b,)) for b in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    for body in bodies:
        status, answer = answers[body["request"]["uid"]]
        assert status == 200 and answer["response"]["allowed"] is False, answer
        assert answer["response"]["status"]["code"] == 403 and "K8S-001" in answer["response"]["status"]["message"]
    after = review(first_object(PRIVILEGED, "Deployment"))
    response = server.post(after)[1]["response"]
    assert response["allowed"] is False and response["status"]["code"] == 403  # evaluated, not failure_mode
    assert server.get("/readyz")[0] == 200
    assert "internal_errors_total{" not in server.get("/metrics")[1].decode().replace("# ", "")


def test_every_worker_failure_kills_and_replaces_and_readyz_follows(tmp_path: Path, start) -> None:
    server = start(tmp_path, {"mode": "enforce", "workers": 2})
    workers = wait_workers(server, 2)
    for pid in workers:
        os.kill(pid, signal.SIGSTOP)  # alive but unable to take work: a request overruns on each
    body = review(first_object(PRIVILEGED, "Deployment"))
    response = server.post(body)[1]["response"]
    assert response["allowed"] is False and response["status"]["code"] == 500  # per failure_mode: deny
    for pid in workers:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:  # the one that overran is already killed and reaped
            pass
    status, ready = server.get("/readyz")
    assert status == 503 and json.loads(ready)["status"] != "ready"  # no worker can take work
    replaced = wait_workers(server, 2, exclude=set(workers))
    assert not set(replaced) & set(workers)
    wait_ready(server)
    response = server.post(review(first_object(PRIVILEGED, "Deployment")))[1]["response"]
    assert response["allowed"] is False and response["status"]["code"] == 403


def test_a_worker_killed_holding_a_job_answers_at_once_and_is_replaced(tmp_path: Path, start) -> None:
    # no liveness check while the stopped worker is idle: this is the path of a worker holding a job
    server = start(tmp_path, {"mode": "enforce", "workers": 1, "deadline_ms": 20000, "liveness_interval_s": 3600})
    [worker] = wait_workers(server, 1)
    wait_ready(server)
    os.kill(worker, signal.SIGSTOP)  # it takes the job and never answers
    answer: list[dict] = []
    sender = threading.Thread(target=lambda: answer.append(server.post(big_update(MiB))[1]["response"]))
    sender.start()
    time.sleep(1.5)
    started = time.monotonic()
    os.kill(worker, signal.SIGKILL)
    sender.join(30)
    assert time.monotonic() - started < 5  # answered when the worker died, not at the 20 s deadline
    assert answer[0]["allowed"] is False and answer[0]["status"]["code"] == 500
    assert "worker exited" in answer[0]["status"]["message"]
    assert wait_workers(server, 1, exclude={worker}) != [worker]
    wait_ready(server)
    response = server.post(review(first_object(PRIVILEGED, "Deployment")))[1]["response"]
    assert response["allowed"] is False and response["status"]["code"] == 403


def test_repeated_kills_are_each_replaced_and_leak_nothing(tmp_path: Path, start) -> None:
    server = start(tmp_path, {"mode": "enforce", "workers": 2})
    workers = wait_workers(server, 2)
    wait_ready(server)
    baseline = descriptors(server.process.pid)
    killed: set[int] = set()
    for round_ in range(8):  # descriptor numbers are reused from the second round on
        victim = workers[round_ % 2]
        os.kill(victim, signal.SIGKILL)
        killed.add(victim)
        workers = wait_workers(server, 2, exclude=killed)
        wait_ready(server)
    assert server.stderr.read_text().count("exited: replacing it") == 8
    response = server.post(review(first_object(PRIVILEGED, "Deployment")))[1]["response"]
    assert response["allowed"] is False and response["status"]["code"] == 403
    end = time.monotonic() + 30
    while descriptors(server.process.pid) > baseline + 2 and time.monotonic() < end:  # the last one is reaped
        time.sleep(0.2)
    assert descriptors(server.process.pid) <= baseline + 2


def descriptors(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


@pytest.mark.parametrize("body, fragment", [
    (b'{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": "u1", "n": '
     + b"7" * 5001 + b"}}", "integer"),
    (b'{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": "u2", "n": NaN}}',
     "NaN"),
    (b'{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": "u3", "n": -Infinity}}',
     "Infinity"),
    (b'{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": ' + b"[" * 100000, "nested"),
    (b'{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": "u4", "x": '
     + b'{"a":' * 200 + b"1" + b"}" * 200 + b"}}", "nested"),
    (b"\xff\xfe{}", "UTF-8"),
    (b'{"a": 1, "a": 2}', "AdmissionReview"),
    (b"[1, 2]", "JSON object"),
    (b"", "not valid JSON"),
])
def test_malformed_bodies_get_a_400_admission_review_and_a_logged_decision(body: bytes,
                                                                           fragment: str, shared_server) -> None:
    status, answer = shared_server.post(body)
    assert status == 400 and answer["kind"] == "AdmissionReview" and answer["apiVersion"] == "admission.k8s.io/v1"
    response = answer["response"]
    assert response["allowed"] is False and response["status"]["code"] == 400
    assert response["status"]["reason"] == "BadRequest" and fragment in response["status"]["message"]
    end = time.monotonic() + 10  # the line is written just after the answer
    while not (logged := [r for r in shared_server.events() if r.get("decision") == "invalid"
                          and fragment in r.get("reason", "")]) and time.monotonic() < end:
        time.sleep(0.05)
    assert logged and logged[-1]["http_status"] == 400 and logged[-1]["allowed"] is False


def test_a_malformed_request_with_a_uid_answers_that_uid(shared_server) -> None:
    body = review(first_object(GUESTBOOK, "Deployment"))
    body["request"]["operation"] = "PATCH"
    status, answer = shared_server.post(body)
    assert status == 400 and answer["response"]["uid"] == body["request"]["uid"]
    assert shared_server.decision_for(body["request"]["uid"])["decision"] == "invalid"


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory):
    require_shared()
    directory = tmp_path_factory.mktemp("abuse")
    config = directory / "c.yaml"
    config.write_text(yaml.safe_dump({"webhook": {"mode": "enforce", "idle_timeout_s": 1, "read_timeout_s": 2}}))
    process = WebhookProcess(directory, config)
    yield process
    assert process.stop() == 0


def test_idle_connections_are_closed_after_the_idle_timeout(shared_server) -> None:
    sock = tls_socket(shared_server)
    started = time.monotonic()
    assert read_until_closed(sock, 20) == b""  # no request at all: closed, nothing answered
    assert 0.5 <= time.monotonic() - started < 10
    sock = tls_socket(shared_server)
    body = json.dumps(review(first_object(GUESTBOOK, "Deployment"))).encode()
    sock.sendall(request_head(len(body)) + body)
    reply = read_until_closed(sock, 20)  # answered, then closed once idle
    assert reply.startswith(b"HTTP/1.1 200")


@pytest.mark.parametrize("stage", ["headers", "body"])
def test_slow_clients_are_closed_after_the_read_timeout(shared_server, stage: str) -> None:
    body = json.dumps(review(first_object(GUESTBOOK, "Deployment"))).encode()
    message = request_head(len(body)) + body
    cut = 20 if stage == "headers" else len(message) - 100
    sock = tls_socket(shared_server)
    sock.sendall(message[:cut])
    started = time.monotonic()
    closed = False
    for index in range(cut, cut + 40):  # one byte every 0.25 s: never idle, never complete
        try:
            sock.sendall(message[index:index + 1])
        except OSError:
            closed = True
            break
        if sock_closed(sock):
            closed = True
            break
        time.sleep(0.25)
    assert closed and time.monotonic() - started < 8
    assert shared_server.get("/readyz")[0] == 200
    assert 'reason="read_timeout"' in shared_server.get("/metrics")[1].decode()


def test_a_client_that_does_not_take_its_answers_is_cut_off(shared_server) -> None:
    sock = tls_socket(shared_server)
    request = b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    sock.sendall(request * 4000)  # pipelined; about 40 MB of answers, never read until the end
    time.sleep(6)  # read_timeout_s is 2: the answers fill every buffer, then the server gives up
    assert 'reason="write_timeout"' in shared_server.get("/metrics")[1].decode()
    received = read_until_closed(sock, 20)  # what the buffers held, then the end
    assert received.count(b"HTTP/1.1 200") < 4000


def tls_socket(server: WebhookProcess) -> ssl.SSLSocket:
    return server.certs.client_context().wrap_socket(socket.create_connection(("127.0.0.1", server.port), 10),
                                                     server_hostname="127.0.0.1")


def request_head(length: int) -> bytes:
    return (f"POST /validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {length}\r\n\r\n").encode()


def read_until_closed(sock: ssl.SSLSocket, timeout: float) -> bytes:
    sock.settimeout(timeout)
    data = b""
    try:
        while block := sock.recv(65536):
            data += block
    except (ssl.SSLError, ConnectionResetError):
        pass
    finally:
        sock.close()
    return data


def sock_closed(sock: ssl.SSLSocket) -> bool:
    sock.settimeout(0.01)
    try:
        return sock.recv(1) == b""
    except (TimeoutError, ssl.SSLWantReadError):
        return False
    except OSError:
        return True
