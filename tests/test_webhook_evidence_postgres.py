"""Two webhook replicas append their batches to one chain of a real PostgreSQL store (writer role:
INSERT and SELECT only); the chain verifies and holds every decision of both."""

from __future__ import annotations

from pathlib import Path

import pytest

from pg_server import WRITER_PASSWORD, PostgresServer, postgres  # noqa: F401 (fixture)
from soc2gate.evidence import verify_store
from soc2gate.evidence.admin import init_store
from soc2gate.evidence.store import StoreOptions, open_store
from test_webhook_evidence import send_mix, write_config
from webhook_servers import start  # noqa: F401 (fixture)

WRITER_ENV = "SOC2GATE_TEST_PG_PASSWORD"


def test_replicas_share_one_verified_chain(postgres: PostgresServer, tmp_path: Path, start,  # noqa: F811
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    name = postgres.create_database()
    init_store(postgres.migrator_url(name))
    postgres.grant_writer(name)
    monkeypatch.setenv(WRITER_ENV, WRITER_PASSWORD)  # the servers inherit it; the URL carries no password
    url = postgres.writer_url(name)
    replicas = []
    for index in range(2):
        directory = tmp_path / f"replica-{index}"
        directory.mkdir()
        config = write_config(directory, url, 1)
        config.write_text(config.read_text().replace("evidence:\n", f"evidence:\n  password_env: {WRITER_ENV}\n", 1))
        replicas.append(start(directory, config))
    sent = [len(send_mix(replica)) for replica in replicas]
    for replica in replicas:
        replica.wait_event("evidence", 1)
        assert replica.stop() == 0
        assert {e["result"] for e in replica.events("evidence")} == {"ok"}
    store = open_store(url, StoreOptions(password_env=WRITER_ENV))
    try:
        assert store.chains() == ["webhook/test-cluster"]
        records = list(store.records("webhook/test-cluster"))
        verified = verify_store(store)
    finally:
        store.close()
    assert verified.ok, verified.as_dict()["problems"]
    assert {r["kind"] for r in records} == {"admission-batch"}
    assert sum(r["admission"]["decisions"] for r in records) == sum(sent)
    assert {r["webhook"]["pid"] for r in records} == {replica.process.pid for replica in replicas}
