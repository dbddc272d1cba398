"""What the tests of a real `soc2gate webhook serve` process share: the corpus manifests they post
and the ``start`` fixture.

Import ``start`` into a test module (``from webhook_servers import start  # noqa: F401 (fixture)``)
and call ``start(directory, config)``: ``config`` is a configuration file, or a dict that is the
``webhook:`` section written to ``directory/c.yaml``.  Every server a test started is stopped at
its teardown, also when the test fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import CORPORA, require_shared
from webhook_harness import WebhookProcess

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
