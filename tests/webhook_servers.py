"""What the tests of a real `soc2gate webhook serve` process share: the corpus manifests they post,
the enforcement that keeps their expected decisions exact, the ``start`` fixture, and waiting
for evaluation workers and readiness.

Import ``start`` into a test module (``from webhook_servers import start  # noqa: F401 (fixture)``)
and call ``start(directory, config)``: ``config`` is a configuration file, or a dict that is the
``webhook:`` section written to ``directory/c.yaml``.  Every server a test started is stopped at
its teardown, also when the test fails.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from conftest import CORPORA, require_shared
from soc2gate.api import Gate, ScanOptions
from webhook_harness import WebhookProcess, worker_pids

PRIVILEGED = CORPORA / "real/kubernetes-goat/scenarios/health-check/deployment.yaml"
GUESTBOOK = CORPORA / "real/kubernetes-examples/web/guestbook/frontend-deployment.yaml"


@pytest.fixture()
def start():
    require_shared()
    started: list[WebhookProcess] = []

    def _start(directory: Path, config: Path | dict) -> WebhookProcess:
        if isinstance(config, dict):
            path = directory / "c.yaml"
            path.write_text(yaml.safe_dump({"webhook": config}))
            config = path
        started.append(WebhookProcess(directory, config))
        return started[-1]

    yield _start
    for process in started:
        process.stop()


def exact_enforcement() -> dict[str, str]:
    """``webhook.enforcement`` that keeps expected decisions exact however the pack grows: every
    Kubernetes policy audits, except K8S-001 (privileged: the mode) and K8S-007 (non-root: warn)."""
    kubernetes = [p.id for p in Gate.load(ScanOptions()).policies if p.surface == "kubernetes"]
    return {pid: "audit" for pid in kubernetes if pid != "K8S-001"} | {"K8S-007": "warn"}


def wait_workers(server: WebhookProcess, count: int, exclude: set[int] = frozenset(), timeout: float = 120) -> list[int]:
    """At least ``count`` evaluation worker processes of ``server`` besides ``exclude``."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        pids = [p for p in worker_pids(server.process.pid) if p not in exclude]
        if len(pids) >= count:
            return pids
        time.sleep(0.1)
    raise AssertionError(f"fewer than {count} workers after {timeout}s")


def wait_ready(server: WebhookProcess, timeout: float = 120) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if server.get("/readyz")[0] == 200:
            return
        time.sleep(0.1)
    raise AssertionError("not ready again")
