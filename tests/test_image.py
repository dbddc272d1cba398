"""The container image, built from this repository by `scripts/build-image.sh --offline` and run with podman.

The image runs as the Deployment runs it: read-only root filesystem, a tmpfs at /tmp, its numeric non-root
user, TLS from a mounted folder, the install's own soc2gate.yaml. .ci/run installs podman, runc and
mmdebstrap; the build makes its base from Debian packages because no container registry is reachable here.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Iterator

import pytest

from admission_reviews import first_object, review
from conftest import CORPORA, REPO, require_shared
from webhook_harness import Certificates
from webhook_install import INSTALL, hardened_deployment

PODMAN_FLAGS = ["--runtime", "runc", "--ulimit", "nofile=4096:4096", "--ulimit", "nproc=4096:4096"]
PRIVILEGED = CORPORA / "real/kubernetes-goat/scenarios/health-check/deployment.yaml"


def _require(*tools: str) -> None:
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        pytest.fail(f"{', '.join(missing)} missing: .ci/run installs podman, runc and mmdebstrap")


def podman(*args: str, timeout: float = 120, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(["podman", *args], capture_output=True, text=True, timeout=timeout)
    if check:
        assert done.returncode == 0, f"podman {' '.join(args)}: {done.stderr[-2000:]}"
    return done


@pytest.fixture(scope="module")
def image() -> str:
    """Build the image once for this module; its reference (NAME:TAG@sha256:DIGEST)."""
    _require("podman", "runc", "mmdebstrap")
    env = {**os.environ, "PYTHON": sys.executable}
    done = subprocess.run(["bash", str(REPO / "scripts/build-image.sh"), "--offline", "--tag",
                           "localhost/soc2gate:test"], capture_output=True, text=True, timeout=1500, env=env, cwd=REPO)
    assert done.returncode == 0, done.stderr[-4000:]
    reference = done.stdout.strip().splitlines()[-1]
    assert reference.startswith("localhost/soc2gate:test@sha256:"), reference
    return "localhost/soc2gate:test"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Container:
    """One `soc2gate webhook serve` container on a loopback port."""

    def __init__(self, image: str, directory: Path) -> None:
        require_shared()
        self.certs = Certificates(directory)
        directory.chmod(0o755)  # pytest's folders are private; the image's user 65532 reads the bind mounts
        self.certs.key.chmod(0o644)
        config = directory / "config"
        config.mkdir()
        shutil.copy(INSTALL / "base/soc2gate.yaml", config / "soc2gate.yaml")
        self.port, self.name = _free_port(), f"soc2gate-test-{uuid.uuid4().hex[:8]}"
        podman("run", "-d", "--name", self.name, *PODMAN_FLAGS, "--network=host", "--read-only",
               "--tmpfs", "/tmp:rw,size=64m", "-v", f"{directory}:/etc/soc2gate/tls:ro",
               "-v", f"{config}:/etc/soc2gate/config:ro", image, "webhook", "serve",
               "--tls-cert=/etc/soc2gate/tls/tls.crt", "--tls-key=/etc/soc2gate/tls/tls.key",
               "--host=127.0.0.1", f"--port={self.port}", "--config=/etc/soc2gate/config/soc2gate.yaml")
        self.context = self.certs.client_context()

    def request(self, path: str, body: dict[str, Any] | None = None) -> tuple[int, dict[str, Any]]:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(f"https://localhost:{self.port}{path}", data=data,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, context=self.context, timeout=30) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def wait_ready(self, timeout: float = 90) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                status, body = self.request("/readyz")
                if status == 200:
                    return body
            except (OSError, ssl.SSLError, json.JSONDecodeError):
                pass
            time.sleep(0.5)
        pytest.fail(f"the container never became ready:\n{self.logs()[-3000:]}")

    def logs(self) -> str:
        done = podman("logs", self.name, check=False)
        return done.stdout + done.stderr

    def remove(self) -> None:
        podman("rm", "-f", "-t", "0", self.name, check=False)


@pytest.fixture(scope="module")
def container(image: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Container]:
    running = Container(image, tmp_path_factory.mktemp("image"))
    try:
        running.wait_ready()
        yield running
    finally:
        running.remove()


def test_image_metadata_user_labels_entrypoint_and_size(image: str) -> None:
    info = json.loads(podman("image", "inspect", image).stdout)[0]
    config = info["Config"]
    assert config["User"] == "65532:65532" and config["Entrypoint"] == ["soc2gate"]
    labels = config["Labels"]
    for key in ("source", "version", "revision", "licenses"):
        assert labels[f"org.opencontainers.image.{key}"], key
    assert labels["org.opencontainers.image.licenses"] == "Apache-2.0"
    assert info["Size"] < 200_000_000, f"image is {info['Size'] / 1e6:.0f} MB; target under 200 MB"


def test_health_and_readiness(container: Container) -> None:
    assert container.request("/healthz") == (200, {"status": "ok"})
    status, body = container.request("/readyz")
    assert status == 200 and body["status"] == "ready" and body["policies"] > 100


def test_privileged_pod_is_denied_with_a_control_id(container: Container) -> None:
    body = review(first_object(PRIVILEGED), namespace="shop")
    status, answer = container.request("/validate", body)
    response = answer["response"]
    assert status == 200 and response["allowed"] is False and response["uid"] == body["request"]["uid"]
    assert response["status"]["code"] == 403
    assert "K8S-001" in response["status"]["message"] and "CC6." in response["status"]["message"]


def test_hardened_deployment_is_allowed(container: Container) -> None:
    status, answer = container.request("/validate", review(hardened_deployment(), namespace="shop"))
    assert status == 200 and answer["response"]["allowed"] is True, answer


def test_nothing_is_written_outside_tmp(container: Container) -> None:
    done = podman("exec", container.name, "sh", "-c", "touch /opt/soc2gate/x 2>&1; touch /tmp/x && id -u")
    assert "Read-only file system" in done.stdout and done.stdout.strip().endswith("65532")


def test_sigterm_stops_cleanly(image: str, tmp_path: Path) -> None:
    running = Container(image, tmp_path)
    try:
        running.wait_ready()
        started = time.monotonic()
        podman("stop", "-t", "30", running.name)
        assert time.monotonic() - started < 25, "SIGTERM did not stop the server before the kill timeout"
        state = json.loads(podman("inspect", running.name).stdout)[0]["State"]
        assert state["ExitCode"] == 0, running.logs()[-2000:]
        assert "Finished server process" in running.logs()
    finally:
        running.remove()
