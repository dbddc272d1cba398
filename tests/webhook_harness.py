"""Run ``soc2gate webhook serve`` as a real process on loopback HTTPS for tests and benchmarks.

Certificates come from a throw-away CA made with trustme; the decision log (stdout) is
collected line by line so tests can assert on it.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import ssl
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import trustme

REPO = Path(__file__).resolve().parent.parent


class Certificates:
    """A CA, and a server certificate for 127.0.0.1/localhost written to ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.ca = trustme.CA()
        server = self.ca.issue_cert("127.0.0.1", "localhost")
        self.cert = directory / "tls.crt"
        self.key = directory / "tls.key"
        server.cert_chain_pems[0].write_to_path(str(self.cert))
        server.private_key_pem.write_to_path(str(self.key))
        self.ca_file = directory / "ca.crt"
        self.ca.cert_pem.write_to_path(str(self.ca_file))

    def client_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        self.ca.configure_trust(context)
        return context


class WebhookProcess:
    def __init__(self, directory: Path, config: Path | None = None, args: tuple[str, ...] = ()) -> None:
        self.certs = Certificates(directory)
        self.port = 0  # known from the start event: the server binds a free port itself
        self.stdout = directory / "stdout.log"  # the decision log; a file, so no reader competes with the test
        self.stderr = directory / "stderr.log"
        command = [sys.executable, "-c", "from soc2gate.cli import main; main()", "webhook", "serve",
                   "--tls-cert", str(self.certs.cert), "--tls-key", str(self.certs.key),
                   "--host", "127.0.0.1", "--port", "0", *args]
        if config is not None:
            command += ["--config", str(config)]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(command, stdout=self.stdout.open("wb"), stderr=self.stderr.open("wb"),
                                        cwd=directory, env=env)
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise

    @property
    def lines(self) -> list[str]:
        text = self.stdout.read_text(encoding="utf-8")
        return [line for line in text.splitlines() if line.endswith("}")]  # complete lines only

    def connection(self, timeout: float = 30.0) -> http.client.HTTPSConnection:
        return http.client.HTTPSConnection("127.0.0.1", self.port, context=self.certs.client_context(), timeout=timeout)

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"webhook exited with {self.process.returncode}: {self.stderr.read_text()}")
            if not self.port:
                started = self.events("start")
                self.port = int(started[0]["port"]) if started else 0
                time.sleep(0.05)
                continue
            try:
                status, _ = self.get("/readyz")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"webhook not ready after {timeout}s: {self.stderr.read_text()}")

    def get(self, path: str) -> tuple[int, bytes]:
        connection = self.connection(timeout=5)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def post(self, body: dict[str, Any] | bytes, path: str = "/validate") -> tuple[int, dict[str, Any]]:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        connection = self.connection()
        try:
            connection.request("POST", path, body=data, headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            return response.status, json.loads(response.read() or b"{}")
        finally:
            connection.close()

    def events(self, event: str = "admission") -> list[dict[str, Any]]:
        found = []
        for line in list(self.lines):
            record = json.loads(line)
            if record.get("event") == event:
                found.append(record)
        return found

    def decision_for(self, uid: str, timeout: float = 5.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for record in self.events():
                if record.get("uid") == uid:
                    return record
            time.sleep(0.02)
        raise AssertionError(f"no decision log line for uid {uid}")

    def wait_event(self, event: str, count: int = 1, timeout: float = 30.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.events(event)
            if len(found) >= count:
                return found[count - 1]
            time.sleep(0.05)
        raise AssertionError(f"no {event!r} event #{count}; stderr: {self.stderr.read_text()[-2000:]}")

    def signal(self, sig: int) -> None:
        self.process.send_signal(sig)

    def stop(self, timeout: float = 30.0) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        return code


def worker_pids(pid: int) -> list[int]:
    """Evaluation worker processes of the server ``pid`` (multiprocessing spawn children)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid and b"spawn_main" in command:
                found.append(int(entry.name))
    return sorted(found)


TEST_POLICIES = {
    # Reads NetworkPolicy objects: cannot be decided on one admitted object.
    "netpol-coverage": ("K8S-990", '["@workload"]', "CC6.6", """
deny contains k8s.fail(r, "metadata", "no NetworkPolicy selects the pods") if {
	some r in k8s.workloads
	count(k8s.resources("NetworkPolicy")) == 0
}"""),
    # Needs oldObject on UPDATE: the owner label must not be removed.
    "owner-label-kept": ("K8S-991", '[Deployment]', "CC8.1", """
deny contains k8s.fail(r, "metadata.labels", "the owner label was removed") if {
	some r in k8s.resources("Deployment")
	some old in object.get(r.links, "oldObject", [])
	object.get(k8s.labels(old.attributes), "owner", "") != ""
	object.get(k8s.labels(r.attributes), "owner", "") == ""
}"""),
    # Slow on purpose: iterates as many times as the label soc2gate-test/slow says (from the
    # input, so the engine cannot fold it away), to exceed a short evaluation deadline.
    "slow-policy": ("K8S-992", '["@workload"]', "CC7.2", """
deny contains k8s.fail(r, "metadata", "slow") if {
	some r in k8s.workloads
	n := to_number(k8s.labels(r.attributes)["soc2gate-test/slow"])
	count([x | some x in numbers.range(1, n); x % 7 == 0]) < 0
}"""),
    # Crashes at run time (label soc2gate-test/crash): two values for one complete rule.
    "crash-policy": ("K8S-993", '["@workload"]', "CC7.2", """
level := "a" if {
	some r in k8s.workloads
	k8s.labels(r.attributes)["soc2gate-test/crash"] == "true"
}

level := "b" if {
	some r in k8s.workloads
	k8s.labels(r.attributes)["soc2gate-test/crash"] == "true"
}

deny contains k8s.fail(r, "metadata", level) if {
	some r in k8s.workloads
	level == "c"
}"""),
}


def write_test_policies(directory: Path, names: tuple[str, ...]) -> Path:
    """Extra policies for webhook tests under ``directory/kubernetes/<name>/policy.rego``."""
    for name in names:
        policy_id, types, control, body = TEST_POLICIES[name]
        package = name.replace("-", "_")
        folder = directory / "kubernetes" / name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "policy.rego").write_text(f"""# METADATA
# title: Test policy {name}
# description: A policy used only by the webhook tests.
# custom:
#   id: {policy_id}
#   severity: high
#   resource_types: {types}
#   controls:
#     {control}: test
#   remediation: none
package soc2gate.policies.kubernetes.{package}

import data.soc2gate.lib.kubernetes as k8s
import rego.v1
{body}
""")
    return directory
